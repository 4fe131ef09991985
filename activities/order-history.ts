import type { DataSource } from 'typeorm';
import { recordOrderEvent } from '../data/order-store';
import { countOrder } from '../data/reports';
import { recordFailure } from '../data/routing-rules';
import type { OrderHistoryEntry, OrderRowUpdate, OrderSnapshot } from '../workflows/definitions';

/**
 * The workflow's history entries, written by the order store (data/order-store.ts). An entry of a Failed order
 * also counts the order once as a failed attempt for the routing rules (data/routing-rules.ts): one more
 * statement, for those entries only, idempotent.
 *
 * An entry of a final order other than a merchant-callback attempt (6.x) also counts the order into the reports'
 * figures (data/reports.ts): the entry that made it final, then the ledger's entry after its postings (1.1.3.84,
 * 1.1.3.82, 1.1.4.83), an operator's decision. Counting is exactly once per contribution, so a retried activity
 * or a repeated entry changes nothing, and a changed contribution is moved by its difference.
 */
export function orderHistoryActivities(dataSource: DataSource) {
  return {
    /**
     * `count: false` (orders of the lean shape): the entry does not count the order into the reports; the order is
     * counted once when its money moves (`recordMoneyMovement`), or by `countFinalOrder` when none moves.
     */
    async recordOrderEvent(
      order: OrderSnapshot,
      entry: OrderHistoryEntry,
      row: OrderRowUpdate = {},
      options: { count?: boolean } = {},
    ): Promise<void> {
      await recordOrderEvent(dataSource, order, entry, row);
      // The order's status is its lifecycle status; histories from before the truth model carry only the code's.
      const status = entry.orderStatus ?? entry.status;
      if (status === 'Failed') await recordFailure(dataSource, order.orderId, entry.at);
      if ((status === 'Failed' || status === 'Success') && !entry.code.startsWith('6.') && options.count !== false) {
        await countOrder(dataSource, order.orderId);
      }
    },
    /** Counts a final order into the reports (nothing for one that is not final yet; idempotent). */
    async countFinalOrder(orderId: string): Promise<void> {
      await countOrder(dataSource, orderId);
    },
  };
}
