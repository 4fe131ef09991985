import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { orderWorkflowId, type Direction } from '../../domain/order';
import { cleanUp } from '../../infra/process/cleanup';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { WORKFLOWS_PATH } from '../../workers/create-worker';
import type { OrderInput, OrderState } from '../../workflows/definitions';
import type { OrderRequisites } from '../../domain/requisites';
import { inMemoryActivities, type ScriptedGateway } from './in-memory-activities';

/**
 * The order workflow's decisions with in-memory activities (the fast tier, `npm run test:fast`): no PostgreSQL,
 * no gateways, one time-skipping server for the file. The same paths run against the real activities in
 * test/workflows; these check the step logic in seconds.
 */
let env: TestWorkflowEnvironment;
let workflowBundle: { code: string };
beforeAll(async () => {
  // One after the other: the JVM of the test server gets 5 s to listen, which a concurrent webpack bundle can eat.
  workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
  env = await createTimeSkippingEnv();
});
afterAll(() => cleanUp([async () => env?.teardown()]));

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function runOrder(direction: Direction, gateways: Record<string, ScriptedGateway>, amountMinor = 100_00) {
  const { activities, calls } = inMemoryActivities(gateways);
  const taskQueue = `fast-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities,
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const orderId = randomUUID();
  const input: OrderInput = {
    orderId,
    merchantId: randomUUID(),
    externalTransactionId: `fast-${orderId}`,
    amountMinor,
    currency: 'USD',
    pipelineId: randomUUID(),
    mode: 'sandbox',
    method: 'card',
    requisites: {} as OrderRequisites,
    callbackUrl: 'http://127.0.0.1:9/callback',
  };
  const state = await worker.runUntil(
    env.client.workflow.execute(direction, {
      taskQueue,
      workflowId: orderWorkflowId(direction, orderId),
      args: [input],
    }),
  );
  return { state: state as OrderState, calls, codes: (state as OrderState).history.map((h) => h.code) };
}

const paidAtOnce = { kind: 'accepted', status: 'success', gatewayRef: 'pay_1', code: '2.1.3.00' } as const;
const pending = { kind: 'accepted', status: 'pending', gatewayRef: 'pay_1', code: '2.1.2.00' } as const;
const declined = { kind: 'declined', code: '2.2.4.00' } as const;

test('a deposit paid at create is Success, credited once, the merchant told once', async () => {
  const { state, calls, codes } = await runOrder('deposit', { gw1: { creates: [paidAtOnce] } });
  expect(state.status).toBe('Success');
  expect(codes).toContain('2.1.3.00');
  expect(calls.money).toEqual(['credit 10000']);
  expect(calls.creates).toEqual(['gw1']);
  expect(calls.callbacks).toBe(1);
});

test('a decline at the first gateway cascades to the second, which is paid after a status check', async () => {
  const { state, calls, codes } = await runOrder('deposit', {
    gw1: { creates: [declined] },
    gw2: { creates: [pending], checks: [{ kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1' }] },
  });
  expect(state.status).toBe('Success');
  expect(calls.creates).toEqual(['gw1', 'gw2']);
  expect(codes.indexOf('1.0.1.71')).toBeGreaterThan(codes.indexOf('2.2.4.00'));
  expect(codes).toContain('4.1.3.00');
  expect(calls.money).toEqual(['credit 10000']);
});

test('a payout declined everywhere releases its hold and moves no money', async () => {
  const { state, calls } = await runOrder('payout', { gw1: { creates: [declined] } });
  expect(state.status).toBe('Failed');
  expect(calls.money).toEqual(['hold', 'release']);
  expect(calls.callbacks).toBe(1);
});

test('a payout whose check reports a changed amount settles that amount, once', async () => {
  const { state, calls } = await runOrder('payout', {
    gw1: {
      creates: [pending],
      checks: [{ kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1', amountMinor: 95_00 }],
    },
  });
  expect(state.status).toBe('Success');
  expect(state.amountMinor).toBe(95_00);
  expect(calls.money).toEqual(['hold', 'settle 9500 of 10000 held']);
});

test.each([
  ['GatewayUnusableOnRetry', ['gw1'], '2.0.2.14'],
  ['UnknownGateway', ['gw1', 'gw2'], '2.2.4.15'],
])('a create failing with %s: sent to %j, recorded as %s', async (failsWith, creates, code) => {
  // Only a failure that proves nothing was sent may cascade; one met on a retry of the create is checked first.
  const { state, calls, codes } = await runOrder('deposit', {
    gw1: { creates: [{ failsWith }], checks: [{ kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1' }] },
    gw2: { creates: [paidAtOnce] },
  });
  expect(state.status).toBe('Success');
  expect(calls.creates).toEqual(creates);
  expect(codes).toContain(code);
  expect(calls.money).toEqual(['credit 10000']);
});

test('a 5xx on create is checked before anything else: the payment found there is the order’s', async () => {
  const { state, calls, codes } = await runOrder('deposit', {
    gw1: {
      creates: [{ kind: 'failed', code: '2.2.4.13', ambiguous: false }],
      checks: [{ kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1' }],
    },
    gw2: { creates: [paidAtOnce] },
  });
  expect(state.status).toBe('Success');
  expect(calls.creates).toEqual(['gw1']);
  expect(codes).toContain('4.1.3.00');
});
