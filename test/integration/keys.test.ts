import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PublicKeyPrefixes1764400000001 } from '../../entities/migrations/1764400000001-public-key-prefixes';
import { generateApiKey, generateOperatorKey, keyPrefix } from '../../infra/security/api-keys';
import { adminSetUpMerchant, expectStatus, httpClient, useAdminApi } from '../helpers/admin-client';
import { startApi } from '../helpers/http';
import { createMerchant } from '../helpers/operations-fixtures';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/** Issue 20: key prefixes show nothing of the secret, and guessing keys is rate limited on both APIs. */
const ctx = useAdminApi();
let ds: DataSource;
beforeAll(() => {
  ds = ctx.ds;
});

/** The random part of a key: its last 43 characters. */
const secretOf = (key: string) => key.slice(-43);

describe('key prefixes', () => {
  test('are the kind and a public id, of one length per kind, and never hold a secret character', () => {
    const kinds = [
      () => generateApiKey('deposit', 'sandbox'),
      () => generateApiKey('payout', 'live'),
      () => generateOperatorKey(),
    ];
    for (const make of kinds) {
      const lengths = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const key = make();
        const prefix = keyPrefix(key);
        lengths.add(prefix.length);
        expect(prefix.endsWith('…')).toBe(true);
        const shown = prefix.slice(0, -1);
        expect(key.startsWith(shown)).toBe(true);
        // Nothing of the secret: the shown part ends before the separator that precedes it.
        expect(shown.length).toBeLessThanOrEqual(key.length - 44);
      }
      expect(lengths.size).toBe(1);
    }
  });

  test('keys of the old shape show their kind only; anything else shows nothing', () => {
    const old = `ps_live_deposit_${randomBytes(32)
      .toString('base64url')
      .replace(/^.{30}/, 'a'.repeat(25) + '_AbCd')}`;
    expect(keyPrefix(old)).toBe('ps_live_deposit_…');
    expect(keyPrefix('my-own-admin-key_with_underscores_1234567890')).toBe('…');
  });

  test('the admin API answers and audits only the public prefix of new keys', async () => {
    const created = await expectStatus(ctx.admin.post('/api/v1/admin/operators', { name: `op ${randomUUID()}` }), 201);
    expect(created.operator.keyPrefix).toMatch(/^ps_admin_[a-z2-7]{10}…$/);
    const m = await adminSetUpMerchant(ctx.admin);
    const key = m.pipelines.main!.key;
    expect(keyPrefix(key)).toMatch(/^ps_sandbox_deposit_[a-z2-7]{10}…$/);
    // The create answers carry the secret, once; nothing after them shows any of it.
    const answers = JSON.stringify([
      await expectStatus(ctx.admin.get(`/api/v1/admin/merchants/${m.merchantId}/keys`), 200),
      await expectStatus(ctx.admin.get('/api/v1/admin/operators'), 200),
      await expectStatus(ctx.admin.get('/api/v1/admin/audit-log'), 200),
    ]);
    expect(answers).toContain(keyPrefix(key));
    for (const secret of [created.secret as string, key]) {
      expect(answers).not.toContain(secretOf(secret).slice(0, 12));
    }
  });

  test('the migration rewrites stored prefixes of old keys, in their rows and in the audit log', async () => {
    const merchantId = await createMerchant(ds);
    const leaky = 'ps_live_deposit_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj…';
    const [row]: Array<{ id: string }> = await ds.query(
      `INSERT INTO api_keys (merchant_id, scope, mode, key_prefix, key_hash) VALUES ($1, 'deposit', 'live', $2, $3)
       RETURNING id`,
      [merchantId, leaky, randomUUID()],
    );
    const fresh = keyPrefix(generateApiKey('payout', 'live'));
    const [kept]: Array<{ id: string }> = await ds.query(
      `INSERT INTO api_keys (merchant_id, scope, mode, key_prefix, key_hash) VALUES ($1, 'payout', 'live', $2, $3)
       RETURNING id`,
      [merchantId, fresh, randomUUID()],
    );
    await ds.query(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, before, after)
       VALUES ('test', 'create', 'api-key', $1, NULL, $2)`,
      [row!.id, JSON.stringify({ id: row!.id, keyPrefix: leaky })],
    );
    const runner = ds.createQueryRunner();
    try {
      await new PublicKeyPrefixes1764400000001().up(runner);
    } finally {
      await runner.release();
    }
    const prefixes: Array<{ id: string; key_prefix: string }> = await ds.query(
      `SELECT id, key_prefix FROM api_keys WHERE merchant_id = $1`,
      [merchantId],
    );
    expect(prefixes.find((p) => p.id === row!.id)!.key_prefix).toBe('ps_live_deposit_…');
    expect(prefixes.find((p) => p.id === kept!.id)!.key_prefix).toBe(fresh);
    const [audit]: Array<{ after: { keyPrefix: string } }> = await ds.query(
      `SELECT after FROM audit_log WHERE entity_id = $1`,
      [row!.id],
    );
    expect(audit!.after.keyPrefix).toBe('ps_live_deposit_…');
  });
});

describe('failed authentication is rate limited', () => {
  const limits = { windowMs: 60_000, perClient: 5, perKeyPrefix: 3 };
  const balance = (baseUrl: string, key: string | null) => httpClient(baseUrl, key).get('/api/v1/integration/balance');

  test('per client, on the merchant API, across API processes sharing the database', async () => {
    const m = await adminSetUpMerchant(ctx.admin);
    const namespace = `${randomUUID()}:`;
    const start = () =>
      startApi({
        dataSource: ds,
        temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
        authFailureLimits: { ...limits, namespace },
      });
    const [a, b] = [await start(), await start()];
    try {
      expect((await balance(a.baseUrl, m.pipelines.main!.key)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await balance(a.baseUrl, `wrong-${i}`)).status).toBe(401);
      for (let i = 0; i < 2; i++) expect((await balance(b.baseUrl, null)).status).toBe(401);
      // Five failures between the two processes: this client is refused, even with a good key, on both.
      for (const api of [a, b]) {
        const refused = await balance(api.baseUrl, m.pipelines.main!.key);
        expect(refused.status).toBe(429);
        expect(refused.json.error.code).toBe('TOO_MANY_FAILED_AUTHENTICATIONS');
      }
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('per key prefix: guesses aimed at one key lock that prefix only', async () => {
    const m = await adminSetUpMerchant(ctx.admin, { pipelines: ['one', 'two'] });
    const target = m.pipelines.one!.key;
    const api = await startApi({
      dataSource: ds,
      temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
      authFailureLimits: { ...limits, perClient: 1000, namespace: `${randomUUID()}:` },
    });
    try {
      const guess = () => `${keyPrefix(target).slice(0, -1)}_${randomBytes(32).toString('base64url')}`;
      for (let i = 0; i < 3; i++) expect((await balance(api.baseUrl, guess())).status).toBe(401);
      expect((await balance(api.baseUrl, guess())).status).toBe(429);
      expect((await balance(api.baseUrl, target)).status).toBe(429);
      expect((await balance(api.baseUrl, m.pipelines.two!.key)).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  test('on the admin API too', async () => {
    const api = await startApi({
      dataSource: ds,
      temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
      authFailureLimits: { ...limits, namespace: `${randomUUID()}:` },
    });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await httpClient(api.baseUrl, `nope-${i}`).get('/api/v1/admin/merchants')).status).toBe(401);
      }
      expect((await httpClient(api.baseUrl).get('/api/v1/admin/merchants')).status).toBe(429);
    } finally {
      await api.stop();
    }
  });
});
