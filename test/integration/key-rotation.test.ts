import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { cleanUp } from '../../infra/process/cleanup';
import { Keyring } from '../../infra/security/keyring';
import { EncryptionCodec, ENCRYPTION_KEY_ID, encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { CardVault } from '../../vault/card-vault';
import { rewrapEverything } from '../../vault/rewrap';
import { createWorker } from '../../workers/create-worker';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { recordGateways, RecordingConnector } from '../helpers/recording-connector';
import { fromSetup, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/**
 * Master key rotation with orders in flight: orders started under key A finish on processes that hold B (new,
 * first) and A; `rewrapEverything` moves every vault record to B; after that B alone opens the vault. Payloads
 * keep the key they were written with: old ones decode as long as A stays in the ring.
 */
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const A = key(`rot-a-${process.pid}`);
const B = key(`rot-b-${process.pid}`);
const keyringA = Keyring.parse(A);
const keyringBA = Keyring.parse(`${B},${A}`);
const keyringB = Keyring.parse(B);

const CARD = '4000002500003155';
const LATER_CARD = '4000002760003184';
const FORM_CARD = '5555555555554444';
const EMAIL = 'rotation@example.test';
const address = () => fromSetup(TEST_TEMPORAL_ADDRESS);
const taskQueue = `key-rotation-${randomUUID()}`;

let ds: DataSource;
let native: NativeConnection;
let clientConnection: Connection;
let recorder: RecordingConnector;
const stops: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  ds = await testDataSource();
  native = await NativeConnection.connect({ address: address() });
  clientConnection = await Connection.connect({ address: address() });
});
afterAll(() =>
  cleanUp([
    ...stops.reverse(),
    async () => native.close(),
    async () => clientConnection.close(),
    async () => ds.destroy(),
  ]),
);

async function startWorker(
  keyring: Keyring,
  maxCachedWorkflows?: number,
): Promise<{ worker: Worker; done: Promise<void> }> {
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    dataSource: ds,
    keyring,
    maxCachedWorkflows,
    gateways: RecordingConnector.registry(ds, (r) => (recorder = r)),
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
  });
  const done = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
  });
  return { worker, done };
}

async function startApiWith(keyring: Keyring) {
  const api = await startApi({ dataSource: ds, temporalAddress: address(), taskQueue, keyring });
  stops.push(() => api.stop());
  return api;
}

async function deposit(baseUrl: string, merchantKey: string, amount: number, fields: Record<string, string>) {
  const res = await fetch(`${baseUrl}/api/v1/integration/deposit-order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchantKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount,
      currency: 'USD',
      externalTransactionId: `rotation-${randomUUID()}`,
      additionalFields: Object.entries(fields).map(([k, value]) => ({ key: k, value })),
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { externalId: string }).externalId;
}

/** Key ids of every encrypted payload in a workflow's raw history. */
async function payloadKeyIds(client: Client, workflowId: string): Promise<Set<string>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const payload = value as Payload;
    const id = payload.metadata?.[ENCRYPTION_KEY_ID];
    if (id instanceof Uint8Array) ids.add(Buffer.from(id).toString('utf8'));
    for (const child of Object.values(value)) if (child && typeof child === 'object') visit(child);
  };
  visit(history);
  return ids;
}

test('orders in flight under the old key finish under the new one; after the re-wrap the new key alone opens the vault', async () => {
  const merchant = await createApiMerchant(ds, 'deposit');
  await recordGateways(ds, merchant.gatewayIds);
  const merchantKey = merchant.keys.sandbox.deposit;
  const clientBA = new Client({
    connection: clientConnection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(keyringBA),
  });

  // Under key A: a hosted-form order waiting for its payer, and a card order whose workflow no worker has run yet.
  // No cache: the worker that takes over after the restart need not wait out a sticky queue.
  const workerA = await startWorker(keyringA, 0);
  const apiA = await startApiWith(keyringA);
  const formOrder = await deposit(apiA.baseUrl, merchantKey, 31.09, { email: EMAIL });
  const formWorkflow = orderWorkflowId('deposit', formOrder);
  for (let i = 0; i < 100 && (await payloadKeyIds(clientBA, formWorkflow)).size < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  workerA.worker.shutdown();
  await workerA.done;
  const cardOrder = await deposit(apiA.baseUrl, merchantKey, 32.09, { cardNumber: CARD, cardCvc: '314', email: EMAIL });
  await apiA.stop();
  expect(await new CardVault(ds, keyringA).openForOrder(cardOrder)).toMatchObject({ card: { number: CARD } });

  // Rotation: B first, A still listed. The processes restart with the new ring; the in-flight orders finish.
  await startWorker(keyringBA);
  const apiB = await startApiWith(keyringBA);
  const cardResult = (await clientBA.workflow.getHandle(orderWorkflowId('deposit', cardOrder)).result()) as {
    status: string;
  };
  expect(cardResult.status).toBe('Success');
  const paid = await fetch(`${apiB.baseUrl}/pay/${formOrder}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'pay', cardNumber: FORM_CARD, cardCvc: '271' }).toString(),
  });
  expect(paid.status).toBe(202);
  expect(((await clientBA.workflow.getHandle(formWorkflow).result()) as { status: string }).status).toBe('Success');
  const laterOrder = await deposit(apiB.baseUrl, merchantKey, 33.09, { cardNumber: LATER_CARD, email: EMAIL });
  expect(
    ((await clientBA.workflow.getHandle(orderWorkflowId('deposit', laterOrder)).result()) as { status: string }).status,
  ).toBe('Success');

  // The connector saw every card, the one vaulted under A included (with its CVC, on the first attempt).
  const cardOf = (orderId: string) => recorder.creates.find((c) => c.orderId === orderId)?.requisites.card;
  expect(cardOf(cardOrder)).toEqual({ number: CARD, cvc: '314' });
  expect(cardOf(formOrder)).toEqual({ number: FORM_CARD, cvc: '271' });
  expect(cardOf(laterOrder)).toEqual({ number: LATER_CARD });
  // The hosted-form order's history holds payloads under both keys: written before and after the rotation.
  expect(await payloadKeyIds(clientBA, formWorkflow)).toEqual(new Set([keyringA.activeId, keyringBA.activeId]));

  // Re-wrap: what was under A moves to B; rows under keys this ring does not hold (other tests') are left alone.
  const report = await rewrapEverything(ds, keyringBA, {
    merchantIds: [merchant.merchantId],
    gatewayIds: merchant.gatewayIds,
  });
  expect(report.rewrapped).toBeGreaterThanOrEqual(1);
  expect(report.remaining[keyringA.activeId]).toBeUndefined();
  const keyIds = (await ds.query(`SELECT DISTINCT key_id FROM card_vault WHERE order_id = ANY($1)`, [
    [cardOrder, formOrder, laterOrder],
  ])) as Array<{ key_id: string }>;
  expect(keyIds.map((r) => r.key_id)).toEqual([keyringB.activeId]);
  const vaultB = new CardVault(ds, keyringB);
  expect((await vaultB.openForOrder(cardOrder))?.card?.number).toBe(CARD);
  expect((await vaultB.openForOrder(formOrder))?.card?.number).toBe(FORM_CARD);
  expect((await vaultB.openForOrder(laterOrder))?.email).toBe(EMAIL);

  // Payloads written under A still need A: B alone cannot read them, B with A can.
  const history = await clientBA.workflow.getHandle(formWorkflow).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  await expect(new EncryptionCodec(keyringB).decode([input])).rejects.toThrow(/no master key/);
  const [decoded] = await new EncryptionCodec(keyringBA).decode([input]);
  expect(JSON.parse(Buffer.from(decoded!.data!).toString('utf8'))).toMatchObject({ orderId: formOrder });
});
