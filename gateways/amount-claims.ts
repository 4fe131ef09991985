import type {
  AmountUpdatePolicy,
  CallbackClaim,
  CallbackVerification,
  StatusOutcome,
} from '../domain/gateway-contract';
import { CODES } from '../domain/history-codes';
import type { Direction } from '../domain/order';
import type { PaymentMethod } from '../domain/requisites';

/** The order a callback or a status answer is about, as far as its money goes. */
export interface CallbackOrder {
  direction: Direction;
  amountMinor: number;
  currency: string;
  method: PaymentMethod | null;
}

/** Why a gateway's word about the money is not believed. */
export type ClaimRefusal =
  | 'currency'
  | 'requested-amount'
  | 'zero-amount'
  | 'amount-updates-not-allowed'
  | 'amount-beyond-tolerance'
  | 'payout-above-held';

/**
 * The rules for what a gateway says about an order's money (docs/gateway-callbacks.md, "Checked against the
 * order"), the same for callbacks and status checks:
 *
 * 1. the currency is the order's;
 * 2. the amount the gateway says it was asked for, when it says, is the order's amount;
 * 3. a success whose amount differs from the order's is an amount update, accepted only when the connector allows
 *    updates for the order's method, the new amount is above zero, within the tolerance (percent of the order's
 *    amount, rounded up to a whole minor unit) and, for a payout, not above what was held.
 *
 * `reportedAmountMinor` is the amount the connector reports as changed; a connector that makes no claim may not
 * change the amount. Returns the amount to settle (undefined: the order's own) or the refusal.
 */
export function judgeAmountClaim(
  status: 'pending' | 'success' | 'failed',
  claim: CallbackClaim | undefined,
  reportedAmountMinor: number | undefined,
  order: CallbackOrder,
  policy: AmountUpdatePolicy | undefined,
): { refusal: ClaimRefusal } | { refusal?: undefined; updatedAmountMinor?: number } {
  if (!claim) return reportedAmountMinor === undefined ? {} : { refusal: 'amount-updates-not-allowed' };
  if (claim.currency !== order.currency) return { refusal: 'currency' };
  if (claim.requestedAmountMinor !== undefined && claim.requestedAmountMinor !== order.amountMinor) {
    return { refusal: 'requested-amount' };
  }
  if (status !== 'success' || claim.amountMinor === order.amountMinor) return {};
  const paid = claim.amountMinor;
  if (!Number.isSafeInteger(paid) || paid <= 0) return { refusal: 'zero-amount' };
  // Every order the API creates has a method; only orders started without it (tests, simulations) lack one.
  if (!policy || (order.method && !policy.methods.includes(order.method))) {
    return { refusal: 'amount-updates-not-allowed' };
  }
  if (order.direction === 'payout' && paid > order.amountMinor) return { refusal: 'payout-above-held' };
  const allowed = Math.ceil((order.amountMinor * policy.tolerancePercent) / 100);
  if (Math.abs(paid - order.amountMinor) > allowed) return { refusal: 'amount-beyond-tolerance' };
  return { updatedAmountMinor: paid };
}

/**
 * Checks a verified callback against the order it names with {@link judgeAmountClaim}. A refused callback turns
 * into an invalid payload (5.2.2.17), so it is recorded and changes nothing. An accepted update is always
 * reported as 5.1.3.35 with the new amount, whatever the gateway's own comparison said. The claim itself never
 * leaves the HTTP layer.
 */
export function checkCallbackAgainstOrder(
  verification: CallbackVerification,
  order: CallbackOrder,
  policy: AmountUpdatePolicy | undefined,
): { verification: CallbackVerification; refusal?: ClaimRefusal } {
  if (!verification.valid) return { verification };
  const { claim, amountMinor, ...rest } = verification;
  const judged = judgeAmountClaim(rest.status, claim, amountMinor, order, policy);
  if (judged.refusal) {
    return {
      verification: { valid: false, code: CODES.CALLBACK_INVALID_PAYLOAD, gatewayRef: verification.gatewayRef },
      refusal: judged.refusal,
    };
  }
  if (judged.updatedAmountMinor !== undefined) {
    return { verification: { ...rest, code: CODES.CALLBACK_AMOUNT_UPDATED, amountMinor: judged.updatedAmountMinor } };
  }
  const code = rest.code === CODES.CALLBACK_AMOUNT_UPDATED ? CODES.CALLBACK_SUCCESS : rest.code;
  return { verification: { ...rest, code } };
}

/**
 * Checks a status check's answer against the order with {@link judgeAmountClaim}. A refused answer is an invalid
 * response (4.2.2.14): the payment's state stays unknown, so the order keeps checking and, past its deadline, goes
 * to reconciliation, where an operator decides with the gateway's evidence. The claim is dropped either way.
 */
export function checkStatusAgainstOrder(
  outcome: StatusOutcome,
  order: CallbackOrder,
  policy: AmountUpdatePolicy | undefined,
): { outcome: StatusOutcome; refusal?: ClaimRefusal } {
  if (outcome.kind !== 'success') return { outcome };
  const { claim, amountMinor, ...rest } = outcome;
  const judged = judgeAmountClaim('success', claim, amountMinor, order, policy);
  if (judged.refusal) {
    const psp = outcome.psp ? { psp: outcome.psp } : {};
    return { outcome: { kind: 'error', code: CODES.CHECK_INVALID_RESPONSE, ...psp }, refusal: judged.refusal };
  }
  return {
    outcome: judged.updatedAmountMinor === undefined ? rest : { ...rest, amountMinor: judged.updatedAmountMinor },
  };
}

/** A status answer as the workflow sees it: what the gateway claimed about the money stays in the activity. */
export function statusWithoutClaim(outcome: StatusOutcome): StatusOutcome {
  if (outcome.kind !== 'success' || !outcome.claim) return outcome;
  const { claim: _claim, ...rest } = outcome;
  return rest;
}
