import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { operationsActivities } from '../../activities/operations';
import { devKeyring } from '../../infra/security/keyring';
import { decryptSecretSettings, isEncryptedSecret } from '../../infra/security/secrets-at-rest';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient, useAdminApi } from '../helpers/admin-client';
import { startApi, TEST_ADMIN_KEY } from '../helpers/http';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/** The admin API itself: who may use it, keys, gateways, commissions, the audit log and the OpenAPI document. */

const ctx = useAdminApi();
let ds: DataSource;
let api: (typeof ctx)['api'];
let admin: HttpClient;
beforeAll(() => {
  ({ ds, api, admin } = ctx);
});

const as = (key: string | null) => httpClient(api.baseUrl, key);

describe('authentication', () => {
  test('no key, a wrong key and a merchant key are 401; an operator key works until it is revoked', async () => {
    const m = await adminSetUpMerchant(admin);
    for (const key of [null, 'nope', m.pipelines.main!.key, `${TEST_ADMIN_KEY}x`]) {
      const res = await as(key).get('/api/v1/admin/merchants');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('UNAUTHORIZED');
    }
    const name = `ops ${randomUUID()}`;
    const created = await expectStatus(admin.post('/api/v1/admin/operators', { name }), 201);
    expect(created.secret).toMatch(/^ps_admin_/);
    expect(created.operator.keyPrefix.endsWith('…')).toBe(true);
    const operator = as(created.secret);
    await expectStatus(operator.get('/api/v1/admin/merchants'), 200);
    const listed = await expectStatus(admin.get('/api/v1/admin/operators'), 200);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect((await admin.post('/api/v1/admin/operators', { name })).status).toBe(409);

    await expectStatus(admin.post(`/api/v1/admin/operators/${created.operator.id}/revoke`), 200);
    expect((await operator.get('/api/v1/admin/merchants')).status).toBe(401);
    expect((await admin.post(`/api/v1/admin/operators/${created.operator.id}/revoke`)).status).toBe(409);
  });

  test('an API without ADMIN_KEY accepts only operator keys', async () => {
    const bare = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS), adminKey: null });
    try {
      expect((await httpClient(bare.baseUrl).get('/api/v1/admin/merchants')).status).toBe(401);
      const { secret } = await expectStatus(
        admin.post('/api/v1/admin/operators', { name: `ops ${randomUUID()}` }),
        201,
      );
      expect((await httpClient(bare.baseUrl, secret).get('/api/v1/admin/merchants')).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});

describe('merchants', () => {
  test('are found by a part of the name, its % and _ taken literally, across any number of older merchants', async () => {
    const tag = randomUUID().slice(0, 8);
    await ds.query(
      `INSERT INTO merchants (name, created_at) SELECT 'older ' || n, now() - interval '1 day' FROM generate_series(1, 600) n`,
    );
    const wanted = await expectStatus(admin.post('/api/v1/admin/merchants', { name: `Shop 100%_${tag} Ltd` }), 201);
    await expectStatus(admin.post('/api/v1/admin/merchants', { name: `Shop 100ab${tag} Ltd` }), 201);
    const found = await expectStatus(
      admin.get(`/api/v1/admin/merchants?name=${encodeURIComponent(`100%_${tag}`)}`),
      200,
    );
    expect(found).toEqual({ items: [expect.objectContaining({ id: wanted.id })], nextOffset: null });
    const firstPage = await expectStatus(admin.get('/api/v1/admin/merchants?limit=500'), 200);
    expect(firstPage.items.map((m: { id: string }) => m.id)).not.toContain(wanted.id);
    expect((await admin.get('/api/v1/admin/merchants?name=')).status).toBe(400);
  });

  test("are named by id, one screen's worth at a time: exactly the ids asked for, up to 100, each a UUID", async () => {
    const [a, b] = await Promise.all(
      ['A', 'B'].map((n) => expectStatus(admin.post('/api/v1/admin/merchants', { name: `By id ${n}` }), 201)),
    );
    const found = await expectStatus(admin.get(`/api/v1/admin/merchants?ids=${a.id},${randomUUID()},${b.id}`), 200);
    expect(found.items.map((m: { id: string; name: string }) => [m.id, m.name]).sort()).toEqual(
      [
        [a.id, 'By id A'],
        [b.id, 'By id B'],
      ].sort(),
    );
    const hundredAndOne = Array.from({ length: 101 }, () => randomUUID()).join(',');
    expect((await admin.get(`/api/v1/admin/merchants?ids=${hundredAndOne}`)).status).toBe(400);
    expect((await admin.get(`/api/v1/admin/merchants?ids=${a.id},not-an-id`)).status).toBe(400);
    expect((await admin.get(`/api/v1/admin/merchants?ids=------------------------------------`)).status).toBe(400);
  });
});

describe('merchant keys', () => {
  const balance = (key: string) => as(key).get('/api/v1/integration/balance');

  test('issued once, listed by prefix; rotation keeps the old key for its grace period; revocation is immediate', async () => {
    const m = await adminSetUpMerchant(admin);
    const issued = await expectStatus(
      admin.post(`/api/v1/admin/merchants/${m.merchantId}/keys`, {
        scope: 'payout',
        mode: 'sandbox',
        label: 'backend',
      }),
      201,
    );
    expect(issued.secret).toMatch(/^ps_sandbox_payout_/);
    expect((await balance(issued.secret)).status).toBe(200);
    const keys = await expectStatus(admin.get(`/api/v1/admin/merchants/${m.merchantId}/keys`), 200);
    expect(keys.items.map((k: { id: string }) => k.id)).toContain(issued.key.id);
    expect(JSON.stringify(keys)).not.toContain(issued.secret);

    const rotated = await expectStatus(
      admin.post(`/api/v1/admin/keys/${issued.key.id}/rotate`, { graceSeconds: 3600 }),
      200,
    );
    expect(rotated.key).toMatchObject({ scope: 'payout', mode: 'sandbox', label: 'backend', revokedAt: null });
    expect(rotated.replaced).toMatchObject({ id: issued.key.id, replacedBy: rotated.key.id });
    expect(new Date(rotated.replaced.revokedAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect((await balance(issued.secret)).status).toBe(200);
    expect((await balance(rotated.secret)).status).toBe(200);
    expect((await admin.post(`/api/v1/admin/keys/${issued.key.id}/rotate`, {})).status).toBe(409);

    const again = await expectStatus(admin.post(`/api/v1/admin/keys/${rotated.key.id}/rotate`, {}), 200);
    expect((await balance(rotated.secret)).status).toBe(401);
    await expectStatus(admin.post(`/api/v1/admin/keys/${again.key.id}/revoke`), 200);
    expect((await balance(again.secret)).status).toBe(401);
    expect(admin.bodies.filter((b) => b.includes(issued.secret))).toHaveLength(1);
  });

  test('a rotated key that leaked is revoked during its overlap and stops at once; its successor keeps working', async () => {
    const m = await adminSetUpMerchant(admin);
    const issued = await expectStatus(
      admin.post(`/api/v1/admin/merchants/${m.merchantId}/keys`, { scope: 'deposit', mode: 'sandbox' }),
      201,
    );
    const rotated = await expectStatus(
      admin.post(`/api/v1/admin/keys/${issued.key.id}/rotate`, { graceSeconds: 3600 }),
      200,
    );
    expect((await balance(issued.secret)).status).toBe(200);
    const revoked = await expectStatus(admin.post(`/api/v1/admin/keys/${issued.key.id}/revoke`), 200);
    expect(new Date(revoked.revokedAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect(revoked.replacedBy).toBe(rotated.key.id);
    expect((await balance(issued.secret)).status).toBe(401);
    expect((await balance(rotated.secret)).status).toBe(200);
    expect((await admin.post(`/api/v1/admin/keys/${issued.key.id}/revoke`)).status).toBe(409);
    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=api-key&entityId=${issued.key.id}`),
      200,
    );
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['revoke', 'rotate', 'create']);
  });

  test("a key bound to a pipeline must be one of the merchant's pipelines of the key's direction", async () => {
    const m = await adminSetUpMerchant(admin);
    const other = await adminSetUpMerchant(admin);
    const bind = (merchantId: string, scope: string, pipelineId: string) =>
      admin.post(`/api/v1/admin/merchants/${merchantId}/keys`, { scope, mode: 'sandbox', pipelineId });
    expect((await bind(m.merchantId, 'payout', m.pipelines.main!.id)).status).toBe(400);
    expect((await bind(m.merchantId, 'deposit', other.pipelines.main!.id)).status).toBe(400);
    expect((await bind(randomUUID(), 'deposit', m.pipelines.main!.id)).status).toBe(404);
  });
});

describe('gateways', () => {
  test('credentials are never answered in clear; unknown connectors and unusable settings are 400', async () => {
    const code = `psp-${randomUUID()}`;
    const settings = { baseUrl: 'https://psp.example/api', apiKey: 'sk_live_abcdef', callbackSecret: 'whsec_123456' };
    const gateway = await expectStatus(
      admin.post('/api/v1/admin/gateways', { code, name: 'PSP', connector: 'http-sim', mode: 'live', settings }),
      201,
    );
    expect(gateway.settings).toEqual({ baseUrl: 'https://psp.example/api', apiKey: '***', callbackSecret: '***' });
    expect(
      (await admin.post('/api/v1/admin/gateways', { code, name: 'PSP', connector: 'sandbox', mode: 'sandbox' })).status,
    ).toBe(409);

    const unknown = await admin.post('/api/v1/admin/gateways', {
      code: `x-${randomUUID()}`,
      name: 'X',
      connector: 'acme',
      mode: 'live',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details[0].field).toBe('connector');
    const unusable = await admin.post('/api/v1/admin/gateways', {
      code: `x-${randomUUID()}`,
      name: 'X',
      connector: 'http-sim',
      mode: 'live',
      settings: { baseUrl: 'ftp://nope' },
    });
    expect(unusable.status).toBe(400);
    expect(unusable.json.error.message).not.toContain('ftp://nope');

    const updated = await expectStatus(
      admin.patch(`/api/v1/admin/gateways/${gateway.id}`, {
        settings: { apiKey: 'sk_live_rotated', callbackSecret: null },
      }),
      200,
    );
    expect(updated.settings).toEqual({ baseUrl: 'https://psp.example/api', apiKey: '***' });
    const [row] = await ds.query(`SELECT settings FROM gateways WHERE id = $1`, [gateway.id]);
    // Stored encrypted (secrets at rest), in clear only for the connector.
    expect(isEncryptedSecret(row.settings.apiKey)).toBe(true);
    expect(decryptSecretSettings(devKeyring(), row.settings)).toEqual({
      baseUrl: 'https://psp.example/api',
      apiKey: 'sk_live_rotated',
    });
    const audit = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityId=${gateway.id}`), 200);
    expect(audit.items[0].note).toBe('settings changed: apiKey, callbackSecret');
    const everything = admin.bodies.join('');
    for (const secret of ['sk_live_abcdef', 'whsec_123456', 'sk_live_rotated'])
      expect(everything).not.toContain(secret);
  });
});

describe('commissions', () => {
  test('the fee is fixed when the order is accepted: a change afterwards does not reprice it', async () => {
    const m = await adminSetUpMerchant(admin);
    const commission = await expectStatus(
      admin.post('/api/v1/admin/commissions', {
        merchantId: m.merchantId,
        direction: 'deposit',
        percent: 2.5,
        fixedMinor: 10,
      }),
      201,
    );
    expect(commission).toMatchObject({ percent: '2.5', fixedMinor: 10, pipelineId: null, currency: null });
    expect(
      (await admin.post('/api/v1/admin/commissions', { merchantId: m.merchantId, direction: 'deposit' })).status,
    ).toBe(409);
    expect(
      (
        await admin.post('/api/v1/admin/commissions', {
          merchantId: m.merchantId,
          direction: 'payout',
          percent: '100.5',
        })
      ).status,
    ).toBe(400);

    const created = await expectStatus(
      as(m.pipelines.main!.key).post('/api/v1/integration/deposit-order', {
        amount: 100,
        currency: 'USD',
        externalTransactionId: `dep-${randomUUID()}`,
        additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
      }),
      200,
    );
    await expectStatus(
      admin.patch(`/api/v1/admin/commissions/${commission.id}`, { percent: '10', fixedMinor: 0 }),
      200,
    );
    // The ledger activity as the workflow would call it once the gateway paid.
    const credit = await operationsActivities(ds).creditDeposit({
      orderId: created.externalId,
      merchantId: m.merchantId,
      currency: 'USD',
      amountMinor: 100_00,
    });
    expect(credit.commissionMinor).toBe(2_50 + 10);
    const order = await expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
    expect(order.commission).toEqual({ percent: '2.5', fixedMinor: 10 });
  });
});

describe('audit log', () => {
  test('every kind of change is recorded with who, what, before and after, and when', async () => {
    const { operator, secret } = await expectStatus(
      admin.post('/api/v1/admin/operators', { name: `auditor ${randomUUID()}` }),
      201,
    );
    const ops = as(secret);
    const started = new Date(Date.now() - 1000).toISOString();
    const m = await adminSetUpMerchant(ops, { gatewayScenarios: ['success'] });
    const pipelineId = m.pipelines.main!.id;
    const limit = await expectStatus(
      ops.post('/api/v1/admin/limits', {
        scope: 'merchant',
        merchantId: m.merchantId,
        direction: 'deposit',
        currency: 'EUR',
        dailyCount: 5,
      }),
      201,
    );
    await expectStatus(ops.patch(`/api/v1/admin/limits/${limit.id}`, { dailyCount: 6 }), 200);
    await expectStatus(ops.delete(`/api/v1/admin/limits/${limit.id}`), 200);
    const fee = await expectStatus(
      ops.post('/api/v1/admin/commissions', { merchantId: m.merchantId, direction: 'payout', fixedMinor: 5 }),
      201,
    );
    await expectStatus(ops.delete(`/api/v1/admin/commissions/${fee.id}`), 200);
    await expectStatus(ops.patch(`/api/v1/admin/pipelines/${pipelineId}`, { name: 'renamed' }), 200);
    await expectStatus(ops.patch(`/api/v1/admin/merchants/${m.merchantId}`, { name: 'Renamed Ltd' }), 200);
    await expectStatus(
      ops.post('/api/v1/admin/blacklist', {
        scope: 'merchant',
        merchantId: m.merchantId,
        type: 'ip',
        requisites: '10.0.0.1',
      }),
      201,
    );

    const log = await expectStatus(
      ops.get(`/api/v1/admin/audit-log?actor=${encodeURIComponent(operator.name)}&limit=500`),
      200,
    );
    const seen = log.items.map((e: { action: string; entityType: string }) => `${e.action} ${e.entityType}`).reverse();
    expect(seen).toEqual([
      'create merchant',
      'create gateway',
      'create pipeline',
      'replace pipeline',
      'create api-key',
      'create limit',
      'update limit',
      'delete limit',
      'create commission',
      'delete commission',
      'update pipeline',
      'update merchant',
      'create blacklist-entry',
    ]);
    for (const entry of log.items) {
      expect(entry.operatorId).toBe(operator.id);
      expect(new Date(entry.occurredAt).getTime()).toBeGreaterThanOrEqual(new Date(started).getTime());
      expect(entry.requestId).toEqual(expect.any(String));
    }
    const limitUpdate = log.items.find(
      (e: { action: string; entityType: string }) => e.action === 'update' && e.entityType === 'limit',
    );
    expect(limitUpdate.before.dailyCount).toBe(5);
    expect(limitUpdate.after.dailyCount).toBe(6);
    const keyCreate = log.items.find((e: { entityType: string }) => e.entityType === 'api-key');
    expect(keyCreate.after.keyPrefix).toEqual(expect.any(String));
    expect(JSON.stringify(log)).not.toContain(m.pipelines.main!.key);

    const filtered = await expectStatus(ops.get(`/api/v1/admin/audit-log?entityType=limit&entityId=${limit.id}`), 200);
    expect(filtered.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'create']);
    const none = await expectStatus(ops.get(`/api/v1/admin/audit-log?entityId=${limit.id}&to=${started}`), 200);
    expect(none.items).toEqual([]);
  });

  test('the audit log is newest first by entry number, also across a power of ten (9 before 10 as text)', async () => {
    const entityId = randomUUID();
    // Entries numbered 9, 10 and 11 above the largest so far: as text "…9" sorts after "…10" and "…11".
    const [row] = (await ds.query(`SELECT COALESCE(MAX(id), 0)::text AS top FROM audit_log`)) as Array<{
      top: string;
    }>;
    const base = 10 ** String(Number(row!.top) + 20).length;
    for (const [i, id] of [base - 1, base, base + 1].entries()) {
      await ds.query(
        `INSERT INTO audit_log (id, actor, action, entity_type, entity_id) VALUES ($1, 'test', $2, 'probe', $3)`,
        [id, `step-${i}`, entityId],
      );
    }
    // Entries made after this one continue above these numbers.
    await ds.query(`SELECT setval(pg_get_serial_sequence('audit_log', 'id'), $1)`, [base + 1]);
    const log = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityId=${entityId}`), 200);
    expect(log.items.map((e: { action: string }) => e.action)).toEqual(['step-2', 'step-1', 'step-0']);
  });

  test('a refused change writes no audit entry', async () => {
    const m = await adminSetUpMerchant(admin);
    const before = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityType=commission&limit=500`), 200);
    await expectStatus(
      admin.post('/api/v1/admin/commissions', { merchantId: m.merchantId, direction: 'deposit' }),
      201,
    );
    expect(
      (await admin.post('/api/v1/admin/commissions', { merchantId: m.merchantId, direction: 'deposit' })).status,
    ).toBe(409);
    const after = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityType=commission&limit=500`), 200);
    const mine = after.items.filter(
      (e: { after: { merchantId?: string } | null }) => e.after?.merchantId === m.merchantId,
    );
    expect(mine).toHaveLength(1);
    expect(after.items.length).toBeGreaterThanOrEqual(before.items.length + 1);
  });
});

test('the OpenAPI document lists the admin paths with the admin key scheme', async () => {
  const doc = await expectStatus(admin.get('/openapi.json'), 200);
  for (const path of [
    '/api/v1/admin/blacklist',
    '/api/v1/admin/blacklist/{id}',
    '/api/v1/admin/limits',
    '/api/v1/admin/commissions',
    '/api/v1/admin/pipelines/{id}/routes',
    '/api/v1/admin/merchants/{id}/keys',
    '/api/v1/admin/keys/{id}/rotate',
    '/api/v1/admin/audit-log',
  ]) {
    expect(doc.paths[path]).toBeDefined();
  }
  expect(doc.paths['/api/v1/admin/blacklist'].post.security).toEqual([{ adminKey: [] }, { session: [] }]);
  expect(doc.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
});
