import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { devKeyring } from '../../infra/security/keyring';
import { createOrderSetup } from '../../simulation/order-setup';
import { CardVault } from '../../vault/card-vault';
import { testDataSource } from '../helpers/database';

let ds: DataSource;
let vault: CardVault;
let merchantId: string;

beforeAll(async () => {
  ds = await testDataSource();
  vault = new CardVault(ds, devKeyring());
  merchantId = (await createOrderSetup(ds, { direction: 'deposit' })).merchantId;
});
afterAll(() => ds?.destroy());

/** An order row the vault can refer to. */
async function anOrder(): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status, workflow_id)
     VALUES ($1, $2, 'deposit', $3, 100, 'USD', 'Created', $4)`,
    [id, merchantId, `vault-${id}`, `deposit-${id}`],
  );
  return id;
}

const rowOf = async (orderId: string) =>
  ((await ds.query(`SELECT * FROM card_vault WHERE order_id = $1`, [orderId])) as Array<Record<string, unknown>>)[0]!;

test('stores the card encrypted under its own data key, with the key id, and opens it for the gateway', async () => {
  const orderId = await anOrder();
  await vault.storeForOrder(
    orderId,
    merchantId,
    { card: { number: '4111111111111111', expiry: '12/29', holder: 'A PAYER' }, email: 'a@example.test' },
    '123',
  );
  const row = await rowOf(orderId);
  expect(row.key_id).toBe('dev-only');
  expect(JSON.stringify(row)).not.toContain('4111111111111111');
  expect(Buffer.from(row.data as Buffer).toString('latin1')).not.toContain('a@example.test');
  expect(await vault.openForOrder(orderId)).toEqual({
    card: { number: '4111111111111111', expiry: '12/29', holder: 'A PAYER', cvc: '123' },
    email: 'a@example.test',
  });
  expect(await vault.openForOrder(randomUUID())).toBeNull();
});

test('the CVC is destroyed on request and at its TTL; the card stays', async () => {
  const first = await anOrder();
  await vault.storeForOrder(first, merchantId, { card: { number: '4111111111111111' } }, '123');
  await vault.destroyCvc(first);
  expect(await vault.hasCvc(first)).toBe(false);
  expect(await vault.openForOrder(first)).toEqual({ card: { number: '4111111111111111' } });

  const expired = await anOrder();
  await new CardVault(ds, devKeyring(), 0).storeForOrder(
    expired,
    merchantId,
    { card: { number: '5555555555554444' } },
    '456',
  );
  expect((await vault.openForOrder(expired))?.card).toEqual({ number: '5555555555554444' });
  expect((await rowOf(expired)).cvc).toBeNull();
});

test('the hosted form adds the card to what the create stored; a second card does not replace the first', async () => {
  const orderId = await anOrder();
  await vault.storeForOrder(orderId, merchantId, { email: 'form@example.test', phone: '+447700900999' });
  await vault.storeForOrder(orderId, merchantId, { card: { number: '4111111111111111' } }, '123');
  await vault.storeForOrder(orderId, merchantId, { card: { number: '5555555555554444' } }, '999');
  expect(await vault.openForOrder(orderId)).toEqual({
    card: { number: '4111111111111111', cvc: '123' },
    email: 'form@example.test',
    phone: '+447700900999',
  });
});

test('after a decline the next card replaces the declined one, with its own CVC; the rest stays', async () => {
  const orderId = await anOrder();
  await vault.storeForOrder(orderId, merchantId, { email: 'form@example.test' });
  await vault.storeForOrder(orderId, merchantId, { card: { number: '4000000000000002', holder: 'A' } }, '123');
  await vault.destroyCvc(orderId); // the declined card's first attempt was made
  await vault.storeForOrder(orderId, merchantId, { card: { number: '5555555555554444' } }, '999', {
    replaceCard: true,
  });
  expect(await vault.openForOrder(orderId)).toEqual({
    card: { number: '5555555555554444', cvc: '999' },
    email: 'form@example.test',
  });
});

test('a ciphertext copied into another row does not open there', async () => {
  const [a, b] = [await anOrder(), await anOrder()];
  await vault.storeForOrder(a, merchantId, { card: { number: '4111111111111111' } });
  await vault.storeForOrder(b, merchantId, { card: { number: '5555555555554444' } });
  await ds.query(
    `UPDATE card_vault SET data = src.data, key_id = src.key_id, wrapped_key = src.wrapped_key
       FROM card_vault src WHERE card_vault.order_id = $2 AND src.order_id = $1`,
    [a, b],
  );
  await expect(vault.openForOrder(b)).rejects.toThrow();
});
