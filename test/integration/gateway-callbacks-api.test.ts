import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { RawGatewayCallback } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import { orderWorkflowId } from '../../domain/order';
import { buildSignedCallback, SANDBOX_DEFAULT_CALLBACK_SECRET } from '../../gateways/sandbox/callbacks';
import { type CallbackVariant, SandboxConnector } from '../../gateways/sandbox/sandbox-connector';
import { freePort } from '../../infra/net';
import { createOrderSetup, type OrderSetup } from '../../simulation/order-setup';
import { getOrderStateQuery, type OrderState } from '../../workflows/definitions';
import { deposit } from '../../workflows';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { startApi } from '../helpers/http';

/**
 * The HTTP path of a gateway callback against a live order on the dev server: sandbox scenario 70 keeps the payment
 * pending for 30 real minutes, so every order is still waiting for its gateway when the test calls back.
 */
let setup: OrderSetup;
const started: WorkflowHandle[] = [];
let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  stack = await startDevServerStack('gateway-callbacks-api');
  ({ ds, api, client, taskQueue } = stack);
  setup = await createOrderSetup(ds, { direction: 'deposit' });
});

afterAll(() =>
  stack?.stop([
    // Orders left pending would wait 30 minutes for their gateway: end them with the test.
    async () => Promise.allSettled(started.map((h) => h.terminate('test over'))),
  ]),
);

/** Starts a scenario-70 deposit and waits until its gateway reference is on record. */
async function pendingOrder(): Promise<{
  handle: WorkflowHandle<typeof deposit>;
  orderId: string;
  gatewayRef: string;
}> {
  const input = setup.order({ amountMinor: 1000_70 });
  const handle = await client.workflow.start(deposit, {
    taskQueue,
    workflowId: orderWorkflowId('deposit', input.orderId),
    args: [input],
  });
  started.push(handle);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows: Array<{ gateway_ref: string }> = await ds.query(
      `SELECT gateway_ref FROM order_gateway_refs WHERE order_id = $1`,
      [input.orderId],
    );
    if (rows[0]) return { handle, orderId: input.orderId, gatewayRef: rows[0].gateway_ref };
    if (Date.now() > deadline) throw new Error(`order ${input.orderId} has no gateway reference after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function callback(gatewayRef: string, variant?: CallbackVariant): Promise<RawGatewayCallback> {
  return new SandboxConnector(ds).buildCallback(gatewayRef, variant);
}

function post(raw: RawGatewayCallback, gatewayId = setup.gatewayIds[0]!, baseUrl = api.baseUrl) {
  return fetch(`${baseUrl}/api/v1/gateways/${gatewayId}/callback`, {
    method: 'POST',
    headers: raw.headers,
    body: raw.body,
  });
}

/** Polls the order's state until `until` holds: a signal is handled asynchronously by the worker. */
async function stateWhen(handle: WorkflowHandle, until: (s: OrderState) => boolean): Promise<OrderState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = await handle.query(getOrderStateQuery);
    if (until(state) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const codesOf = (s: OrderState) => s.history.map((h) => h.code);

test('a valid callback answers 200 and completes the order with 5.1.3.00', async () => {
  const { handle, orderId, gatewayRef } = await pendingOrder();
  const res = await post(await callback(gatewayRef));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ received: true });

  const result = await handle.result();
  expect(result.status).toBe('Success');
  expect(codesOf(result)).toContain(CODES.CALLBACK_SUCCESS);
  const persisted: Array<{ code: string }> = await ds.query(`SELECT code FROM order_history WHERE order_id = $1`, [
    orderId,
  ]);
  expect(persisted.map((r) => r.code)).toContain(CODES.CALLBACK_SUCCESS);
});

test.each([
  ['invalid-signature', 401, 'INVALID_SIGNATURE', CODES.CALLBACK_INVALID_SIGNATURE],
  ['invalid-payload', 400, 'INVALID_PAYLOAD', CODES.CALLBACK_INVALID_PAYLOAD],
] as const)(
  'a callback with an %s answers %d and is recorded on the pending order',
  async (variant, status, code, historyCode) => {
    const { handle, gatewayRef } = await pendingOrder();
    const raw = await callback(gatewayRef, variant);
    const res = await post(raw);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code, historyCode } });

    const state = await stateWhen(handle, (s) => codesOf(s).includes(historyCode));
    expect(codesOf(state)).toContain(historyCode);
    expect(state.invalidCallbacks).toBe(1);
    expect(state.status).toBe('Processing');
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Signatures and bodies stay out of the logs; the reference and the code are there to trace the refusal.
    const logs = api.logLines.join('');
    expect(logs).toContain(historyCode);
    expect(logs).not.toContain(raw.headers['x-sandbox-signature']!);
    expect(logs).not.toContain(raw.body);
  },
);

test('a callback to an unknown gateway answers 404', async () => {
  const { gatewayRef } = await pendingOrder();
  const raw = await callback(gatewayRef);
  for (const gatewayId of [randomUUID(), 'not-a-uuid']) {
    const res = await post(raw, gatewayId);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'UNKNOWN_GATEWAY' } });
  }
});

test('a valid callback for a payment reference no order has answers 404', async () => {
  const raw = buildSignedCallback(
    {
      id: randomUUID(),
      idempotencyKey: randomUUID(),
      status: 'succeeded',
      amount: 100,
      requestedAmount: 100,
      currency: 'USD',
    },
    'valid',
    SANDBOX_DEFAULT_CALLBACK_SECRET,
  );
  const res = await post(raw);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: { code: 'UNKNOWN_PAYMENT' } });

  // Refusals do not tell a caller without the secret whether a reference exists.
  const forged = { ...raw, headers: { ...raw.headers, 'x-sandbox-signature': `sha256=${'0'.repeat(64)}` } };
  expect((await post(forged)).status).toBe(401);

  // A real payment reference, but sent to another gateway: references are only unique per gateway.
  const { gatewayRef } = await pendingOrder();
  const other = await createOrderSetup(ds, { direction: 'deposit' });
  expect((await post(await callback(gatewayRef), other.gatewayIds[0]!)).status).toBe(404);
});

test('answers 503 when Temporal is unreachable, so the gateway retries', async () => {
  const { handle, gatewayRef } = await pendingOrder();
  const offline = await startApi({ dataSource: ds, temporalAddress: `127.0.0.1:${await freePort()}`, taskQueue });
  try {
    const res = await post(await callback(gatewayRef), setup.gatewayIds[0]!, offline.baseUrl);
    expect(res.status).toBe(503);
  } finally {
    await offline.stop();
  }
  expect((await handle.query(getOrderStateQuery)).status).toBe('Processing');
});

describe('signed callbacks are checked against the order before the workflow hears of them (issue 20)', () => {
  const forged = (gatewayRef: string, money: { amount: number; requestedAmount: number; currency: string }) =>
    buildSignedCallback(
      { id: gatewayRef, idempotencyKey: randomUUID(), status: 'succeeded', ...money },
      'valid',
      SANDBOX_DEFAULT_CALLBACK_SECRET,
    );

  test.each([
    ['in another currency', { amount: 1000_70, requestedAmount: 1000_70, currency: 'EUR' }, 'currency'],
    ['for a hundred times the amount', { amount: 100070_00, requestedAmount: 1000_70, currency: 'USD' }, 'amount'],
    [
      'for a hundred times the amount, both fields',
      { amount: 100070_00, requestedAmount: 100070_00, currency: 'USD' },
      'requested',
    ],
    ['saying 0.01 was taken', { amount: 1, requestedAmount: 1, currency: 'USD' }, 'requested'],
    ['saying nothing was taken', { amount: 0, requestedAmount: 1000_70, currency: 'USD' }, 'zero'],
  ])('a callback %s is an invalid payload (5.2.2.17) and changes nothing', async (_name, money, reason) => {
    const { handle, gatewayRef } = await pendingOrder();
    const res = await post(forged(gatewayRef, money));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; historyCode: string; message: string } };
    expect(body.error).toMatchObject({ code: 'INVALID_PAYLOAD', historyCode: CODES.CALLBACK_INVALID_PAYLOAD });
    expect(body.error.message).toContain(reason);
    const state = await stateWhen(handle, (s) => codesOf(s).includes(CODES.CALLBACK_INVALID_PAYLOAD));
    expect(codesOf(state)).toContain(CODES.CALLBACK_INVALID_PAYLOAD);
    expect(codesOf(state)).not.toContain(CODES.CALLBACK_SUCCESS);
    expect(state.status).toBe('Processing');
    expect(state.amountMinor).toBe(1000_70);
  });

  test('an amount update within the rules is taken, as 5.1.3.35 with the new amount', async () => {
    const { handle, gatewayRef } = await pendingOrder();
    // The gateway's own comparison says "unchanged" (requested = paid); the order says otherwise.
    const res = await post(forged(gatewayRef, { amount: 950_00, requestedAmount: 1000_70, currency: 'USD' }));
    expect(res.status).toBe(200);
    const result = await handle.result();
    expect(result.status).toBe('Success');
    expect(result.amountMinor).toBe(950_00);
    expect(codesOf(result)).toContain(CODES.CALLBACK_AMOUNT_UPDATED);
  });
});

test('forged callbacks beyond a small budget per order no longer reach its workflow (issue 20)', async () => {
  const { handle, gatewayRef } = await pendingOrder();
  const raw = await callback(gatewayRef, 'invalid-signature');
  for (let i = 0; i < 12; i++) expect((await post(raw)).status).toBe(401);
  // A signal that arrives while a workflow task is running is buffered by the server and written to the history
  // only when that task completes, so the history is read once the workflow has handled five refusals; every
  // answer is in by then, so no further signal can follow.
  const state = await stateWhen(handle, (s) => s.invalidCallbacks >= 5);
  const history = await handle.fetchHistory();
  expect((history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length).toBe(5);
  expect(state.invalidCallbacks).toBe(5);
  expect(state.status).toBe('Processing');
  const [row]: Array<{ count: number }> = await ds.query(
    `SELECT count FROM unauthenticated_traffic WHERE order_id = $1 AND kind = 'refused-callback'`,
    [state.orderId],
  );
  expect(row!.count).toBe(12);
});
