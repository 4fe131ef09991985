import { findHistoryCode, type HistoryCode, type ReasonKey } from '../domain/history-codes';

/**
 * Reason-dependent history codes of gateway outcomes, looked up in the catalog by the grammar rather than
 * spelled out per reason, so every connector classifies the same way.
 */

/** 2.2.4.RR: the gateway declined the create. Throws for a reason the catalog has no create code for (a bug). */
export function createDeclinedCode(reason: ReasonKey | null): HistoryCode {
  const found = findHistoryCode({ actor: 'GATEWAY_CREATE', class: 'failure', status: 'failed', reason });
  if (!found) throw new Error(`the catalog has no create-declined code for reason ${reason}`);
  return found.code;
}

/** 4.1.4.RR: a status check found the payment failed; reasons the catalog has no check code for fall back to 00. */
export function checkFailedCode(reason: ReasonKey | null): HistoryCode {
  const found = findHistoryCode({ actor: 'STATUS_CHECK', class: 'success', status: 'failed', reason });
  return found?.code ?? '4.1.4.00';
}

/** 5.1.4.RR: a valid callback reports the payment failed; unknown reasons fall back to 00 as for checks. */
export function callbackFailedCode(reason: ReasonKey | null): HistoryCode {
  const found = findHistoryCode({ actor: 'GATEWAY_CALLBACK', class: 'success', status: 'failed', reason });
  return found?.code ?? '5.1.4.00';
}

/** 2.2.4.RR, or 2.2.4.00 for a reason the catalog has no create code for (an operator's override may name one). */
export function declinedCodeOrUnspecified(reason: ReasonKey | null): HistoryCode {
  return findHistoryCode({ actor: 'GATEWAY_CREATE', class: 'failure', status: 'failed', reason })?.code ?? '2.2.4.00';
}
