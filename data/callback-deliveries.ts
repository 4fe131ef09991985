import type { MerchantCallbackRequest } from '../domain/merchant-callback-contract';
import { isCurrency, toMajorUnits } from '../domain/money';
import type { OrderStatus } from '../domain/order';
import type { Queryable } from './ledger';

/**
 * Reads of `merchant_callback_deliveries` (written only by activities/merchant-callbacks/delivery-log.ts): the
 * merchant cabinet's delivery list, and what a "send again" of an order's callback sends (every read confined to one
 * merchant by joining the order); and for operators, every attempt of one order.
 */

export interface DeliveryView {
  id: string;
  orderId: string;
  externalTransactionId: string;
  eventId: string;
  attempt: number;
  /** The host the callback went to (the path may carry the merchant's own tokens: not shown). */
  urlHost: string;
  outcome: 'delivered' | 'failed';
  code: string | null;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

type DeliveryRow = {
  id: string;
  order_id: string;
  external_transaction_id: string;
  event_id: string;
  attempt: number;
  url: string;
  outcome: 'delivered' | 'failed';
  code: string | null;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  attempted_at: Date;
};

/** The host (and port) of a logged URL; the text before any path when it does not parse. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0] ?? '';
  }
}

/** A merchant's delivery attempts, newest first, optionally of one order or one outcome; `limit + 1` rows at most. */
export async function listDeliveries(
  db: Queryable,
  merchantId: string,
  f: { orderId?: string; outcome?: 'delivered' | 'failed'; limit: number; offset: number },
): Promise<DeliveryView[]> {
  const rows: DeliveryRow[] = await db.query(
    `SELECT d.id::text AS id, d.order_id, o.external_transaction_id, d.event_id, d.attempt, d.url, d.outcome, d.code,
            d.http_status, d.error, d.duration_ms, d.attempted_at
       FROM merchant_callback_deliveries d JOIN orders o ON o.id = d.order_id
      WHERE d.merchant_id = $1 AND ($2::uuid IS NULL OR d.order_id = $2) AND ($3::text IS NULL OR d.outcome = $3)
      ORDER BY d.attempted_at DESC, d.id DESC
      LIMIT $4 OFFSET $5`,
    [merchantId, f.orderId ?? null, f.outcome ?? null, f.limit + 1, f.offset],
  );
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    externalTransactionId: r.external_transaction_id,
    eventId: r.event_id,
    attempt: r.attempt,
    urlHost: hostOf(r.url),
    outcome: r.outcome,
    code: r.code,
    httpStatus: r.http_status,
    error: r.error,
    durationMs: r.duration_ms,
    attemptedAt: r.attempted_at.toISOString(),
  }));
}

/** What is known of an order's callback, for a "send again"; undefined when the order is not the merchant's. */
export interface CallbackOfOrder {
  orderId: string;
  workflowId: string;
  status: OrderStatus;
  callbackUrl: string | null;
  /** The event id of its callback, and the highest attempt number logged; null when none was ever attempted. */
  eventId: string | null;
  lastAttempt: number;
}

export async function callbackOfOrder(
  db: Queryable,
  orderId: string,
  merchantId: string,
): Promise<CallbackOfOrder | undefined> {
  const [row]: Array<{
    id: string;
    workflow_id: string;
    status: OrderStatus;
    callback_url: string | null;
    event_id: string | null;
    last_attempt: number | null;
  }> = await db.query(
    `SELECT o.id, o.workflow_id, o.status, o.callback_url, d.event_id, d.last_attempt
       FROM orders o
       LEFT JOIN LATERAL (
         SELECT event_id, max(attempt) AS last_attempt FROM merchant_callback_deliveries
          WHERE order_id = o.id GROUP BY event_id ORDER BY max(attempted_at) DESC LIMIT 1
       ) d ON true
      WHERE o.id = $1 AND o.merchant_id = $2`,
    [orderId, merchantId],
  );
  if (!row) return undefined;
  return {
    orderId: row.id,
    workflowId: row.workflow_id,
    status: row.status,
    callbackUrl: row.callback_url,
    eventId: row.event_id,
    lastAttempt: row.last_attempt ?? 0,
  };
}

/**
 * The order's callback as it stands, to be sent again: the same event id and body fields as the workflow sent
 * (status, the settled amount in major units), to the order's callback URL, as the next attempt number of the event.
 * Undefined when the order has no callback to repeat (no URL, not final, or never attempted).
 */
export async function resendRequest(db: Queryable, orderId: string): Promise<MerchantCallbackRequest | undefined> {
  const [row]: Array<{
    merchant_id: string;
    external_transaction_id: string;
    status: OrderStatus;
    amount_minor: string;
    currency: string;
    callback_url: string | null;
  }> = await db.query(
    `SELECT merchant_id, external_transaction_id, status, COALESCE(settled_amount_minor, amount_minor)::text AS amount_minor,
            currency, callback_url
       FROM orders WHERE id = $1`,
    [orderId],
  );
  if (!row) return undefined;
  const callback = await callbackOfOrder(db, orderId, row.merchant_id);
  if (!callback?.eventId || !row.callback_url || (row.status !== 'Success' && row.status !== 'Failed')) {
    return undefined;
  }
  const currency = row.currency.trim();
  const minor = Number(row.amount_minor);
  return {
    orderId,
    merchantId: row.merchant_id,
    url: row.callback_url,
    attempt: callback.lastAttempt + 1,
    payload: {
      eventId: callback.eventId,
      externalId: orderId,
      externalTransactionId: row.external_transaction_id,
      orderStatus: row.status,
      amount: isCurrency(currency) ? toMajorUnits(minor, currency) : minor,
      currency,
    },
  };
}

/** One attempt to tell the merchant about an order, as an operator reads it. */
export interface CallbackAttempt {
  eventId: string;
  attempt: number;
  /** The destination without its query string (a merchant may put a token there): `?…` marks one left out. */
  url: string;
  outcome: 'delivered' | 'failed';
  /** The history code of a failed attempt (why it failed). */
  code: string | null;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

/** The URL as people see it: scheme, host and path; a query string or fragment is replaced by `?…`. */
export function urlForPeople(raw: string): string {
  try {
    const url = new URL(raw);
    const hidden = url.search !== '' || url.hash !== '';
    return `${url.origin}${url.pathname}${hidden ? '?…' : ''}`;
  } catch {
    return '(not a valid URL)';
  }
}

/** Every attempt of the order's merchant callbacks, oldest first (index merchant_callback_deliveries_order). */
export async function callbackAttemptsOf(ds: Queryable, orderId: string): Promise<CallbackAttempt[]> {
  const rows: Array<Omit<DeliveryRow, 'id' | 'order_id' | 'external_transaction_id'>> = await ds.query(
    `SELECT event_id, attempt, url, outcome, code, http_status, error, duration_ms, attempted_at
       FROM merchant_callback_deliveries WHERE order_id = $1 ORDER BY attempted_at, attempt`,
    [orderId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    attempt: r.attempt,
    url: urlForPeople(r.url),
    outcome: r.outcome,
    code: r.code,
    httpStatus: r.http_status,
    error: r.error,
    durationMs: r.duration_ms,
    attemptedAt: r.attempted_at.toISOString(),
  }));
}
