import type { DataSource } from 'typeorm';
import { recordOrderEvent } from '../data/order-store';
import type { OrderHistoryEntry, OrderRowUpdate, OrderSnapshot } from '../workflows/definitions';

/** The workflow's history entries, written by the order store (data/order-store.ts). */
export function orderHistoryActivities(dataSource: DataSource) {
  return {
    async recordOrderEvent(order: OrderSnapshot, entry: OrderHistoryEntry, row: OrderRowUpdate = {}): Promise<void> {
      await recordOrderEvent(dataSource, order, entry, row);
    },
  };
}
