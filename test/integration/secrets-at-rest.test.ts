import { randomBytes, randomUUID } from 'node:crypto';
import { verifyGatewayCallback } from '../../gateways/callback-verification';
import { loadCallbackSecret } from '../../activities/merchant-callbacks/secret';
import { createGatewayRegistry } from '../../gateways';
import { signCallbackBody } from '../../gateways/sandbox/callbacks';
import { DEV_MASTER_KEYS, devKeyring, Keyring } from '../../infra/security/keyring';
import { isEncryptedSecret, secretKeyId } from '../../infra/security/secrets-at-rest';
import { createOrderSetup } from '../../simulation/order-setup';
import { rewrapEverything } from '../../vault/rewrap';
import { expectStatus, useAdminApi } from '../helpers/admin-client';

/**
 * Gateway credentials and merchants' callback secrets are stored encrypted under the master keys; the admin API
 * still never answers them, and everything that uses them (connectors, callback signing) gets them in clear.
 */
const ctx = useAdminApi();
const dev = devKeyring();

const settingsOf = async (gatewayId: string) =>
  (
    (await ctx.ds.query(`SELECT settings FROM gateways WHERE id = $1`, [gatewayId])) as Array<{
      settings: Record<string, string>;
    }>
  )[0]!.settings;
const callbackSecretOf = async (merchantId: string) =>
  (
    (await ctx.ds.query(`SELECT callback_secret FROM merchants WHERE id = $1`, [merchantId])) as Array<{
      callback_secret: string | null;
    }>
  )[0]!.callback_secret;

/** A gateway callback signed with `secret`: 5.2.2.16 when the gateway's secret is another. */
async function signatureAccepted(gatewayId: string, secret: string, keyring?: Keyring): Promise<boolean> {
  const body = JSON.stringify({ event: 'payment.updated', payment: { id: 'pay_secret_test' } });
  const raw = {
    body,
    headers: { 'content-type': 'application/json', 'x-sandbox-signature': signCallbackBody(body, secret) },
  };
  const verdict = await verifyGatewayCallback(ctx.ds, createGatewayRegistry(ctx.ds), gatewayId, raw, keyring);
  return verdict.code !== '5.2.2.16';
}

async function merchantWithOrder() {
  const { merchantId } = await createOrderSetup(ctx.ds, { direction: 'deposit' });
  const orderId = randomUUID();
  await ctx.ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status, workflow_id)
     VALUES ($1, $2, 'deposit', $3, 100, 'USD', 'Created', $4)`,
    [orderId, merchantId, `secret-${orderId}`, `deposit-${orderId}`],
  );
  return { merchantId, orderId };
}

test('gateway credentials set through the admin API are stored encrypted, answered as ***, used in clear', async () => {
  const secret = `gw-callback-${randomBytes(12).toString('hex')}`;
  const created = await expectStatus(
    ctx.admin.post('/api/v1/admin/gateways', {
      code: `secret-test-${randomUUID().slice(0, 8)}`,
      name: 'Secrets at rest',
      connector: 'sandbox',
      mode: 'sandbox',
      settings: { callbackSecret: secret, scenario: 'success-at-create' },
    }),
    201,
  );
  expect(created.settings).toEqual({ callbackSecret: '***', scenario: 'success-at-create' });
  const stored = await settingsOf(created.id);
  expect(stored.scenario).toBe('success-at-create');
  expect(isEncryptedSecret(stored.callbackSecret!)).toBe(true);
  expect(JSON.stringify(stored)).not.toContain(secret);

  expect(await signatureAccepted(created.id, secret, dev)).toBe(true);
  expect(await signatureAccepted(created.id, 'another-secret', dev)).toBe(false);
  // Without the keyring the stored value is ciphertext, which nobody signs with.
  expect(await signatureAccepted(created.id, secret)).toBe(false);

  const rotated = `gw-callback-${randomBytes(12).toString('hex')}`;
  await expectStatus(
    ctx.admin.patch(`/api/v1/admin/gateways/${created.id}`, { settings: { callbackSecret: rotated } }),
    200,
  );
  expect(JSON.stringify(await settingsOf(created.id))).not.toContain(rotated);
  expect(await signatureAccepted(created.id, rotated, dev)).toBe(true);
  await expectStatus(ctx.admin.patch(`/api/v1/admin/gateways/${created.id}`, { name: 'Renamed' }), 200);
  expect(await signatureAccepted(created.id, rotated, dev)).toBe(true);
  expect(ctx.admin.bodies.join('\n')).not.toMatch(new RegExp(`${secret}|${rotated}`));
});

test("a merchant's callback secret is generated encrypted and read back in clear", async () => {
  const { merchantId, orderId } = await merchantWithOrder();
  expect(await callbackSecretOf(merchantId)).toBeNull(); // the database no longer generates one in clear
  const first = await loadCallbackSecret(ctx.ds, merchantId, orderId, dev);
  expect(first.generated).toBe(true);
  expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
  const stored = (await callbackSecretOf(merchantId))!;
  expect(isEncryptedSecret(stored)).toBe(true);
  expect(stored).not.toContain(first.secret);
  expect(await loadCallbackSecret(ctx.ds, merchantId, orderId, dev)).toEqual({
    secret: first.secret,
    generated: false,
  });
});

test('secrets stored in clear before the change keep working and are encrypted, then rotated, by rewrap-keys', async () => {
  const { merchantId, orderId } = await merchantWithOrder();
  const merchantSecret = randomBytes(32).toString('hex');
  await ctx.ds.query(`UPDATE merchants SET callback_secret = $2 WHERE id = $1`, [merchantId, merchantSecret]);
  const gatewaySecret = `legacy-${randomBytes(12).toString('hex')}`;
  const [gateway] = (await ctx.ds.query(
    `INSERT INTO gateways (code, name, connector, mode, settings) VALUES ($1, 'Legacy', 'sandbox', 'sandbox', $2)
     RETURNING id`,
    [`legacy-${randomUUID()}`, JSON.stringify({ callbackSecret: gatewaySecret })],
  )) as Array<{ id: string }>;
  const only = { merchantIds: [merchantId], gatewayIds: [gateway!.id] };

  expect((await loadCallbackSecret(ctx.ds, merchantId, orderId, dev)).secret).toBe(merchantSecret);
  expect(await signatureAccepted(gateway!.id, gatewaySecret, dev)).toBe(true);

  expect((await rewrapEverything(ctx.ds, dev, only)).secrets).toBe(2);
  expect(secretKeyId((await callbackSecretOf(merchantId))!)).toBe('dev-only');
  expect(secretKeyId((await settingsOf(gateway!.id)).callbackSecret!)).toBe('dev-only');
  expect((await loadCallbackSecret(ctx.ds, merchantId, orderId, dev)).secret).toBe(merchantSecret);
  expect(await signatureAccepted(gateway!.id, gatewaySecret, dev)).toBe(true);
  expect((await rewrapEverything(ctx.ds, dev, only)).secrets).toBe(0);

  // Rotation: a new key first; afterwards the new key alone opens both.
  const newKey = `secrets-${process.pid}:${randomBytes(32).toString('base64')}`;
  const report = await rewrapEverything(ctx.ds, Keyring.parse(`${newKey},${DEV_MASTER_KEYS}`), only);
  expect(report.secrets).toBe(2);
  const newOnly = Keyring.parse(newKey);
  expect((await loadCallbackSecret(ctx.ds, merchantId, orderId, newOnly)).secret).toBe(merchantSecret);
  expect(await signatureAccepted(gateway!.id, gatewaySecret, newOnly)).toBe(true);
});
