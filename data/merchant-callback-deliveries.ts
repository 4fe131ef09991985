import type { DataSource } from 'typeorm';

/**
 * Reads of `merchant_callback_deliveries` for the people who look at an order (docs/web-app.md). The table's writer
 * is `activities/merchant-callbacks/delivery-log.ts`; this module only reads it, so that the API need not import
 * activity code.
 */

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
export async function callbackAttemptsOf(ds: DataSource, orderId: string): Promise<CallbackAttempt[]> {
  const rows: Array<{
    event_id: string;
    attempt: number;
    url: string;
    outcome: 'delivered' | 'failed';
    code: string | null;
    http_status: number | null;
    error: string | null;
    duration_ms: number;
    attempted_at: Date;
  }> = await ds.query(
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
