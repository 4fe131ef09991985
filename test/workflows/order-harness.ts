import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../activities';
import { orderWorkflowId } from '../../domain/order';
import { deposit, payout } from '../../workflows';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  getOrderStateQuery,
  operatorResolveUpdate,
  type OrderInput,
  type OrderState,
} from '../../workflows/definitions';
import { cleanUp } from '../../infra/process/cleanup';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { testDataSource } from '../helpers/database';
import { createTestWorker } from '../helpers/time-skipping-worker';
import type { OrderSetup } from '../../simulation/order-setup';

/** Runs one order to completion on the time-skipping server with the real activities; returns its final state. */
export async function runOrderToEnd(
  env: TestWorkflowEnvironment,
  ds: DataSource,
  setup: OrderSetup,
  overrides: Partial<OrderInput> = {},
  opts: {
    wrapActivities?: (activities: Activities) => Activities;
    /** Runs while the workflow is in flight (send signals, look at state). */
    during?: (workflowId: string) => Promise<unknown>;
  } = {},
): Promise<{ input: OrderInput; result: OrderState; queried: OrderState; workflowId: string; eventCount: number }> {
  const input = setup.order(overrides);
  const workflowId = orderWorkflowId(setup.direction, input.orderId);
  const { worker, taskQueue } = await createTestWorker(env, ds, { wrapActivities: opts.wrapActivities });
  const workflow = setup.direction === 'deposit' ? deposit : payout;
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(workflow, { taskQueue, workflowId, args: [input] });
    if (opts.during) await opts.during(workflowId);
    const result = await handle.result();
    // Queries are answered by a worker, also for a closed workflow: ask while this one still runs.
    const queried = await handle.query(getOrderStateQuery);
    const eventCount = (await handle.fetchHistory()).events?.length ?? 0;
    return { input, result, queried, workflowId, eventCount };
  });
}

/** The codes of a state's history, in order. */
export const codesOf = (state: OrderState): string[] => state.history.map((h) => h.code);

/** Payments the sandbox holds at these gateways: a charge is a row, so this counts charges. */
export async function sandboxPaymentsAt(ds: DataSource, ...gatewayIds: string[]): Promise<number> {
  const [row] = (await ds.query(`SELECT count(*)::int AS n FROM sandbox_payments WHERE gateway_id = ANY($1)`, [
    gatewayIds,
  ])) as Array<{ n: number }>;
  return row!.n;
}

/**
 * A time-skipping server and a connection to the run's database for one test file, torn down after it.
 * Returns getters because they exist only once beforeAll ran.
 */
export function useTimeSkippingServer(): { env: () => TestWorkflowEnvironment; ds: () => DataSource } {
  let env: TestWorkflowEnvironment | undefined;
  let ds: DataSource | undefined;
  beforeAll(async () => {
    [env, ds] = await Promise.all([createTimeSkippingEnv(), testDataSource()]);
  });
  afterAll(() => cleanUp([async () => env?.teardown(), async () => ds?.destroy()]));
  return { env: () => env!, ds: () => ds! };
}

/**
 * Moves the time-skipping clock an hour at a time until the order is in reconciliation, then settles it as an
 * operator would (the Update's validator refuses it before). For `runOrderToEnd`'s `during`.
 */
export async function resolveInReconciliation(
  env: TestWorkflowEnvironment,
  workflowId: string,
  outcome: 'success' | 'failed',
): Promise<OrderState> {
  const handle = env.client.workflow.getHandle(workflowId);
  for (let hours = 0; hours < 24 * 10; hours++) {
    const state = await handle.query(getOrderStateQuery);
    if (state.reconciliation === 'open') {
      try {
        return await handle.executeUpdate(operatorResolveUpdate, {
          args: [
            { operator: 'ops@example.test', reason: 'gateway report', outcome, evidence: 'settlement file line 42' },
          ],
        });
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      }
    }
    await env.sleep('1 hour');
  }
  throw new Error(`${workflowId} never entered reconciliation`);
}
