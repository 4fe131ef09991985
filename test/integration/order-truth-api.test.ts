import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { cleanUp } from '../../infra/process/cleanup';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { buildSignedCallback, SANDBOX_DEFAULT_CALLBACK_SECRET } from '../../gateways/sandbox/callbacks';
import { createOrderSetup, type OrderSetup } from '../../simulation/order-setup';
import { getOrderStateQuery, type OrderInput, type OrderState } from '../../workflows/definitions';
import { deposit, payout } from '../../workflows';
import { expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { createTestWorker } from '../helpers/time-skipping-worker';

/**
 * The API side of the order truth model (issue 11) against real workflows on the time-skipping server, so an order
 * can reach its 24-hour deadline and reconciliation: the operator actions of the admin API (recheck, resolve,
 * cancel, the reconciliation list) and a gateway callback that arrives after the order's workflow closed.
 */
let env: TestWorkflowEnvironment;
let ds: DataSource;
let worker: Worker;
let run: Promise<void>;
let taskQueue: string;
let api: Awaited<ReturnType<typeof startApi>>;
let ops: HttpClient;
let operatorName: string;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  [env, ds] = await Promise.all([createTimeSkippingEnv(), testDataSource()]);
  ({ worker, taskQueue } = await createTestWorker(env, ds));
  run = worker.run();
  api = await startApi({ dataSource: ds, temporalAddress: env.address, taskQueue });
  operatorName = `ops-${randomUUID()}`;
  const created = await expectStatus(
    httpClient(api.baseUrl).post('/api/v1/admin/operators', { name: operatorName }),
    201,
  );
  ops = httpClient(api.baseUrl, created.secret);
});

/** In this order: the worker must have stopped before the server's connection can close. */
afterAll(() =>
  cleanUp([
    async () => Promise.allSettled(started.map((h) => h.terminate('test over'))),
    async () => api?.stop(),
    async () => {
      worker?.shutdown();
      await run;
    },
    async () => env?.teardown(),
    async () => ds?.destroy(),
  ]),
);

async function startOrder(setup: OrderSetup, overrides: Partial<OrderInput>) {
  const input = setup.order(overrides);
  const handle = await env.client.workflow.start(setup.direction === 'payout' ? payout : deposit, {
    taskQueue,
    workflowId: orderWorkflowId(setup.direction, input.orderId),
    args: [input],
  });
  started.push(handle);
  return { input, handle };
}

/** Moves the time-skipping clock an hour at a time until the order's state satisfies `until`. */
async function advanceUntil(handle: WorkflowHandle, until: (s: OrderState) => boolean): Promise<OrderState> {
  for (let hours = 0; hours < 24 * 3; hours++) {
    const state = await handle.query(getOrderStateQuery);
    if (until(state)) return state;
    await env.sleep('1 hour');
  }
  throw new Error(`${handle.workflowId} did not get there`);
}

/** Waits (real time, the workflow clock standing still) until the order's state satisfies `until`. */
async function waitUntil(handle: WorkflowHandle, until: (s: OrderState) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (until(await handle.query(getOrderStateQuery))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${handle.workflowId} did not get there`);
}

const persistedCodes = async (orderId: string): Promise<string[]> =>
  (await ds.query(`SELECT code FROM order_history WHERE order_id = $1 ORDER BY seq`, [orderId])).map(
    (r: { code: string }) => r.code,
  );

const auditOf = async (orderId: string) =>
  (await expectStatus(ops.get(`/api/v1/admin/audit-log?entityType=order&entityId=${orderId}`), 200)).items;

const listed = async (reconciliation: 'open' | 'review'): Promise<string[]> =>
  (await expectStatus(ops.get(`/api/v1/admin/orders?reconciliation=${reconciliation}&limit=500`), 200)).items.map(
    (o: { id: string }) => o.id,
  );

test('an order in reconciliation is listed, rechecked and resolved by an operator, each action audited', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  // Scenario 08: the gateway keeps the payment pending for ever, so the deadline finds it unknown.
  const { input, handle } = await startOrder(setup, { amountMinor: 100_08, reconciliationPeriodMs: 2 * 3600_000 });
  const path = `/api/v1/admin/orders/${input.orderId}`;

  // Before the deadline the order is not in reconciliation: the resolve validator refuses it, nothing is audited.
  await advanceUntil(handle, (s) => s.history.some((h) => h.code === '2.1.2.00'));
  const early = await ops.post(`${path}/resolve`, { outcome: 'success', evidence: 'report line 1', reason: 'early' });
  expect(early.status).toBe(409);
  expect(early.json.error.message).toBe(
    'only an order in reconciliation is settled by an operator; ask for a recheck instead',
  );
  expect(await auditOf(input.orderId)).toEqual([]);

  await advanceUntil(handle, (s) => s.reconciliation === 'open');
  expect(await listed('open')).toContain(input.orderId);
  // Without the filter the list spans merchants (the back office's orders list, keyset-paged by created_at, id).
  const unscoped = await expectStatus(ops.get(`/api/v1/admin/orders?id=${input.orderId}`), 200);
  expect(unscoped.items).toEqual([expect.objectContaining({ id: input.orderId, merchantName: expect.any(String) })]);
  const merchants = await expectStatus(
    ops.get(`/api/v1/admin/orders?merchantId=${setup.merchantId}&reconciliation=open`),
    200,
  );
  expect(merchants.items).toEqual([expect.objectContaining({ id: input.orderId, status: 'Processing' })]);

  // Bad input is a 400 naming the field, and reaches no workflow.
  const bad = await ops.post(`${path}/resolve`, { outcome: 'paid', evidence: '', reason: 'x' });
  expect(bad.status).toBe(400);
  expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['evidence', 'outcome']);

  const rechecked = await expectStatus(ops.post(`${path}/recheck`, { reason: 'merchant asked' }), 200);
  expect(rechecked).toMatchObject({ id: input.orderId, status: 'Processing', reconciliation: 'open' });
  expect(rechecked.history.map((h: { code: string }) => h.code)).toContain('1.0.2.77');

  const resolved = await expectStatus(
    ops.post(`${path}/resolve`, { outcome: 'success', evidence: 'PSP settlement file line 42', reason: 'paid' }),
    200,
  );
  expect(resolved).toMatchObject({ status: 'Success', reconciliation: null });
  const final = await handle.result();
  expect(final.status).toBe('Success');
  const operatorEntry = final.history.find((h) => h.code === '1.1.3.77')!;
  expect(operatorEntry.details).toEqual({
    operator: operatorName,
    reason: 'paid',
    evidence: 'PSP settlement file line 42',
  });
  expect(await persistedCodes(input.orderId)).toContain('1.1.3.77');

  const audit = await auditOf(input.orderId);
  expect(audit.map((a: { action: string; actor: string }) => [a.action, a.actor])).toEqual([
    ['resolve', operatorName],
    ['recheck', operatorName],
  ]);
  expect(audit[0]).toMatchObject({ note: 'paid', after: { status: 'Success', outcome: 'success' } });

  // Settled: off the list, and the closed workflow takes no more actions.
  expect(await listed('open')).not.toContain(input.orderId);
  const again = await ops.post(`${path}/recheck`, { reason: 'again' });
  expect(again.status).toBe(409);
  expect(again.json.error.code).toBe('ORDER_CLOSED');
  expect((await ops.post(`/api/v1/admin/orders/${randomUUID()}/recheck`, { reason: 'x' })).status).toBe(404);
});

test('cancel with nothing in flight: the order fails with 1.2.4.76 and the merchant-visible status is final', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const { input, handle } = await startOrder(setup, { amountMinor: 100_09, payform: true });
  await waitUntil(handle, (s) => s.history.some((h) => h.code === '3.1.1.00'));

  const answer = await expectStatus(
    ops.post(`/api/v1/admin/orders/${input.orderId}/cancel`, { reason: 'payer asked' }),
    200,
  );
  expect(answer).toMatchObject({ id: input.orderId, cancelRequested: true });
  const final = await handle.result();
  expect(final.status).toBe('Failed');
  expect(final.history.at(-1)?.code).toBe('1.2.4.76');
  expect(await persistedCodes(input.orderId)).toContain('1.2.4.76');
  expect((await auditOf(input.orderId)).map((a: { action: string }) => a.action)).toEqual(['cancel']);

  const again = await ops.post(`/api/v1/admin/orders/${input.orderId}/cancel`, { reason: 'again' });
  expect(again.status).toBe(409);
});

test('cancel of a payout between two creates: Failed with 1.2.4.76 and its hold released', async () => {
  const setup = await createOrderSetup(ds, { direction: 'payout', balanceMinor: 1000_00 });
  // Scenario 12: the gateway refuses the connection twice, so the payout waits to try the same gateway again.
  const { input, handle } = await startOrder(setup, { amountMinor: 100_12 });
  await waitUntil(handle, (s) => s.history.some((h) => h.code === '1.0.1.72'));
  await expectStatus(ops.post(`/api/v1/admin/orders/${input.orderId}/cancel`, { reason: 'merchant withdrew it' }), 200);
  const final = await handle.result();
  expect(final.status).toBe('Failed');
  const codes = final.history.map((h) => h.code);
  expect(codes.slice(codes.indexOf('1.0.1.72') + 1)).toEqual(['1.2.4.76', '1.1.4.83']);
  const [hold] = await ds.query(`SELECT status FROM balance_holds WHERE order_id = $1`, [input.orderId]);
  expect(hold.status).toBe('released');
});

test('cancel with a payment in flight: 1.0.2.76, then the payment is resolved and the order settles on it', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  // Scenario 01: pending for 90 minutes, then paid.
  const { input, handle } = await startOrder(setup, { amountMinor: 100_01 });
  await advanceUntil(handle, (s) => s.history.some((h) => h.code === '2.1.2.00'));
  await expectStatus(ops.post(`/api/v1/admin/orders/${input.orderId}/cancel`, { reason: 'payer asked' }), 200);
  const final = await handle.result();
  const codes = final.history.map((h) => h.code);
  expect(codes).toContain('1.0.2.76');
  expect(final.status).toBe('Success');
  expect(codes.indexOf('1.0.2.76')).toBeLessThan(codes.indexOf('4.1.3.00'));
});

/** A success callback signed as gateway `gatewayId`'s sandbox for the payment `gatewayRef`. */
function successCallback(gatewayRef: string, amountMinor: number) {
  return buildSignedCallback(
    {
      id: gatewayRef,
      idempotencyKey: randomUUID(),
      status: 'succeeded',
      amount: amountMinor,
      requestedAmount: amountMinor,
      currency: 'USD',
    },
    'valid',
    SANDBOX_DEFAULT_CALLBACK_SECRET,
  );
}

const postCallback = async (gatewayId: string, raw: { body: string; headers: Record<string, string> }) => {
  const res = await fetch(`${api.baseUrl}/api/v1/gateways/${gatewayId}/callback`, {
    method: 'POST',
    headers: raw.headers,
    body: raw.body,
  });
  return { status: res.status, json: await res.json() };
};

const refOf = async (orderId: string, gatewayId: string): Promise<string> =>
  (
    await ds.query(`SELECT gateway_ref FROM order_gateway_refs WHERE order_id = $1 AND gateway_id = $2`, [
      orderId,
      gatewayId,
    ])
  )[0].gateway_ref;

test('finding 8: a success callback after a failed order closed is recorded late and flags the order (1.0.4.78)', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  // Scenario 03: pending, then declined by the status check; one gateway, so the order fails and closes.
  const { input, handle } = await startOrder(setup, { amountMinor: 100_03 });
  expect((await handle.result()).status).toBe('Failed');
  const gatewayId = setup.gatewayIds[0]!;
  const before = await persistedCodes(input.orderId);

  const raw = successCallback(await refOf(input.orderId, gatewayId), 100_03);
  expect(await postCallback(gatewayId, raw)).toEqual({ status: 200, json: { received: true, recorded: true } });
  const after: Array<{ seq: number; code: string; order_status: string; details: object }> = await ds.query(
    `SELECT seq, code, order_status, details FROM order_history WHERE order_id = $1 ORDER BY seq`,
    [input.orderId],
  );
  expect(after.slice(0, before.length).map((r) => r.code)).toEqual(before);
  expect(after.slice(before.length)).toEqual([
    expect.objectContaining({
      seq: before.length + 1,
      code: '5.1.3.00',
      order_status: 'Failed',
      details: expect.objectContaining({ late: true }),
    }),
    expect.objectContaining({ seq: before.length + 2, code: '1.0.4.78', order_status: 'Failed' }),
  ]);
  // The merchant-visible status stays final, no money moved, and operations find the order on their list.
  const [order] = await ds.query(`SELECT status FROM orders WHERE id = $1`, [input.orderId]);
  expect(order.status).toBe('Failed');
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ledger_postings WHERE merchant_id = $1`, [
    setup.merchantId,
  ]);
  expect(n).toBe(0);
  expect(await listed('review')).toContain(input.orderId);
  expect(api.logLines.join('')).toContain('"recorded":true');

  // The gateway sending it again adds nothing.
  expect((await postCallback(gatewayId, raw)).status).toBe(200);
  expect(await persistedCodes(input.orderId)).toHaveLength(before.length + 2);
});

test('finding 8: a success from an earlier gateway after a paid order closed is a second success (1.0.3.78)', async () => {
  const setup = await createOrderSetup(ds, {
    direction: 'deposit',
    gateways: [{ settings: { scenario: 'pending-then-declined' } }, { settings: { scenario: 'success-at-create' } }],
  });
  const { input, handle } = await startOrder(setup, { amountMinor: 100_00 });
  const final = await handle.result();
  expect(final.status).toBe('Success');
  const [first, second] = setup.gatewayIds as [string, string];

  // The gateway that paid calling again is no news: recorded late, not flagged.
  expect(await postCallback(second, successCallback(await refOf(input.orderId, second), 100_00))).toEqual({
    status: 200,
    json: { received: true, recorded: true },
  });
  expect((await persistedCodes(input.orderId)).at(-1)).toBe('5.1.3.00');

  // The first gateway, which had declined, now says it was paid: the payer may have paid twice.
  expect((await postCallback(first, successCallback(await refOf(input.orderId, first), 100_00))).status).toBe(200);
  expect((await persistedCodes(input.orderId)).slice(-2)).toEqual(['5.1.3.00', '1.0.3.78']);
  expect(await listed('review')).toContain(input.orderId);
  expect(await listed('open')).not.toContain(input.orderId);
});

test('a terminated order is rebuilt by an operator: its gateway is asked, the order settles once, in one history', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  // Sandbox .01: pending for 90 minutes, then paid.
  const { input, handle } = await startOrder(setup, { amountMinor: 100_01 });
  await advanceUntil(handle, (s) => s.history.some((h) => h.code === '2.1.2.00'));
  await expectStatus(ops.post(`/api/v1/admin/orders/${input.orderId}/rebuild`, { reason: 'not yet' }), 409);
  await handle.terminate('stopped by mistake');

  const rebuilt = await expectStatus(
    ops.post(`/api/v1/admin/orders/${input.orderId}/rebuild`, { reason: 'terminated by mistake' }),
    200,
  );
  expect(rebuilt).toMatchObject({ id: input.orderId, attempts: 1 });
  const successor = env.client.workflow.getHandle(handle.workflowId);
  started.push(successor);
  const state = await successor.result();

  expect(state.status).toBe('Success');
  const codes = (
    await ds.query(`SELECT code FROM order_history WHERE order_id = $1 ORDER BY seq`, [input.orderId])
  ).map((r: { code: string }) => r.code);
  expect(codes.slice(0, 2)).toEqual(['1.1.1.00', '2.1.2.00']);
  expect(codes).toContain('1.0.2.77');
  expect(codes.at(-1)).toBe('1.1.3.84');
  const postings = await ds.query(`SELECT kind FROM ledger_postings WHERE order_id = $1 AND kind = 'deposit'`, [
    input.orderId,
  ]);
  expect(postings).toHaveLength(1);
  const [audit] = await ds.query(
    `SELECT action FROM audit_log WHERE entity_type = 'order' AND entity_id = $1 AND action = 'rebuild'`,
    [input.orderId],
  );
  expect(audit).toEqual({ action: 'rebuild' });
});
