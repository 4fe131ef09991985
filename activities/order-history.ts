import type { DataSource } from 'typeorm';
import { recordOrderEvent } from '../data/order-store';
import { recordFailure } from '../data/routing-rules';
import type { OrderHistoryEntry, OrderRowUpdate, OrderSnapshot } from '../workflows/definitions';

/**
 * The workflow's history entries, written by the order store (data/order-store.ts). An entry of a Failed order
 * also counts the order once as a failed attempt for the routing rules (data/routing-rules.ts): one more
 * statement, for those entries only, idempotent.
 */
export function orderHistoryActivities(dataSource: DataSource) {
  return {
    async recordOrderEvent(order: OrderSnapshot, entry: OrderHistoryEntry, row: OrderRowUpdate = {}): Promise<void> {
      await recordOrderEvent(dataSource, order, entry, row);
      // The order's status is its lifecycle status; histories from before the truth model carry only the code's.
      if ((entry.orderStatus ?? entry.status) === 'Failed') await recordFailure(dataSource, order.orderId, entry.at);
    },
  };
}
