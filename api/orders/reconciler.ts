import type { ApiDependencies } from '../app';
import { ORDER_INPUT_COLUMNS, type OrderInputRow } from '../../data/order-store';
import { startOrderWorkflow } from './workflow-start';

/**
 * Orders whose workflow never started: the API inserts the row, then starts the workflow; if it dies in between and
 * the merchant does not retry, the row would stay Created for ever. A workflow's first step writes the order's
 * first history entry, so a row still Created with no history after a while has no workflow (or one that no worker
 * picked up yet, which starting again only attaches to). Only rows that carry their requisites qualify: the
 * workflow's input is rebuilt from the row (orderWorkflowInput), exactly as the create built it.
 */
export interface ReconcilerOptions {
  /** How old an order must be before it is taken for orphaned (its create may still be starting it). */
  olderThanMs: number;
  /** Orders per pass, oldest first. */
  batch: number;
  /** Only this merchant's orders (tests, which share one database). */
  merchantId?: string;
}

export const RECONCILER_DEFAULTS: ReconcilerOptions & { everyMs: number } = {
  olderThanMs: 30_000,
  batch: 100,
  everyMs: 15_000,
};

/** One pass: starts the workflow of every order found without one; returns their ids. */
export async function reconcileOrders(
  deps: Pick<
    ApiDependencies,
    'dataSource' | 'temporal' | 'taskQueue' | 'keyring' | 'payformLifetimeMs' | 'payformCardTries'
  >,
  options: ReconcilerOptions = RECONCILER_DEFAULTS,
): Promise<string[]> {
  const orphans: OrderInputRow[] = await deps.dataSource.query(
    `SELECT ${ORDER_INPUT_COLUMNS} FROM orders o
      WHERE o.status = 'Created' AND o.created_at < now() - make_interval(secs => $1::double precision)
        AND o.requisites IS NOT NULL AND o.pipeline_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = o.id)
        AND ($3::uuid IS NULL OR o.merchant_id = $3::uuid)
      ORDER BY o.created_at LIMIT $2`,
    [options.olderThanMs / 1000, options.batch, options.merchantId ?? null],
  );
  for (const row of orphans) await startOrderWorkflow(deps, row);
  return orphans.map((row) => row.id);
}

/**
 * Runs reconcileOrders every `everyMs` in the API process (any number of API processes may: starts are
 * idempotent). A pass that fails (PostgreSQL or Temporal down) is logged and the next one tries again.
 */
export function startOrderReconciler(
  deps: Pick<
    ApiDependencies,
    'dataSource' | 'temporal' | 'taskQueue' | 'logger' | 'keyring' | 'payformLifetimeMs' | 'payformCardTries'
  >,
  options = RECONCILER_DEFAULTS,
): { stop(): Promise<void> } {
  let pass: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pass = pass.then(async () => {
      try {
        const started = await reconcileOrders(deps, options);
        if (started.length) {
          deps.logger.warn({ orders: started }, 'orders still Created with no history: workflows started (or found)');
        }
      } catch (err) {
        deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'order reconciliation failed');
      }
    });
  }, options.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await pass;
    },
  };
}
