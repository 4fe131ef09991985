/**
 * Runs a scenario on Temporal's time-skipping test server: the engine's real workflows and activities, a
 * PostgreSQL, scripted sandbox gateways and merchant callback endpoints on loopback, all on the server's clock.
 * Orders start at their simulated time (a start delay), gateway callbacks arrive at theirs (a durable timer of a
 * helper workflow), and the server skips every stretch in which nothing is due, so days take seconds.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowClient } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../activities';
import { orderWorkflowId } from '../domain/order';
import { devKeyring } from '../infra/security/keyring';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';
import { createTimeSkippingEnv } from '../infra/temporal/time-skipping';
import { GatewayRegistry } from '../gateways/connector';
import { HttpSimConnector } from '../gateways/http/http-connector';
import { SandboxConnector } from '../gateways/sandbox/sandbox-connector';
import { ScriptedSandboxConnector, type ScheduledGatewayCallback } from '../gateways/scripted/scripted-connector';
import type { OrderInput, OrderState } from '../workflows/definitions';
import { simulationActivities } from './activities';
import { stopCallbackSignal } from './workflows/gateway-callback';
import { startScriptedEndpoint, type EndpointRequest, type ScriptedEndpoint } from './endpoints';
import { checkOrder } from './expectations';
import { balanceOf, postingsOf } from './order-setup';
import type { PlannedOrder, Scenario } from './scenario';
import { formatAmount } from './scenario';
import { createWorld, type World } from './world';

/** Entry point of the simulation's workflows, for bundling. */
export const SIMULATION_WORKFLOWS_PATH = require.resolve('./workflows');

/** How long a scenario may take in wall time before it is stopped and reported as failed. */
export const DEFAULT_WALL_TIMEOUT_MS = 5 * 60_000;

/** One order's outcome. */
export interface OrderOutcome {
  plan: PlannedOrder;
  orderId: string;
  workflowId: string;
  /** The workflow's result (its state); undefined when it did not finish. */
  state?: OrderState;
  postings: Array<[string, number]>;
  /** Expectations that do not hold (or why the order did not finish). */
  failures: string[];
  /** The recorded event history, when asked for. */
  history?: temporal.api.history.v1.IHistory;
}

/** What a simulation came to. */
export interface SimulationResult {
  scenario: Scenario;
  /** t+0 on Temporal's clock. */
  epochMs: number;
  wallMs: number;
  /** From t+0 to the last history entry of any order. */
  simulatedMs: number;
  orders: OrderOutcome[];
  endpoints: Array<{ name: string; received: EndpointRequest[] }>;
  gatewayNames: Map<string, string>;
  /** Scenario-level expectations that do not hold. */
  failures: string[];
  ok: boolean;
}

export interface SimulationOptions {
  dataSource: DataSource;
  /** A bundle of SIMULATION_WORKFLOWS_PATH (see bundleSimulationWorkflows); otherwise the worker bundles its own. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Fetch each finished order's event history (to record replay fixtures). */
  keepHistories?: boolean;
  wallTimeoutMs?: number;
  /** Told how to stop the scenario's time-skipping server while it runs (null once stopped), for Ctrl-C. */
  onServer?: (teardown: (() => Promise<void>) | null) => void;
}

/** Bundles the simulation's workflows once, for several scenarios. */
export async function bundleSimulationWorkflows(): Promise<{ code: string }> {
  const quiet = () => undefined;
  const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error };
  return bundleWorkflowCode({ workflowsPath: SIMULATION_WORKFLOWS_PATH, logger });
}

/**
 * Runs the scenario to the end of its last order and checks its expectations. Each scenario gets a time-skipping
 * server of its own: its clock starts fresh, and nothing left over from another scenario (a timer, a lock on
 * time skipping) can hold it up.
 */
export async function runSimulation(scenario: Scenario, opts: SimulationOptions): Promise<SimulationResult> {
  const env = await createTimeSkippingEnv();
  const running: Running = {};
  let stopped: Promise<void> | undefined;
  // The server's connection cannot close while a worker holds it: a Ctrl-C mid-run stops the worker first.
  const stop = () =>
    (stopped ??= (async () => {
      if (running.worker?.getState() === 'RUNNING') running.worker.shutdown();
      await running.done?.catch(() => undefined);
      await env.teardown();
    })());
  opts.onServer?.(stop);
  try {
    return await simulate(scenario, env, opts, running);
  } finally {
    await stop();
    opts.onServer?.(null);
  }
}

/** The scenario's worker, and its run once started: what has to end before the server's connection can close. */
interface Running {
  worker?: Worker;
  done?: Promise<OrderOutcome[]>;
}

async function simulate(
  scenario: Scenario,
  env: TestWorkflowEnvironment,
  opts: SimulationOptions,
  running: Running,
): Promise<SimulationResult> {
  const { dataSource: ds } = opts;
  const started = Date.now();
  const namespace = env.namespace ?? 'default';
  const taskQueue = `simulation-${randomUUID()}`;
  const helpers: string[] = [];

  const scheduleCallback = async (callback: ScheduledGatewayCallback) => {
    const workflowId = `simulated-gateway-callback-${callback.gatewayRef}`;
    helpers.push(workflowId);
    await env.client.workflow.start('simulatedGatewayCallback', {
      taskQueue,
      workflowId,
      args: [{ atMs: callback.at.getTime(), gatewayId: callback.gatewayId, raw: callback.raw }],
    });
  };
  const sandbox = new SandboxConnector(ds);
  const gateways = new GatewayRegistry([
    sandbox,
    new HttpSimConnector(),
    new ScriptedSandboxConnector(sandbox, scheduleCallback),
  ]);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace,
    taskQueue,
    identity: 'paystar-simulation',
    dataConverter: encryptedDataConverter(devKeyring()),
    activities: {
      ...createActivities({ dataSource: ds, gateways, allowPrivateCallbackNetworks: true, keyring: devKeyring() }),
      ...simulationActivities({ dataSource: ds, gateways, client: env.client }),
    },
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: SIMULATION_WORKFLOWS_PATH }),
  });
  running.worker = worker;

  // t+0: the server's clock, which runs at wall speed until the orders are started and time skipping unlocked.
  const epochMs = await env.currentTimeMs();
  const world = await createWorld(ds, scenario, epochMs);
  const endpoints = new Map<string, ScriptedEndpoint>();
  try {
    for (const e of scenario.endpoints) {
      endpoints.set(e.name, await startScriptedEndpoint(e, epochMs, () => env.currentTimeMs()));
    }
    running.done = worker.runUntil(() =>
      runOrders(scenario, world, endpoints, { ...opts, env, taskQueue, namespace, epochMs, helpers }),
    );
    const outcomes = await running.done;
    for (const o of outcomes) {
      o.postings = await postingsOf(ds, o.orderId);
      if (o.state) {
        o.failures.push(
          ...checkOrder(o.plan.expect, { state: o.state, currency: o.plan.currency, postings: o.postings }),
        );
      }
    }
    const failures = await checkScenario(scenario, world, endpoints, ds);
    const lastEntryMs = Math.max(
      0,
      ...outcomes.flatMap((o) => (o.state?.history ?? []).map((h) => Date.parse(h.at) - epochMs)),
    );
    return {
      scenario,
      epochMs,
      wallMs: Date.now() - started,
      simulatedMs: lastEntryMs,
      orders: outcomes,
      endpoints: [...endpoints.values()].map((e) => ({ name: e.name, received: e.received })),
      gatewayNames: new Map([...world.gateways].map(([name, id]) => [id, name])),
      failures,
      ok: failures.length === 0 && outcomes.every((o) => o.failures.length === 0),
    };
  } finally {
    await Promise.all([...endpoints.values()].map((e) => e.stop()));
  }
}

async function runOrders(
  scenario: Scenario,
  world: World,
  endpoints: Map<string, ScriptedEndpoint>,
  ctx: SimulationOptions & {
    env: TestWorkflowEnvironment;
    taskQueue: string;
    namespace: string;
    epochMs: number;
    helpers: string[];
  },
): Promise<OrderOutcome[]> {
  const { env, taskQueue, epochMs } = ctx;
  const run = randomUUID().slice(0, 8);
  const outcomes: OrderOutcome[] = [];
  // Time does not skip while this client holds its lock: every order is started at t+0 with its own delay.
  const lockedAt = await env.currentTimeMs();
  for (const plan of scenario.orders) {
    const merchant = world.merchants.get(plan.merchant)!;
    const orderId = randomUUID();
    const callbackUrl = plan.callback ? endpoints.get(plan.callback)!.url : undefined;
    const input: OrderInput = {
      orderId,
      merchantId: merchant.id,
      externalTransactionId: `sim-${run}-${plan.label}`,
      amountMinor: plan.amountMinor,
      currency: plan.currency,
      pipelineId: merchant.pipelines[plan.direction],
      mode: 'sandbox',
      method: 'card',
      requisites: {},
      ...(callbackUrl ? { callbackUrl } : {}),
    };
    const workflowId = orderWorkflowId(plan.direction, orderId);
    const delay = plan.atMs - (lockedAt - epochMs);
    await env.client.workflow.start(plan.direction, {
      taskQueue,
      workflowId,
      args: [input],
      ...(delay > 0 ? { startDelay: delay } : {}),
    });
    outcomes.push({ plan, orderId, workflowId, postings: [], failures: [] });
  }

  // One unlock for all results: the test client's own result() locks and unlocks per call, which concurrent
  // waits would interleave. A plain client waits without touching the lock.
  const plain = new WorkflowClient({
    connection: env.connection,
    namespace: ctx.namespace,
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const testService = env.connection.testService!;
  const wallTimeoutMs = ctx.wallTimeoutMs ?? DEFAULT_WALL_TIMEOUT_MS;
  await testService.unlockTimeSkipping({});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), wallTimeoutMs)));
  try {
    await Promise.all(
      outcomes.map(async (o) => {
        const result = await Promise.race([
          plain.getHandle(o.workflowId).result() as Promise<OrderState>,
          timedOut,
        ]).catch((err: unknown) => err);
        if (result === 'timeout') {
          o.failures.push(`did not finish within ${Math.round(wallTimeoutMs / 1000)} s of wall time`);
        } else if (result instanceof Error) {
          o.failures.push(`the workflow failed: ${describeError(result)}`);
        } else {
          o.state = result as OrderState;
        }
      }),
    );
  } finally {
    clearTimeout(timer);
    await testService.lockTimeSkipping({});
  }
  for (const o of outcomes) {
    if (o.state && ctx.keepHistories) o.history = await env.client.workflow.getHandle(o.workflowId).fetchHistory();
    if (!o.state) await terminate(env, o.workflowId, 'the simulation ran out of wall time');
  }
  // Callbacks still due after the last order ended are told to stop, and end while the worker still runs.
  for (const id of ctx.helpers) {
    await env.client.workflow
      .getHandle(id)
      .signal(stopCallbackSignal)
      .catch(() => undefined);
  }
  // A callback caught in its activity's retries is not worth more than a few seconds at the end.
  const helpersDone = Promise.all(
    ctx.helpers.map((id) =>
      plain
        .getHandle(id)
        .result()
        .catch(() => undefined),
    ),
  );
  await Promise.race([helpersDone, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
  return outcomes;
}

async function checkScenario(
  scenario: Scenario,
  world: World,
  endpoints: Map<string, ScriptedEndpoint>,
  ds: DataSource,
): Promise<string[]> {
  const failures: string[] = [];
  for (const b of scenario.expect.balancesMinor) {
    const actual = await balanceOf(ds, world.merchants.get(b.merchant)!.id, b.currency);
    if (actual !== b.minor) {
      failures.push(
        `balance of ${b.merchant} is ${formatAmount(actual, b.currency)}, expected ${formatAmount(b.minor, b.currency)}`,
      );
    }
  }
  for (const e of scenario.expect.endpoints) {
    const received = endpoints.get(e.endpoint)!.received.length;
    if (received !== e.received) {
      failures.push(`endpoint ${e.endpoint} received ${received} request(s), expected ${e.received}`);
    }
  }
  return failures;
}

async function terminate(env: TestWorkflowEnvironment, workflowId: string, reason: string): Promise<void> {
  await env.client.workflow
    .getHandle(workflowId)
    .terminate(reason)
    .catch(() => undefined);
}

function describeError(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
