import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { recordGateways, RecordingConnector } from '../helpers/recording-connector';

/** Deposit H2H Token: a saved card reaches the gateway by its token, only for its merchant, until deleted. */
const CARD = '4000000000003220';
let recorder: RecordingConnector;
let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;

beforeAll(async () => {
  stack = await startDevServerStack('saved-cards', {
    gateways: (dataSource) => RecordingConnector.registry(dataSource, (r) => (recorder = r)),
  });
  ds = stack.ds;
});
afterAll(() => stack?.stop());

async function merchant() {
  const m = await createApiMerchant(ds, 'deposit');
  await recordGateways(ds, m.gatewayIds);
  return m.keys.sandbox.deposit;
}

async function deposit(key: string, fields: Record<string, string>, externalTransactionId = `saved-${Math.random()}`) {
  const res = await fetch(`${stack.api.baseUrl}/api/v1/integration/deposit-order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount: 41.09,
      currency: 'USD',
      externalTransactionId,
      additionalFields: Object.entries(fields).map(([k, value]) => ({ key: k, value })),
    }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read whatever came back
  return { status: res.status, json: (await res.json()) as any };
}

const finished = (orderId: string) =>
  stack.client.workflow.getHandle(orderWorkflowId('deposit', orderId)).result() as Promise<{ status: string }>;

const deleteToken = (key: string, token: string) =>
  fetch(`${stack.api.baseUrl}/api/v1/integration/card-storage-tokens/${encodeURIComponent(token)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${key}` },
  });

test('a saved card pays later deposits by token, for its merchant only, and deleting the token destroys it', async () => {
  const key = await merchant();
  const first = { cardNumber: CARD, cardExpiry: '11/28', cardHolder: 'SAVED PAYER', saveCard: 'true' };
  const saved = await deposit(key, first, 'saved-first');
  expect(saved.status).toBe(200);
  const token = saved.json.cardStorageToken as string;
  expect(token).toMatch(/^cst_[\w-]{32}$/);
  // A retry of the same create answers the same token.
  expect((await deposit(key, first, 'saved-first')).json).toEqual(saved.json);
  expect((await finished(saved.json.externalId)).status).toBe('Success');

  const byToken = await deposit(key, { cardStorageToken: token, email: 'token@example.test' });
  expect(byToken.status).toBe(200);
  expect((await finished(byToken.json.externalId)).status).toBe('Success');
  const sent = recorder.creates.find((c) => c.orderId === byToken.json.externalId)!;
  expect(sent.requisites).toMatchObject({
    card: { number: CARD, expiry: '11/28', holder: 'SAVED PAYER' },
    cardMask: '400000******3220',
    email: 'token@example.test',
  });

  // Another merchant cannot use or delete it.
  const other = await merchant();
  const foreign = await deposit(other, { cardStorageToken: token });
  expect(foreign.status).toBe(400);
  expect(foreign.json.error.details).toEqual([
    { field: 'additionalFields.cardStorageToken', message: 'no saved card of this merchant has this token' },
  ]);
  expect((await deleteToken(other, token)).status).toBe(404);

  expect((await deleteToken(key, token)).status).toBe(204);
  const hash = createHash('sha256').update(token).digest('hex');
  expect(await ds.query(`SELECT id FROM card_vault WHERE storage_token_hash = $1`, [hash])).toEqual([]);
  expect((await deposit(key, { cardStorageToken: token })).status).toBe(400);
  expect((await deleteToken(key, token)).status).toBe(404);
});

test('saveCard needs a card number; a bad cardExpiry or cardCvc is a 400 naming the field', async () => {
  const key = await merchant();
  const res = await deposit(key, { saveCard: 'true', email: 'x@example.test' });
  expect(res.status).toBe(400);
  expect(res.json.error.details).toEqual([
    { field: 'additionalFields.saveCard', message: 'saveCard "true" needs cardNumber, on a deposit' },
  ]);
  expect((await deposit(key, { cardNumber: CARD, saveCard: 'yes' })).status).toBe(400);
  const bad = await deposit(key, { cardNumber: CARD, cardExpiry: '2029-12', cardCvc: '12' });
  expect(bad.status).toBe(400);
  expect(bad.json.error.details).toEqual([
    { field: 'additionalFields.cardExpiry', message: 'cardExpiry must be MM/YY or MM/YYYY' },
    { field: 'additionalFields.cardCvc', message: 'cardCvc must be 3 or 4 digits' },
  ]);
});
