import type { DataSource } from 'typeorm';
import type { UnauthenticatedTrafficKind } from '../entities/unauthenticated-traffic.entity';
import type { Logger } from '../infra/logging/logger';

/** Kinds of requests anyone can make about an order, without a key or a valid signature (the table's kinds). */
export type UnauthenticatedKind = UnauthenticatedTrafficKind;

/**
 * How many of each kind reach an order's workflow. Each signal adds about 6 events to its Temporal history, and
 * nothing else bounds them: past these, requests are still answered as before but the workflow hears no more of
 * them, and `unauthenticated_traffic` keeps the count (the admin API shows it with the order).
 */
export const UNAUTHENTICATED_SIGNAL_BUDGET: Record<UnauthenticatedKind, number> = {
  // The workflow records at most 20 refusals itself; a few are enough to tell support a gateway's secret is wrong.
  'refused-callback': 5,
  // A visit is informative only; reloads are normal.
  'payform-visit': 3,
  // The first card wins; later submissions (or cancellations) change nothing.
  'payform-submit': 10,
  // Card details the form refused: enough to show operators a payer who struggles, not a history to flood.
  'payform-refused': 10,
  // The payer started typing, or left the page (3.0.1.53, 3.0.1.52): the workflow records each once per card try.
  'payform-activity': 8,
};

/**
 * Counts an unauthenticated request about an order (one statement, shared by every API process) and says whether
 * it may still be signalled. The request that first goes over the budget is logged, once per order and kind.
 */
export function unauthenticatedTraffic(dataSource: DataSource, logger?: Pick<Logger, 'warn'>) {
  return {
    async allow(orderId: string, kind: UnauthenticatedKind): Promise<boolean> {
      const [row]: Array<{ count: number }> = await dataSource.query(
        `INSERT INTO unauthenticated_traffic AS t (order_id, kind, count) VALUES ($1, $2, 1)
         ON CONFLICT (order_id, kind) DO UPDATE SET count = t.count + 1, last_at = now()
         RETURNING count`,
        [orderId, kind],
      );
      const budget = UNAUTHENTICATED_SIGNAL_BUDGET[kind];
      if (row!.count === budget + 1) {
        logger?.warn({ orderId, kind, budget }, 'unauthenticated requests for this order are no longer signalled');
      }
      return row!.count <= budget;
    },

    /** Per kind: how many came, how many reached the workflow, the first and the last. */
    async summary(orderId: string) {
      const rows: Array<{ kind: UnauthenticatedKind; count: number; first_at: Date; last_at: Date }> =
        await dataSource.query(
          `SELECT kind, count, first_at, last_at FROM unauthenticated_traffic WHERE order_id = $1 ORDER BY kind`,
          [orderId],
        );
      return rows.map((t) => ({
        kind: t.kind,
        count: t.count,
        signalled: Math.min(t.count, UNAUTHENTICATED_SIGNAL_BUDGET[t.kind]),
        firstAt: t.first_at.toISOString(),
        lastAt: t.last_at.toISOString(),
      }));
    },
  };
}
