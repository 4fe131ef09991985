/**
 * Drives the ceiling: starts ceiling workflows as fast as the server takes them (a given number of start calls in
 * flight, optionally capped in workflows in flight), waits until visibility counts them all completed, then reads
 * their start and close times from visibility. Completion is observed without a per-workflow long poll, so the
 * observer adds next to nothing to the server's load.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { isPayout } from '../plan';
import {
  DirectionKey,
  ExternalTransactionIdKey,
  MerchantIdKey,
  OrderStatusKey,
} from '../../workflows/search-attributes';
import { ORDER_SHAPES, UPSERT_BEFORE_STEP } from './shapes';
import type { CeilingInput } from './workflows';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CeilingBatch {
  workflows: number;
  /** When the first start was sent and when the last start answered (ms since the epoch). */
  firstStartAt: number;
  lastStartAt: number;
  executions: Array<{
    workflowId: string;
    shape: 'deposit' | 'payout';
    startMs: number;
    closeMs: number;
    events: number;
  }>;
}

/** An order input's worth of payload, passed to every no-op call as the engine passes its inputs. */
function payloadFor(i: number): Record<string, unknown> {
  return {
    orderId: randomUUID(),
    merchantId: '00000000-0000-4000-8000-000000000001',
    externalTransactionId: `ceiling-${i}`,
    amountMinor: 109,
    currency: 'USD',
    pipelineId: '00000000-0000-4000-8000-0000000000b1',
    mode: 'sandbox',
    method: 'card',
    requisites: { cardFingerprint: randomUUID().replace(/-/g, '').repeat(2), cardMask: '424242******4242' },
    callbackUrl: 'http://127.0.0.1:1/callbacks',
  };
}

export async function runCeilingBatch(
  client: Client,
  opts: {
    taskQueue: string;
    idPrefix: string;
    workflows: number;
    payoutShare: number;
    /** Start calls in flight at once. */
    startConcurrency: number;
    /** Workflows in flight at most (0: no cap). */
    inflightCap: number;
    timeoutMs: number;
    /** Start with the order's search attributes and upsert once, as orders do. */
    searchAttributes?: boolean;
  },
): Promise<CeilingBatch> {
  const completedQuery = `TaskQueue = "${opts.taskQueue}" AND ExecutionStatus = "Completed"`;
  const completedBefore = (await client.workflow.count(completedQuery)).count;
  let completed = 0;
  let next = 0;
  let firstStartAt = 0;
  let lastStartAt = 0;
  const shapes = new Map<string, 'deposit' | 'payout'>();
  const deadline = Date.now() + opts.timeoutMs;

  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.workflows) return;
      while (opts.inflightCap > 0 && i - completed >= opts.inflightCap) await sleep(5);
      const shape = isPayout(i, opts.payoutShare) ? 'payout' : 'deposit';
      const workflowId = `${opts.idPrefix}-${i}`;
      shapes.set(workflowId, shape);
      const payload = payloadFor(i);
      const input: CeilingInput = {
        shape: ORDER_SHAPES[shape],
        payload,
        ...(opts.searchAttributes ? { upsertBeforeStep: UPSERT_BEFORE_STEP[shape] } : {}),
      };
      if (firstStartAt === 0) firstStartAt = Date.now();
      await client.workflow.start('ceilingOrder', {
        taskQueue: opts.taskQueue,
        workflowId,
        args: [input],
        ...(opts.searchAttributes
          ? {
              typedSearchAttributes: [
                { key: MerchantIdKey, value: String(payload.merchantId) },
                { key: DirectionKey, value: shape },
                { key: ExternalTransactionIdKey, value: String(payload.externalTransactionId) },
                { key: OrderStatusKey, value: 'Created' },
              ],
            }
          : {}),
      });
      lastStartAt = Date.now();
    }
  };
  let startError: unknown;
  const starting = Promise.all(Array.from({ length: opts.startConcurrency }, lane)).catch((err: unknown) => {
    startError = err ?? new Error('a ceiling start failed');
  });
  while (completed < opts.workflows) {
    if (startError !== undefined) throw startError;
    if (Date.now() > deadline) {
      throw new Error(`ceiling: ${completed} of ${opts.workflows} workflows completed after ${opts.timeoutMs} ms`);
    }
    await sleep(100);
    completed = (await client.workflow.count(completedQuery)).count - completedBefore;
  }
  await starting;

  const executions: CeilingBatch['executions'] = [];
  for await (const info of client.workflow.list({ query: completedQuery })) {
    const shape = shapes.get(info.workflowId);
    if (!shape || !info.closeTime) continue;
    executions.push({
      workflowId: info.workflowId,
      shape,
      startMs: info.startTime.getTime(),
      closeMs: info.closeTime.getTime(),
      events: info.historyLength,
    });
  }
  return { workflows: opts.workflows, firstStartAt, lastStartAt, executions };
}

/**
 * How long a workflow start takes on its own: `count` starts one after the other, with an order's four search
 * attributes as the API sends them, on a task queue no worker polls; each is terminated afterwards. The part of an
 * order create's latency that is Temporal's.
 */
export async function probeStartLatency(client: Client, idPrefix: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const payload = payloadFor(i);
      const workflowId = `${idPrefix}-${i}`;
      const started = performance.now();
      await client.workflow.start('ceilingOrder', {
        taskQueue: 'bench-probe-unpolled',
        workflowId,
        args: [{ shape: ORDER_SHAPES.deposit, payload } satisfies CeilingInput],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: MerchantIdKey, value: String(payload.merchantId) },
          { key: DirectionKey, value: 'deposit' },
          { key: ExternalTransactionIdKey, value: String(payload.externalTransactionId) },
          { key: OrderStatusKey, value: 'Created' },
        ],
      });
      latencies.push(performance.now() - started);
      ids.push(workflowId);
    }
  } finally {
    for (const id of ids)
      await client.workflow
        .getHandle(id)
        .terminate('bench probe')
        .catch(() => undefined);
  }
  return latencies;
}
