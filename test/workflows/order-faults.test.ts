import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../activities';
import { orderWorkflowId } from '../../domain/order';
import { createOrderSetup, postingsOf } from '../../simulation/order-setup';
import { persistedHistory } from '../helpers/orders';
import { deposit } from '../../workflows';
import { getOrderStateQuery } from '../../workflows/definitions';
import { createTestWorker } from '../helpers/time-skipping-worker';
import { codesOf, runOrderToEnd, sandboxPaymentsAt, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const paymentsAt = (gatewayId: string) => sandboxPaymentsAt(ds, gatewayId);

/** Wraps an activity so that its first call does its work and then fails, as if the worker died before answering. */
function loseFirstAnswer<K extends keyof Activities>(name: K, calls: { count: number }) {
  return (activities: Activities): Activities => {
    const real = activities[name] as (...args: unknown[]) => Promise<unknown>;
    return {
      ...activities,
      [name]: async (...args: unknown[]) => {
        const result = await real(...args);
        calls.count += 1;
        if (calls.count === 1) throw new Error(`${String(name)}: the answer was lost after the work was done`);
        return result;
      },
    };
  };
}

describe('retries after the side effect happened', () => {
  // The lean order shape: pre-checks with routing, the ledger with its entry, and status checks are local activities.
  test.each([
    'prepareOrder',
    'createGatewayPayment',
    'checkGatewayPayment',
    'recordMoneyMovement',
    'recordOrderEvent',
  ] as const)('%s losing its first answer: one charge, one posting, one history entry per step', async (activity) => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const calls = { count: 0 };
    const { input, result } = await runOrderToEnd(
      env,
      ds,
      setup,
      {},
      { wrapActivities: loseFirstAnswer(activity, calls) },
    );

    expect(calls.count).toBeGreaterThanOrEqual(2); // the activity really ran again
    const codes = ['1.1.1.00', '2.1.2.00', '4.1.3.00', '1.1.3.84'];
    expect(codesOf(result)).toEqual(codes);
    expect((await persistedHistory(ds, input.orderId)).map(([, code]) => code)).toEqual(codes);
    expect(await paymentsAt(setup.gatewayIds[0]!)).toBe(1);
    expect(await postingsOf(ds, input.orderId)).toEqual([['deposit', input.amountMinor]]);
  });
});

test('a worker killed mid-cascade: another worker finishes the order with one charge and one posting', async () => {
  const setup = await createOrderSetup(ds, {
    direction: 'deposit',
    gateways: [{ settings: { scenario: 'server-unavailable-always' } }, {}],
  });
  const input = setup.order({ amountMinor: 300_00 });
  const workflowId = orderWorkflowId('deposit', input.orderId);

  // No sticky cache: the test server does not move a dead worker's sticky tasks back to the shared queue.
  const first = await createTestWorker(env, ds, { maxCachedWorkflows: 0 });
  const running = first.worker.run();
  const handle = await env.client.workflow.start(deposit, { taskQueue: first.taskQueue, workflowId, args: [input] });
  // Wait (in real time: nothing awaits the result, so time does not skip) until the first gateway answered a 5xx.
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(getOrderStateQuery);
    if (state.history.some((h) => h.code === '2.2.4.13')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  first.worker.shutdown();
  await running;

  const second = await createTestWorker(env, ds, { taskQueue: first.taskQueue });
  const result = await second.worker.runUntil(handle.result());

  const codes = [
    '1.1.1.00',
    ...['2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00'],
    '1.0.1.71',
    '2.1.2.00',
    '4.1.3.00',
    '1.1.3.84',
  ];
  expect(codesOf(result)).toEqual(codes);
  expect((await persistedHistory(ds, input.orderId)).map(([, code]) => code)).toEqual(codes);
  expect(await paymentsAt(setup.gatewayIds[0]!)).toBe(0);
  expect(await paymentsAt(setup.gatewayIds[1]!)).toBe(1);
  expect(await postingsOf(ds, input.orderId)).toEqual([['deposit', 300_00]]);
});
