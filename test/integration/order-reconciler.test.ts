import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { devKeyring } from '../../infra/security/keyring';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { freePort } from '../../infra/net';
import { reconcileOrders } from '../../api/orders/reconciler';
import { ORDER_INPUT_COLUMNS, type OrderInputRow } from '../../data/order-store';
import { orderWorkflowInput } from '../../api/orders/workflow-start';
import { merchantNameOf } from '../../data/merchants';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { startApi } from '../helpers/http';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';

/** An order whose workflow never started (the API lost Temporal, or died, after the insert) is started later. */

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;
let client: Client;

beforeAll(async () => {
  stack = await startDevServerStack('order-reconciler');
  ({ ds, client } = stack);
});
afterAll(() => stack?.stop());

const DEPOSIT_PATH = '/api/v1/integration/deposit-order';
const deposit = () => ({
  amount: 10.09, // the sandbox pays it at once
  currency: 'USD',
  externalTransactionId: `dep-${randomUUID()}`,
  additionalFields: [
    { key: 'cardNumber', value: '4111111111111111' },
    { key: 'email', value: 'payer@example.com' },
  ],
});

async function orderRow(id: string): Promise<OrderInputRow & { status: string }> {
  const rows = await ds.query(`SELECT ${ORDER_INPUT_COLUMNS}, status FROM orders WHERE id = $1`, [id]);
  return rows[0];
}

/** The input the API builds from the order row, with the merchant's name (for the Temporal UI's summaries). */
async function expectedInput(id: string) {
  const row = await orderRow(id);
  return orderWorkflowInput(row, devKeyring(), { merchantName: await merchantNameOf(ds, row.merchant_id) });
}

async function workflowInput(id: string) {
  const history = await client.workflow.getHandle(orderWorkflowId('deposit', id)).fetchHistory();
  const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
  // Payloads are encrypted in the history: decoded with the engine's codec, as the Web UI's codec server does.
  const [payload] = await encryptedDataConverter(devKeyring()).payloadCodecs![0]!.decode([
    started.input!.payloads![0]!,
  ]);
  return JSON.parse(Buffer.from(payload!.data!).toString('utf8'));
}

async function statusBecomes(id: string, status: string, waitMs = 30_000) {
  const deadline = Date.now() + waitMs;
  while ((await orderRow(id)).status !== status && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return (await orderRow(id)).status;
}

test('the create builds the workflow input from the order row, as the reconciler does', async () => {
  const { keys } = await createApiMerchant(ds, 'deposit');
  const res = await fetch(`${stack.api.baseUrl}${DEPOSIT_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.sandbox.deposit}` },
    body: JSON.stringify(deposit()),
  });
  expect(res.status).toBe(200);
  const { externalId } = (await res.json()) as { externalId: string };
  const input = await workflowInput(externalId);
  expect(input).toEqual(await expectedInput(externalId));
  expect(input.merchantName).toMatch(/\S/);
  expect(input.requisites).toMatchObject({ email: 'payer@example.com', cardMask: expect.stringMatching(/\*/) });
});

test('an order left in Created without a workflow is started by the reconciler, once', async () => {
  const { keys, merchantId } = await createApiMerchant(ds, 'deposit');
  // An API that cannot reach Temporal: the row is inserted, the start fails, and the client gives up.
  const cutOff = await startApi({
    dataSource: ds,
    temporalAddress: `127.0.0.1:${await freePort()}`,
    taskQueue: stack.taskQueue,
  });
  let externalId: string;
  try {
    const body = deposit();
    const res = await fetch(`${cutOff.baseUrl}${DEPOSIT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.sandbox.deposit}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    [{ id: externalId }] = await ds.query(
      `SELECT id FROM orders WHERE merchant_id = $1 AND external_transaction_id = $2`,
      [merchantId, body.externalTransactionId],
    );
  } finally {
    await cutOff.stop();
  }
  expect((await orderRow(externalId)).status).toBe('Created');
  await expect(client.workflow.getHandle(orderWorkflowId('deposit', externalId)).describe()).rejects.toThrow();

  const deps = {
    dataSource: ds,
    temporal: { client, probe: undefined as never },
    taskQueue: stack.taskQueue,
    keyring: devKeyring(),
  };
  const options = { olderThanMs: 0, batch: 10, merchantId };
  expect(await reconcileOrders(deps, options)).toEqual([externalId]);
  expect(await statusBecomes(externalId, 'Success')).toBe('Success');
  expect(await workflowInput(externalId)).toEqual(await expectedInput(externalId));
  // Its workflow runs (and wrote history): the next pass leaves it alone.
  expect(await reconcileOrders(deps, options)).toEqual([]);
});
