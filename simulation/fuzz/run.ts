/**
 * Runs generated batches of orders (simulation/fuzz/model.ts) on Temporal's time-skipping server with the real
 * workflows and activities, gateways replaced by generated ones (./gateway.ts), and collects what each order
 * ended as: the workflow's state, PostgreSQL's rows, the ledger, the merchant's callbacks and the gateways' truth.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowClient } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../activities';
import { createOutcomeOnAttempt } from '../../activities/create-retries';
import { orderWorkflowId } from '../../domain/order';
import { type CallbackOrder, checkCallbackAgainstOrder, checkStatusAgainstOrder } from '../../gateways/amount-claims';
import { SANDBOX_PSP_AMOUNT_UPDATES } from '../../gateways/sandbox/protocol';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createWorker } from '../../workers/create-worker';
import { DEFAULT_RECONCILIATION_PERIOD_MS, type OrderInput, type OrderState } from '../../workflows/definitions';
import { ORDER_DEADLINE_MS } from '../../workflows/order';
import { startCallbackSink } from '../callback-sink';
import { balanceOf, createOrderSetup, postingsOf } from '../order-setup';
import { fuzzActivities, type FuzzAction } from './activities';
import { FuzzGateways, type FuzzCallback, type FuzzPayment } from './gateway';
import type { FuzzBatch, FuzzCase } from './model';

/** Everything the invariants look at for one order. */
export interface CaseOutcome {
  fuzzCase: FuzzCase;
  workflowId: string;
  input: OrderInput;
  state: OrderState;
  orderRow: { status: string; settledAmountMinor: number | null };
  persisted: Array<{ code: string; orderStatus: string | null }>;
  postings: Array<[string, number]>;
  holdStatus: string | null;
  balanceMinor: number;
  openingBalanceMinor: number;
  merchantCallbacks: Array<{ eventId: string; orderStatus: string; amount: number }>;
  payments: FuzzPayment[];
}

/** A world for many batches: one time-skipping server, two workers (one that replays every task), one sink. */
export interface FuzzWorld {
  runBatch(batch: FuzzBatch): Promise<CaseOutcome[]>;
  stop(): Promise<void>;
}

const OPERATOR_AFTER_MS = ORDER_DEADLINE_MS + DEFAULT_RECONCILIATION_PERIOD_MS + 3_600_000;

export async function startFuzzWorld(
  env: TestWorkflowEnvironment,
  ds: DataSource,
  workflowBundle: { code: string },
): Promise<FuzzWorld> {
  const worldId = randomUUID().slice(0, 8);
  const taskQueue = `fuzz-${worldId}`;
  const sink = await startCallbackSink();
  // Results are awaited with a plain client under one unlock of time skipping: the test client's own result()
  // locks and unlocks per call, which concurrent waits interleave (simulation/run.ts does the same).
  const dataConverter = encryptedDataConverter(devKeyring());
  const plain = new WorkflowClient({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter,
  });
  const testService = env.connection.testService!;
  const helpers: Array<Promise<unknown>> = [];
  const startEvent = async (id: string, atMs: number, action: FuzzAction) => {
    try {
      const handle = await env.client.workflow.start('fuzzEventAt', {
        taskQueue,
        workflowId: `fuzz-${worldId}-${id}`,
        args: [{ atMs, action }],
      });
      helpers.push(plain.getHandle(handle.workflowId).result());
    } catch (err) {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    }
  };
  // Each gateway serves one order; what it says about the money is checked against that order's, with the
  // sandbox PSP's amount-update rules, as the gateway activity and the callback route do.
  const orderOfGateway = new Map<string, { workflowId: string; money: CallbackOrder }>();
  const gateways = new FuzzGateways(async (cb: FuzzCallback) => {
    const order = orderOfGateway.get(cb.gatewayId)!;
    await startEvent(cb.key, cb.atMs, {
      kind: 'callback',
      workflowId: order.workflowId,
      gatewayId: cb.gatewayId,
      verification: checkCallbackAgainstOrder(cb.verification, order.money, SANDBOX_PSP_AMOUNT_UPDATES).verification,
    });
  });
  const wrapActivities = (activities: Activities): Activities =>
    ({
      ...activities,
      ...fuzzActivities(env.client),
      createGatewayPayment: async (gatewayId, req) =>
        createOutcomeOnAttempt(await gateways.create(gatewayId, req), Context.current().info.attempt),
      checkGatewayPayment: async (gatewayId, query) =>
        checkStatusAgainstOrder(
          await gateways.check(gatewayId, query),
          orderOfGateway.get(gatewayId)!.money,
          SANDBOX_PSP_AMOUNT_UPDATES,
        ).outcome,
    }) as Activities;
  const common = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    dataSource: ds,
    workflowBundle,
    wrapActivities,
    allowPrivateCallbackNetworks: true,
    keyring: devKeyring(),
  };
  const worker: Worker = await createWorker({ ...common, taskQueue });
  const running = worker.run();

  return {
    async runBatch(batch) {
      const epoch = await env.currentTimeMs();
      const orders = [];
      for (const [i, fuzzCase] of batch.cases.entries()) {
        const openingBalanceMinor = fuzzCase.direction === 'payout' ? fuzzCase.amountMinor * 10 : 0;
        const setup = await createOrderSetup(ds, {
          direction: fuzzCase.direction,
          gateways: fuzzCase.gateways.map(() => ({})),
          ...(openingBalanceMinor ? { balanceMinor: openingBalanceMinor } : {}),
        });
        const input = setup.order({ amountMinor: fuzzCase.amountMinor, callbackUrl: sink.url });
        const workflowId = orderWorkflowId(fuzzCase.direction, input.orderId);
        for (const [g, model] of fuzzCase.gateways.entries()) {
          gateways.register(setup.gatewayIds[g]!, model);
          orderOfGateway.set(setup.gatewayIds[g]!, {
            workflowId,
            money: {
              direction: fuzzCase.direction,
              amountMinor: input.amountMinor,
              currency: input.currency,
              method: input.method,
            },
          });
        }
        const handle = await env.client.workflow.start(fuzzCase.direction, {
          taskQueue,
          workflowId,
          args: [input],
        });
        if (fuzzCase.cancelAfterMs !== null) {
          await startEvent(`${input.orderId}-cancel-${i}`, epoch + fuzzCase.cancelAfterMs, {
            kind: 'cancel',
            workflowId,
          });
        }
        await startEvent(`${input.orderId}-operator`, epoch + OPERATOR_AFTER_MS, { kind: 'operator', workflowId });
        orders.push({ fuzzCase, input, setup, openingBalanceMinor, workflowId: handle.workflowId });
      }
      await testService.unlockTimeSkipping({});
      let states: OrderState[];
      try {
        states = await Promise.all(orders.map((o) => plain.getHandle(o.workflowId).result() as Promise<OrderState>));
        // Callbacks are scheduled while the orders run: wait until every helper, also those added late, is done.
        for (let settled = 0; settled < helpers.length;) {
          const count = helpers.length;
          await Promise.all(helpers.slice(settled, count));
          settled = count;
        }
      } finally {
        await testService.lockTimeSkipping({});
      }
      // What a worker restart does to each order at any point: rebuild it from its history. Every closed order's
      // whole history must replay on a fresh worker without a nondeterminism error.
      await assertReplays(
        env,
        { workflowBundle, dataConverter },
        orders.map((o) => o.workflowId),
      );
      const deliveries = sink.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      return Promise.all(
        orders.map(async (o, i): Promise<CaseOutcome> => {
          const orderId = o.input.orderId;
          const [row] = (await ds.query(
            `SELECT status, settled_amount_minor::text AS settled FROM orders WHERE id = $1`,
            [orderId],
          )) as Array<{ status: string; settled: string | null }>;
          const persistedRows = (await ds.query(
            `SELECT code, order_status FROM order_history WHERE order_id = $1 ORDER BY seq`,
            [orderId],
          )) as Array<{ code: string; order_status: string | null }>;
          const [hold] = (await ds.query(`SELECT status FROM balance_holds WHERE order_id = $1`, [orderId])) as Array<{
            status: string;
          }>;
          return {
            fuzzCase: o.fuzzCase,
            workflowId: o.workflowId,
            input: o.input,
            state: states[i]!,
            orderRow: {
              status: row?.status ?? 'missing',
              settledAmountMinor: row?.settled ? Number(row.settled) : null,
            },
            persisted: persistedRows.map((r) => ({ code: r.code, orderStatus: r.order_status })),
            postings: await postingsOf(ds, orderId),
            holdStatus: hold?.status ?? null,
            balanceMinor: await balanceOf(ds, o.setup.merchantId, o.input.currency),
            openingBalanceMinor: o.openingBalanceMinor,
            merchantCallbacks: deliveries
              .filter((d) => d['externalId'] === orderId)
              .map((d) => ({
                eventId: String(d['eventId']),
                orderStatus: String(d['orderStatus']),
                amount: Number(d['amount']),
              })),
            payments: gateways.paymentsAt(o.setup.gatewayIds),
          };
        }),
      );
    },
    async stop() {
      // On SIGINT or SIGTERM the SDK's runtime has already begun shutting its workers down itself.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await sink.stop();
    },
  };
}

async function assertReplays(
  env: TestWorkflowEnvironment,
  replayOptions: Parameters<typeof Worker.runReplayHistories>[0],
  workflowIds: string[],
) {
  const histories = await Promise.all(
    workflowIds.map(async (workflowId) => ({
      workflowId,
      history: await env.client.workflow.getHandle(workflowId).fetchHistory(),
    })),
  );
  for await (const result of Worker.runReplayHistories(replayOptions, histories)) {
    if (result.error) throw new Error(`${result.workflowId} does not replay: ${result.error.message}`);
  }
}
