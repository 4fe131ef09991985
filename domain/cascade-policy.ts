import { getHistoryCode, type HistoryCode, type ReasonKey } from './history-codes';

/**
 * What the engine does after a gateway says no, keyed by the reason of the answer's history code (the RR of
 * `A.C.B.RR`): the same table serves create declines, failed status checks and failure callbacks.
 * - `retry`: the request certainly did not reach the gateway (connection refused): try the same gateway again,
 *   with the same idempotency key, a few times ({@link SAME_GATEWAY_RETRY_DELAYS_MS}), then move on;
 * - `check`: the request may have reached the gateway (timeout, 5xx, unreadable answer): a status check decides before
 *   anything else, so a payer is never charged twice;
 * - `next`: a definitive answer that another gateway may not give: cascade to the next gateway of the route;
 * - `stop`: a hard decline another gateway would repeat (or should not be asked): fail the order.
 */
export type CascadeDecision = 'retry' | 'check' | 'next' | 'stop';

/** The decision table. A reason missing here stops the order: unknown answers never move money elsewhere. */
export const CASCADE_POLICY: Readonly<Partial<Record<ReasonKey | 'NONE', CascadeDecision>>> = {
  NONE: 'next', // declined without a reason: another gateway may accept
  'TECH.TIMEOUT': 'check',
  'TECH.INVALID_RESPONSE': 'check',
  'TECH.CONNECTION_FAIL': 'retry',
  // A gateway's 5xx can come after it stored the payment: only a status check can say it is safe to send again.
  'TECH.SERVER_UNAVAILABLE': 'check',
  'TECH.INVALID_REQUEST': 'next', // this gateway's integration refused the request; another may not
  'AUTHZ.401_UNAUTHORIZED': 'next', // our credentials at this gateway are wrong: operations must look, the payer need not wait
  'AUTHZ.403_FORBIDDEN': 'next',
  'BUSINESS.BALANCE': 'next', // the gateway's own balance (payouts)
  'BUSINESS.LIMIT': 'next',
  'BUSINESS.CURRENCY': 'next',
  'RISK.ANTIFRAUD_HARD': 'stop',
  'ISSUER.CARD_BLOCKED': 'stop',
  'ISSUER.CARD_NOT_SUPPORTED': 'next', // another acquirer may support the card
  'ISSUER.INSUFFICIENT_FUNDS': 'stop', // the same card has no more money elsewhere
};

/** Delays before each retry on the same gateway; when they run out, the order cascades. */
export const SAME_GATEWAY_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000];

/** The decision for a gateway's negative answer. */
export function cascadeDecision(code: HistoryCode): CascadeDecision {
  return CASCADE_POLICY[getHistoryCode(code).reason ?? 'NONE'] ?? 'stop';
}

/**
 * The table as orders started before the order truth model used it (a 5xx retried without a check). Only the frozen
 * workflow code of those orders (workflows/v1) calls this, so their histories replay unchanged.
 */
export function cascadeDecisionV1(code: HistoryCode): CascadeDecision {
  return getHistoryCode(code).reason === 'TECH.SERVER_UNAVAILABLE' ? 'retry' : cascadeDecision(code);
}

/**
 * Reasons of a final decline after which the payer on the hosted payment page may try another card: the issuer
 * refused this card (or the gateway declined it without a reason). Antifraud, the route's own business or
 * configuration refusals and technical failures are not the card's: another card would meet them again, so they
 * end the order (docs/payment-page.md, "Another card after a decline").
 */
export const PAYER_RETRY_REASONS: ReadonlySet<ReasonKey | 'NONE'> = new Set<ReasonKey | 'NONE'>([
  'NONE',
  'ISSUER.CARD_BLOCKED',
  'ISSUER.CARD_NOT_SUPPORTED',
  'ISSUER.INSUFFICIENT_FUNDS',
]);

/** The gateway steps whose declines are about the card: a create, a status check, a gateway callback. */
const GATEWAY_ANSWER_ACTORS: ReadonlySet<string> = new Set(['GATEWAY_CREATE', 'STATUS_CHECK', 'GATEWAY_CALLBACK']);

/** Whether a gateway's final decline with this code lets the payer try another card. */
export function payerMayTryAnotherCard(code: HistoryCode): boolean {
  const known = getHistoryCode(code);
  return (
    GATEWAY_ANSWER_ACTORS.has(known.actor) &&
    known.status === 'failed' &&
    PAYER_RETRY_REASONS.has(known.reason ?? 'NONE')
  );
}
