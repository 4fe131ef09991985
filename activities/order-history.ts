import type { DataSource } from 'typeorm';
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
    },
  };
}
