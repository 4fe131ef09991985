/**
 * History codes: the one source of truth for what the engine appends to an order's history (v2 `A.C.B.RR`) and
 * what it returns in `orderHistory[].action` (legacy `X.Y.Z.W`). Pure TypeScript: workflows import it.
 */
import {
  getHistoryCode,
  HISTORY_CODES,
  isHistoryCode,
  REASONS,
  type Actor,
  type EventClass,
  type HistoryCode,
  type HistoryCodeDefinition,
  type PaymentStatus,
  type ReasonKey,
} from './catalog';

export {
  ACTORS,
  CLASS_DIGITS,
  HISTORY_CODES,
  REASON_GROUPS,
  REASONS,
  STATUS_DIGITS,
  getHistoryCode,
  isHistoryCode,
  type Actor,
  type EventClass,
  type HistoryCode,
  type HistoryCodeDefinition,
  type HistoryCodeEntry,
  type LegacyCode,
  type PaymentStatus,
  type ReasonGroup,
  type ReasonKey,
  type Stage,
} from './catalog';
export {
  EXTENSION_ACTION_Z,
  LEGACY_002_DECISIONS,
  LEGACY_Y_BY_STATUS,
  fromLegacy,
  toLegacy,
  type Legacy002Decision,
} from './legacy';

/**
 * Every code workflow code appends, by name: workflows name codes only through this object (no literals, no
 * `findHistoryCode` lookups; test/unit/history-codes.test.ts checks). `satisfies` keeps each one in the catalog.
 */
export const CODES = {
  CREATED: '1.1.1.00',
  PRECHECK_BALANCE: '1.2.4.31',
  PRECHECK_LIMIT: '1.2.4.32',
  PRECHECK_ROUTING_BLOCKED: '1.2.4.34',
  PRECHECK_BLACKLIST: '1.2.4.42',
  PRECHECK_ROUTING_RULE: '1.2.4.43',
  FUNDS_HELD: '1.1.1.81',
  CASCADE: '1.0.1.71',
  RETRY: '1.0.1.72',
  DEADLINE_REACHED: '1.2.4.73',
  RECONCILIATION: '1.0.2.75',
  CANCEL_IN_FLIGHT: '1.0.2.76',
  CANCELLED: '1.2.4.76',
  OPERATOR_RECHECK: '1.0.2.77',
  OPERATOR_SUCCESS: '1.1.3.77',
  OPERATOR_FAILED: '1.2.4.77',
  REVIEW_SECOND_SUCCESS: '1.0.3.78',
  REVIEW_LATE_SUCCESS: '1.0.4.78',
  FUNDS_SETTLED: '1.1.3.82',
  FUNDS_RELEASED: '1.1.4.83',
  LEDGER_POSTED: '1.1.3.84',
  GATEWAY_CREATED: '2.1.1.00',
  GATEWAY_PENDING: '2.1.2.00',
  GATEWAY_SUCCESS: '2.1.3.00',
  GATEWAY_DECLINED: '2.2.4.00',
  GATEWAY_AMBIGUOUS_TIMEOUT: '2.0.2.11',
  GATEWAY_AMBIGUOUS_RESPONSE: '2.0.2.14',
  GATEWAY_TIMEOUT_RULED_OUT: '2.2.4.11',
  GATEWAY_INVALID_RESPONSE_RULED_OUT: '2.2.4.14',
  GATEWAY_INVALID_REQUEST: '2.2.4.15',
  PAYFORM_CREATED: '3.1.1.00',
  PAYFORM_VISITED: '3.0.1.51',
  PAYFORM_SUBMITTED: '3.1.1.55',
  PAYFORM_CANCELLED: '3.0.4.54',
  CHECK_SUCCESS: '4.1.3.00',
  CHECK_FAILED: '4.1.4.00',
  CHECK_PENDING: '4.0.2.00',
  CHECK_NOT_FOUND: '4.1.1.00',
  CHECK_INVALID_RESPONSE: '4.2.2.14',
  PAYFORM_CARD_REFUSED: '3.2.1.59',
  PAYFORM_3DS_FAILED: '3.2.4.56',
  PAYFORM_LEFT_ON_CONFIRM: '3.0.1.58',
  PAYFORM_OTP_FAILED: '3.2.4.57',
  PAYFORM_LEFT: '3.0.1.52',
  PAYFORM_DATA_ENTERED: '3.0.1.53',
  CALLBACK_SUCCESS: '5.1.3.00',
  CALLBACK_AMOUNT_UPDATED: '5.1.3.35',
  CALLBACK_FAILED: '5.1.4.00',
  CALLBACK_PENDING: '5.0.2.00',
  CALLBACK_INVALID_SIGNATURE: '5.2.2.16',
  CALLBACK_INVALID_PAYLOAD: '5.2.2.17',
  MERCHANT_CALLBACK_DELIVERED_SUCCESS: '6.1.3.00',
  MERCHANT_CALLBACK_DELIVERED_FAILED: '6.1.4.00',
  MERCHANT_CALLBACK_GIVEN_UP_SUCCESS: '6.2.3.74',
  MERCHANT_CALLBACK_GIVEN_UP_FAILED: '6.2.4.74',
  MERCHANT_CALLBACK_INVALID_RESPONSE_SUCCESS: '6.2.3.14',
  MERCHANT_CALLBACK_INVALID_RESPONSE_FAILED: '6.2.4.14',
} as const satisfies Record<string, HistoryCode>;

/** What identifies a code in the grammar; the reason is null for RR 00. */
export interface HistoryCodeQuery {
  readonly actor: Actor;
  readonly class: EventClass;
  readonly status: PaymentStatus;
  readonly reason: ReasonKey | null;
}

/**
 * The catalog entry for an actor, class, status and reason — how a connector or the callback sender turns a
 * classified outcome into a code — or undefined when the catalog has none.
 */
export const findHistoryCode = (q: HistoryCodeQuery): HistoryCodeDefinition | undefined =>
  HISTORY_CODES.find(
    (d) => d.actor === q.actor && d.class === q.class && d.status === q.status && d.reason === q.reason,
  );

/**
 * The legacy action and description shown for a stored code. A code the catalog no longer knows is shown as
 * itself, rather than failing the whole answer it is part of.
 */
export function describeStoredCode(code: string): { action: string; description: string } {
  if (!isHistoryCode(code)) return { action: code, description: 'unknown code' };
  const known = getHistoryCode(code);
  return { action: known.action, description: known.description };
}

/** Who acted, in words, for {@link codeInWords}. */
const ACTOR_WORDS: Record<Actor, string> = {
  PS: 'PayStar',
  GATEWAY_CREATE: 'Gateway',
  PAYFORM: 'Payment form',
  STATUS_CHECK: 'Status check',
  GATEWAY_CALLBACK: 'Gateway callback',
  MERCHANT_CALLBACK: 'Merchant callback',
};
const CLASS_WORDS: Record<EventClass, string> = { info: 'noted', success: 'done', failure: 'failed' };

/**
 * A code in words for people (the Temporal Web UI's summaries, docs/temporal-web-ui.md), built from the catalog
 * entry alone: who and which step, the reason's description (or what the class says), the payment's status.
 * `2.2.4.00` reads "Gateway create: failed (payment failed)", `4.1.4.63` "Status check: insufficient funds (payment
 * failed)". A code the catalog does not know reads as itself.
 */
export function codeInWords(code: string): string {
  if (!isHistoryCode(code)) return `unknown code ${code}`;
  const entry = getHistoryCode(code);
  const actor = ACTOR_WORDS[entry.actor];
  const stage = entry.stage.toLowerCase();
  const subject = actor.toLowerCase().includes(stage) ? actor : `${actor} ${stage}`;
  const reason = Object.values(REASONS).find((r) => r.key === entry.reason);
  const what = reason ? reason.description : CLASS_WORDS[entry.class];
  return `${subject}: ${what} (payment ${entry.status})`;
}
