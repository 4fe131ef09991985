import type { DataSource } from 'typeorm';
import type { OrderHistoryEntry, OrderSnapshot } from '../workflows/definitions';

/**
 * Writes one history entry and the order's current status to PostgreSQL, so both can be read after the
 * workflow closed and with no worker running. Idempotent: (order_id, seq) is unique, and the order row is
 * created on the first entry if the API has not created it already.
 */
export function orderHistoryActivities(dataSource: DataSource) {
  return {
    async recordOrderEvent(order: OrderSnapshot, entry: OrderHistoryEntry): Promise<void> {
      await dataSource.transaction(async (tx) => {
        if (entry.seq === 1) {
          await tx.query(
            `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                                 workflow_id, pipeline_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
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
            ],
          );
        }
        const inserted: unknown[] = await tx.query(
          `INSERT INTO order_history (order_id, seq, code, status, occurred_at, details, gateway_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id, seq) DO NOTHING RETURNING id`,
          [order.orderId, entry.seq, entry.code, entry.status, entry.at, entry.details ?? {}, entry.gatewayId ?? null],
        );
        if (entry.gatewayId && entry.gatewayRef) {
          await tx.query(
            `INSERT INTO order_gateway_refs (gateway_id, gateway_ref, order_id) VALUES ($1, $2, $3)
             ON CONFLICT (gateway_id, gateway_ref) DO NOTHING`,
            [entry.gatewayId, entry.gatewayRef, order.orderId],
          );
        }
        if (inserted.length > 0) {
          await tx.query(
            `UPDATE orders SET status = $2, gateway_id = COALESCE($3, gateway_id), updated_at = now() WHERE id = $1`,
            [order.orderId, entry.status, entry.gatewayId ?? null],
          );
        }
      });
    },
  };
}
