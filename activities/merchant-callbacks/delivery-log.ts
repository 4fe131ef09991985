import type { DataSource } from 'typeorm';
import type { HistoryCode } from '../../domain/history-codes';

/** One attempt as merchant_callback_deliveries keeps it. */
export interface DeliveryRecord {
  orderId: string;
  merchantId: string;
  eventId: string;
  attempt: number;
  url: string;
  code: HistoryCode | null;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

/**
 * Writes the attempt's row. An activity retry of the same attempt (the worker died after the POST, say) overwrites
 * the row with the latest outcome, so there is always exactly one row per (event, attempt).
 */
export async function recordDelivery(ds: DataSource, r: DeliveryRecord): Promise<void> {
  await ds.query(
    `INSERT INTO merchant_callback_deliveries
       (order_id, event_id, attempt, url, outcome, code, http_status, error, duration_ms, attempted_at, merchant_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (event_id, attempt) DO UPDATE SET
       order_id = EXCLUDED.order_id, url = EXCLUDED.url, outcome = EXCLUDED.outcome, code = EXCLUDED.code,
       http_status = EXCLUDED.http_status, error = EXCLUDED.error, duration_ms = EXCLUDED.duration_ms,
       attempted_at = EXCLUDED.attempted_at`,
    [
      r.orderId,
      r.eventId,
      r.attempt,
      r.url,
      r.code === null ? 'delivered' : 'failed',
      r.code,
      r.httpStatus,
      r.error,
      r.durationMs,
      r.attemptedAt,
      r.merchantId,
    ],
  );
}
