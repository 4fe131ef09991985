/**
 * How the Stripe connector reads Stripe's answers: Stripe's own codes → our history codes (the RR reason), by
 * tables, so that a new Stripe code is a new row. The cascade decision follows from the reason
 * (domain/cascade-policy.ts); docs/connectors.md prints the whole mapping. Pure: unit-tested on fixtures of Stripe's
 * documented answers, since stripe-mock (stateless) answers every call with the same fixture.
 */
import type { CallbackClaim, CreateOutcome, PspAnswer, StatusOutcome } from '../../domain/gateway-contract';
import { CODES, type HistoryCode, type ReasonKey } from '../../domain/history-codes';
import { callbackFailedCode, checkFailedCode, createDeclinedCode } from '../codes';

/**
 * Stripe's decline and error codes (`decline_code`, else `code`, of a card error or of a PaymentIntent's
 * `last_payment_error`; a payout's `failure_code`) → our reason. A code missing here is a decline without a
 * reason (RR 00: the next gateway may accept).
 */
export const STRIPE_DECLINE_REASONS: Readonly<Record<string, ReasonKey>> = {
  // The issuer: the same card fails at any gateway.
  insufficient_funds: 'ISSUER.INSUFFICIENT_FUNDS',
  lost_card: 'ISSUER.CARD_BLOCKED',
  stolen_card: 'ISSUER.CARD_BLOCKED',
  pickup_card: 'ISSUER.CARD_BLOCKED',
  restricted_card: 'ISSUER.CARD_BLOCKED',
  expired_card: 'ISSUER.CARD_BLOCKED',
  incorrect_number: 'ISSUER.CARD_BLOCKED',
  invalid_number: 'ISSUER.CARD_BLOCKED',
  incorrect_cvc: 'ISSUER.CARD_BLOCKED',
  invalid_cvc: 'ISSUER.CARD_BLOCKED',
  invalid_expiry_month: 'ISSUER.CARD_BLOCKED',
  invalid_expiry_year: 'ISSUER.CARD_BLOCKED',
  // The card or its currency is not accepted here: another acquirer may take it.
  card_not_supported: 'ISSUER.CARD_NOT_SUPPORTED',
  transaction_not_allowed: 'ISSUER.CARD_NOT_SUPPORTED',
  currency_not_supported: 'BUSINESS.CURRENCY',
  invalid_currency: 'BUSINESS.CURRENCY',
  card_velocity_exceeded: 'BUSINESS.LIMIT',
  withdrawal_count_limit_exceeded: 'BUSINESS.LIMIT',
  amount_too_large: 'BUSINESS.LIMIT',
  amount_too_small: 'BUSINESS.LIMIT',
  // Fraud: never moved elsewhere.
  fraudulent: 'RISK.ANTIFRAUD_HARD',
  merchant_blacklist: 'RISK.ANTIFRAUD_HARD',
  stop_payment_order: 'RISK.ANTIFRAUD_HARD',
  security_violation: 'RISK.ANTIFRAUD_HARD',
  // Our account at Stripe cannot pay (payouts, and payout creation's `balance_insufficient`).
  balance_insufficient: 'BUSINESS.BALANCE',
  // Payout destinations that cannot receive money: the payee's account, as for a blocked card.
  account_closed: 'ISSUER.CARD_BLOCKED',
  account_frozen: 'ISSUER.CARD_BLOCKED',
  bank_account_restricted: 'ISSUER.CARD_BLOCKED',
  no_account: 'ISSUER.CARD_BLOCKED',
  invalid_account_number: 'ISSUER.CARD_BLOCKED',
  unsupported_card: 'ISSUER.CARD_NOT_SUPPORTED',
};

/** Payout failure codes that mean the payout cannot go out from our Stripe balance (not the payee's fault). */
const PAYOUT_FAILURE_REASONS: Readonly<Record<string, ReasonKey>> = { insufficient_funds: 'BUSINESS.BALANCE' };

/** A failed 3DS (Stripe's `payment_intent_authentication_failure`): the payform's verify step failed (3.2.4.56). */
export const STRIPE_3DS_FAILURE = 'payment_intent_authentication_failure';
export const THREE_DS_FAILED: HistoryCode = '3.2.4.56';

/** The reason of a Stripe decline or failure code; null for codes without one. */
export function stripeReasonOf(
  code: string | null | undefined,
  kind: 'payment' | 'payout' = 'payment',
): ReasonKey | null {
  if (!code) return null;
  return (kind === 'payout' ? PAYOUT_FAILURE_REASONS[code] : undefined) ?? STRIPE_DECLINE_REASONS[code] ?? null;
}

/** The parts of a Stripe error the mapping reads (a StripeError, or the `error` object of Stripe's JSON). */
export interface StripeErrorView {
  /** `card_error`, `invalid_request_error`, `api_error`, `idempotency_error`, … or the SDK's class type. */
  type?: string;
  statusCode?: number;
  code?: string | null;
  decline_code?: string | null;
  message?: string | null;
  /** The PaymentIntent or payout the error is about, when Stripe names it. */
  ref?: string;
  /** A network fault: `sent` false only when no connection was made (so Stripe cannot have seen it). */
  network?: { timeout: boolean; sent: boolean };
}

/** The parts of a PaymentIntent or a payout the mapping reads. */
export interface StripeObjectView {
  object: 'payment_intent' | 'payout';
  id: string;
  status: string;
  amount?: number;
  amount_received?: number;
  currency?: string;
  /** PaymentIntent: the last attempt's error. */
  last_payment_error?: { code?: string | null; decline_code?: string | null; message?: string | null } | null;
  /** Payout: why it failed. */
  failure_code?: string | null;
  failure_message?: string | null;
  next_action?: { type?: string | null } | null;
}

/** Digit runs long enough to be a card or account number, masked in anything we keep. */
const DIGIT_RUN = /\d[\d -]{10,}\d/g;

/** The PSP's words as the history keeps them: at most 200 characters, long digit runs masked. */
export function pspAnswer(code: string, message?: string | null): PspAnswer {
  const clean = message?.replace(DIGIT_RUN, '[digits]').slice(0, 200);
  return { code, ...(clean ? { message: clean } : {}) };
}

/** The most specific code of an error: decline code, else error code, else its type or HTTP status. */
function errorPsp(err: StripeErrorView): PspAnswer {
  const code = err.decline_code || err.code || err.type || (err.statusCode ? `http_${err.statusCode}` : 'unknown');
  return pspAnswer(code, err.message);
}

/** The PSP's words of a payment object: its status, with the failure's code when it has one. */
function objectPsp(view: StripeObjectView): PspAnswer {
  const error = view.last_payment_error;
  const failure = error?.decline_code || error?.code || view.failure_code;
  const action = view.status === 'requires_action' && view.next_action?.type ? `:${view.next_action.type}` : '';
  return pspAnswer(
    failure ? `${view.status}:${failure}` : `${view.status}${action}`,
    error?.message ?? view.failure_message,
  );
}

/** Why a payment object failed, as a reason (null when Stripe gave none). */
function failureReason(view: StripeObjectView): ReasonKey | null {
  if (view.object === 'payout') return stripeReasonOf(view.failure_code, 'payout');
  const error = view.last_payment_error;
  return stripeReasonOf(error?.decline_code || error?.code);
}

const is3dsFailure = (view: StripeObjectView) => view.last_payment_error?.code === STRIPE_3DS_FAILURE;

/**
 * What a payment object says, whoever asked: `success`, `pending`, or `failed`. After our confirm, a PaymentIntent
 * back in `requires_payment_method` with an error is a failed attempt; without one it was never confirmed (pending).
 */
export function stripeStateOf(view: StripeObjectView): 'success' | 'pending' | 'failed' {
  if (view.object === 'payout') {
    if (view.status === 'paid') return 'success';
    return view.status === 'failed' || view.status === 'canceled' ? 'failed' : 'pending';
  }
  if (view.status === 'succeeded') return 'success';
  if (view.status === 'canceled') return 'failed';
  if (view.status === 'requires_payment_method' && view.last_payment_error) return 'failed';
  // processing, requires_action (3DS), requires_confirmation, requires_capture: not settled yet.
  return 'pending';
}

/** The outcome of a create that Stripe answered with the payment object. */
export function createOutcomeOfObject(view: StripeObjectView): CreateOutcome {
  const psp = objectPsp(view);
  switch (stripeStateOf(view)) {
    case 'success':
      return { kind: 'accepted', status: 'success', gatewayRef: view.id, code: CODES.GATEWAY_SUCCESS, psp };
    case 'pending':
      return { kind: 'accepted', status: 'pending', gatewayRef: view.id, code: CODES.GATEWAY_PENDING, psp };
    case 'failed':
      return {
        kind: 'declined',
        gatewayRef: view.id,
        code: is3dsFailure(view) ? THREE_DS_FAILED : createDeclinedCode(failureReason(view)),
        psp,
      };
  }
}

/** The outcome of a status check that found the payment object. */
export function statusOutcomeOfObject(view: StripeObjectView): StatusOutcome {
  const psp = objectPsp(view);
  switch (stripeStateOf(view)) {
    case 'success':
      return {
        kind: 'success',
        code: CODES.CHECK_SUCCESS,
        gatewayRef: view.id,
        psp,
        ...(view.currency && view.amount !== undefined ? { claim: claimOf(view) } : {}),
      };
    case 'pending':
      return { kind: 'pending', code: CODES.CHECK_PENDING, psp };
    case 'failed':
      return {
        kind: 'failed',
        code: is3dsFailure(view) ? THREE_DS_FAILED : checkFailedCode(failureReason(view)),
        gatewayRef: view.id,
        psp,
      };
  }
}

/**
 * The money a settled payment object talks about, for the engine to check against the order (status checks and
 * webhooks alike): what Stripe was asked for, and what it received (a PaymentIntent's `amount_received`).
 */
export function claimOf(view: StripeObjectView): CallbackClaim {
  const requested = view.amount ?? 0;
  const received = view.object === 'payment_intent' ? (view.amount_received ?? requested) : requested;
  return { currency: (view.currency ?? '').toUpperCase(), amountMinor: received, requestedAmountMinor: requested };
}

/** What a webhook's payment object says, as a callback code. */
export function callbackOf(view: StripeObjectView): {
  status: 'pending' | 'success' | 'failed';
  code: HistoryCode;
  psp: PspAnswer;
} {
  const status = stripeStateOf(view);
  const psp = objectPsp(view);
  if (status === 'success') return { status, code: CODES.CALLBACK_SUCCESS, psp };
  if (status === 'pending') return { status, code: CODES.CALLBACK_PENDING, psp };
  return { status, code: is3dsFailure(view) ? THREE_DS_FAILED : callbackFailedCode(failureReason(view)), psp };
}

/** Create errors the HTTP status decides (after card errors and network faults). */
const CREATE_ERROR_BY_STATUS: Readonly<Record<number, HistoryCode>> = {
  400: '2.2.4.15',
  404: '2.2.4.15',
  401: '2.2.4.21',
  403: '2.2.4.22',
};

/**
 * The outcome of a create Stripe refused or never answered. Stripe says a 500 may have been processed and a 429
 * (rate limit, lock timeout) was not; both are checked before anything else by the cascade table (TECH.13 → check).
 */
export function createOutcomeOfError(err: StripeErrorView): CreateOutcome {
  const psp = errorPsp(err);
  const ref = err.ref ? { gatewayRef: err.ref } : {};
  if (err.network) {
    if (!err.network.sent) return { kind: 'failed', code: '2.2.4.12', ambiguous: false, psp };
    return { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_TIMEOUT, ambiguous: true, psp };
  }
  // The key was used before with other parameters (a retry after the CVC was destroyed makes another PaymentMethod),
  // or is in use by a request still running (409): a payment may exist under it, so a status check decides.
  if (err.type === 'idempotency_error' || err.statusCode === 409) {
    return { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true, psp };
  }
  if (err.type === 'card_error' || err.statusCode === 402) {
    const code =
      err.code === STRIPE_3DS_FAILURE
        ? THREE_DS_FAILED
        : createDeclinedCode(stripeReasonOf(err.decline_code || err.code));
    return { kind: 'declined', code, ...ref, psp };
  }
  const status = err.statusCode ?? 0;
  // Business refusals Stripe answers as invalid requests (400): our balance, the amount's bounds, the currency.
  const reason = status === 400 ? stripeReasonOf(err.code) : null;
  if (reason) return { kind: 'declined', code: createDeclinedCode(reason), ...ref, psp };
  const byStatus = CREATE_ERROR_BY_STATUS[status];
  if (byStatus) return { kind: 'declined', code: byStatus, ...ref, psp };
  if (status === 429 || status >= 500) return { kind: 'failed', code: '2.2.4.13', ambiguous: false, psp };
  return { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true, psp };
}

/** Status-check errors the HTTP status decides; a check changes nothing, so no fault is ambiguous. */
const CHECK_ERROR_BY_STATUS: Readonly<Record<number, HistoryCode>> = {
  400: '4.2.2.15',
  401: '4.2.2.21',
  403: '4.2.2.22',
};

/** The outcome of a status check Stripe refused or never answered. */
export function statusOutcomeOfError(err: StripeErrorView): StatusOutcome {
  const psp = errorPsp(err);
  if (err.network) return { kind: 'error', code: err.network.timeout ? '4.2.2.11' : '4.2.2.12', psp };
  const status = err.statusCode ?? 0;
  if (status === 404 || err.code === 'resource_missing') return { kind: 'not_found', code: CODES.CHECK_NOT_FOUND, psp };
  const byStatus = CHECK_ERROR_BY_STATUS[status];
  if (byStatus) return { kind: 'error', code: byStatus, psp };
  return { kind: 'error', code: status === 429 || status >= 500 ? '4.2.2.13' : '4.2.2.14', psp };
}
