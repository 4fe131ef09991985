import type { DataSource } from 'typeorm';
import { CODES, type HistoryCode } from '../domain/history-codes';
import { orderStatusOf } from '../domain/history-status';
import type { OrderStatus } from '../domain/order';
import { recordFailure } from './operations/routing-rules';
import type { OrderHistoryEntry, OrderRowUpdate, OrderSnapshot } from '../workflows/definitions';

/**
 * Writes one history entry and the order's current status to PostgreSQL, so both can be read after the
 * workflow closed and with no worker running. Idempotent: (order_id, seq) is unique, and the order row is
 * created on the first entry if the API has not created it already.
 *
 * One statement, so one round trip and no explicit transaction (a statement is atomic): this runs for every
 * history entry of every order, and BEGIN, COMMIT and a separate UPDATE were most of its round trips
 * (docs/benchmarks.md). The order row is updated only when the entry is new, so a retried older entry never
 * moves the status back. A row this statement inserts already carries the entry's status and gateway: the UPDATE
 * sees the rows as they were before the statement, so it leaves that row alone.
 *
 * An entry of a Failed order also counts the order once as a failed attempt for the routing rules
 * (activities/operations/routing-rules.ts): one more statement, for those entries only.
 */
export function orderHistoryActivities(dataSource: DataSource) {
  return {
    async recordOrderEvent(order: OrderSnapshot, entry: OrderHistoryEntry, row: OrderRowUpdate = {}): Promise<void> {
      const gatewayId = entry.gatewayId ?? null;
      // The order's status is its lifecycle status; histories from before the truth model carry only the code's.
      const orderStatus = entry.orderStatus ?? entry.status;
      await dataSource.query(
        `WITH new_order AS (
           INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                               workflow_id, pipeline_id, gateway_id)
           SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::bigint, $6::char(3), $16::text, $8::text, $9::uuid,
                  $12::uuid
            WHERE $10::int = 1
           ON CONFLICT (id) DO NOTHING
         ), entry AS (
           INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
           VALUES ($1::uuid, $10::int, $11::text, $7::text, $16::text, $14::timestamptz, $15::jsonb, $12::uuid)
           ON CONFLICT (order_id, seq) DO NOTHING RETURNING id
         ), gateway_ref AS (
           INSERT INTO order_gateway_refs (gateway_id, gateway_ref, order_id)
           SELECT $12::uuid, $13::text, $1::uuid WHERE $12::uuid IS NOT NULL AND $13::text IS NOT NULL
           ON CONFLICT (gateway_id, gateway_ref) DO NOTHING
         )
         UPDATE orders SET status = $16::text, gateway_id = COALESCE($12::uuid, gateway_id),
                card_mask = COALESCE($17::text, card_mask), card_holder = COALESCE($18::text, card_holder),
                settled_amount_minor = COALESCE($19::bigint, settled_amount_minor), updated_at = now()
          WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM entry)`,
        [
          order.orderId,
          order.merchantId,
          order.direction,
          order.externalTransactionId,
          order.amountMinor,
          order.currency,
          entry.status,
          order.workflowId,
          order.pipelineId,
          entry.seq,
          entry.code,
          gatewayId,
          gatewayId && entry.gatewayRef ? entry.gatewayRef : null,
          entry.at,
          JSON.stringify(entry.details ?? {}),
          orderStatus,
          row.cardMask ?? null,
          row.cardHolder ?? null,
          row.settledAmountMinor ?? null,
        ],
      );
      // A Failed order counts once per requisite for the routing rules of failed attempts (idempotent).
      if (orderStatus === 'Failed') await recordFailure(dataSource, order.orderId, entry.at);
    },
  };
}

/** A verified gateway callback that reached an order whose workflow has closed. */
export interface LateGatewayCallback {
  orderId: string;
  gatewayId: string;
  gatewayRef: string;
  /** The callback's own code (5.1.3.00, 5.1.4.00, …). */
  code: HistoryCode;
  outcome: 'pending' | 'success' | 'failed';
}

/** What {@link recordLateGatewayCallback} did: the late entry's seq, and the review code appended after it. */
export interface LateCallbackRecord {
  seq: number;
  /** 1.0.4.78 (success on a failed order) or 1.0.3.78 (a second success), when the order was flagged. */
  review: HistoryCode | null;
  /** The same callback was already recorded (a gateway retrying): nothing was appended this time. */
  repeated: boolean;
}

/**
 * Appends a late gateway callback to the history of an order whose workflow has closed (so no workflow writes it any
 * more), with the next seq and details `{ late: true }`. A success for an order that ended Failed, or a success from
 * a gateway other than the one that paid a successful order, is a payment the order's final status does not
 * account for: the order is flagged for operations with 1.0.4.78 / 1.0.3.78 after it. Neither the order's status
 * nor its money changes here: correcting the ledger is an operator's decision (docs/gateway-callbacks.md).
 *
 * One transaction holding the order row's lock, so concurrent callbacks take consecutive seqs; the same callback
 * again (same code, gateway and reference) appends nothing.
 */
export async function recordLateGatewayCallback(
  dataSource: DataSource,
  callback: LateGatewayCallback,
): Promise<LateCallbackRecord> {
  return dataSource.transaction(async (tx) => {
    const [order]: Array<{ status: OrderStatus }> = await tx.query(
      `SELECT status FROM orders WHERE id = $1 FOR UPDATE`,
      [callback.orderId],
    );
    if (!order) throw new Error(`no order ${callback.orderId}`);
    const [seen]: Array<{ seq: number }> = await tx.query(
      `SELECT seq FROM order_history
        WHERE order_id = $1 AND code = $2 AND gateway_id = $3 AND details->>'late' = 'true'
          AND details->>'gatewayRef' = $4 LIMIT 1`,
      [callback.orderId, callback.code, callback.gatewayId, callback.gatewayRef],
    );
    if (seen) return { seq: seen.seq, review: null, repeated: true };
    const [facts]: Array<{ last_seq: number; paid_here: boolean }> = await tx.query(
      `SELECT COALESCE(max(seq), 0)::int AS last_seq,
              COALESCE(bool_or(status = 'Success' AND gateway_id = $2 AND NOT details ? 'late'), false) AS paid_here
         FROM order_history WHERE order_id = $1`,
      [callback.orderId, callback.gatewayId],
    );
    const review: HistoryCode | null =
      callback.outcome !== 'success'
        ? null
        : order.status === 'Failed'
          ? CODES.REVIEW_LATE_SUCCESS
          : order.status === 'Success' && !facts!.paid_here
            ? CODES.REVIEW_SECOND_SUCCESS
            : null;
    const entries: Array<{ code: HistoryCode; details: Record<string, string | boolean> }> = [
      { code: callback.code, details: { late: true, gatewayRef: callback.gatewayRef } },
      ...(review ? [{ code: review, details: { late: true, gatewayRef: callback.gatewayRef } }] : []),
    ];
    const seq = facts!.last_seq + 1;
    for (const [i, entry] of entries.entries()) {
      await tx.query(
        `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
         VALUES ($1, $2, $3, $4, $5, now(), $6, $7)`,
        [
          callback.orderId,
          seq + i,
          entry.code,
          orderStatusOf(entry.code),
          order.status,
          JSON.stringify(entry.details),
          callback.gatewayId,
        ],
      );
    }
    return { seq, review, repeated: false };
  });
}
