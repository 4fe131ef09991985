import type { DataSource } from 'typeorm';
import { createDataSource } from '../../entities/data-source';
import { freePort } from '../../infra/net';
import { startThrowawayDatabase } from '../../infra/postgres/throwaway-database';
import { cleanUp } from '../../infra/process/cleanup';
import { statusQuery } from '../../api/orders/status';
import { createMerchantWithKeys, testDataSource } from '../helpers/database';
import { fundMerchant, insertOrder } from '../helpers/operations-fixtures';
import { startApi } from '../helpers/http';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  ds = await testDataSource();
  api = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS) });
});
afterAll(() => cleanUp([async () => api?.stop(), async () => ds?.destroy()]));

const get = (path: string, key?: string) =>
  fetch(`${api.baseUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('GET /health', () => {
  test('answers 200 with PostgreSQL and Temporal up', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      checks: { postgres: { status: 'up' }, temporal: { status: 'up' } },
    });
  });

  test('answers 503 naming Temporal when Temporal is unreachable', async () => {
    const nowhere = await startApi({ dataSource: ds, temporalAddress: `127.0.0.1:${await freePort()}` });
    try {
      const res = await fetch(`${nowhere.baseUrl}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        checks: { postgres: { status: 'up' }, temporal: { status: 'down' } },
      });
    } finally {
      await nowhere.stop();
    }
  });

  test('answers 503 naming PostgreSQL when the database server goes down', async () => {
    const db = await startThrowawayDatabase();
    const doomed = await createDataSource(db.url, { poolSize: 1 }).initialize();
    const apiOnDoomedDb = await startApi({ dataSource: doomed, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS) });
    try {
      expect((await fetch(`${apiOnDoomedDb.baseUrl}/health`)).status).toBe(200);
      await db.stop();
      const res = await fetch(`${apiOnDoomedDb.baseUrl}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ checks: { postgres: { status: 'down' }, temporal: { status: 'up' } } });
    } finally {
      await apiOnDoomedDb.stop();
      await doomed.destroy().catch(() => undefined);
    }
  });
});

describe('GET /api/v1/integration/balance', () => {
  test('refuses a request without a key, or with an unknown key, with 401', async () => {
    for (const res of [await get('/api/v1/integration/balance'), await get('/api/v1/integration/balance', 'ps_nope')]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  test("answers each merchant's own balance per currency, with either of its keys", async () => {
    const a = await createMerchantWithKeys(ds);
    const b = await createMerchantWithKeys(ds);
    await fundMerchant(ds, a.merchantId, 'USD', 1050);
    await fundMerchant(ds, a.merchantId, 'USD', -50);
    await fundMerchant(ds, a.merchantId, 'EUR', 700);
    await fundMerchant(ds, b.merchantId, 'USD', 99900);
    for (const key of [a.depositKey, a.payoutKey]) {
      const res = await get('/api/v1/integration/balance', key);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        mode: 'sandbox',
        balances: [
          { currency: 'EUR', amount: 7, available: 7, held: 0 },
          { currency: 'USD', amount: 10, available: 10, held: 0 },
        ],
      });
    }
    expect(await (await get('/api/v1/integration/balance', b.depositKey)).json()).toEqual({
      mode: 'sandbox',
      balances: [{ currency: 'USD', amount: 999, available: 999, held: 0 }],
    });
  });

  test('a revoked key is refused', async () => {
    const m = await createMerchantWithKeys(ds);
    await ds.query(`UPDATE api_keys SET revoked_at = now() WHERE merchant_id = $1`, [m.merchantId]);
    expect((await get('/api/v1/integration/balance', m.depositKey)).status).toBe(401);
  });
});

describe('order status reads', () => {
  const statusPath = (id: string) => `/api/v1/integration/deposit-order/${id}/status`;
  const byExternalPath = (ext: string) =>
    `/api/v1/integration/deposit-order/${encodeURIComponent(ext)}/status-by-external-transaction-id`;

  test('are two statements: the key with the failure counters, then the order with its history', async () => {
    const m = await createMerchantWithKeys(ds);
    const id = await insertOrder(ds, { merchantId: m.merchantId, direction: 'deposit', amountMinor: 109 });
    const query = jest.spyOn(ds, 'query');
    try {
      for (const path of [statusPath(id), byExternalPath(`ext-${id}`)]) {
        query.mockClear();
        const res = await get(path, m.depositKey);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ externalId: id, orderStatus: 'Created', amount: 1.09 });
        expect(query.mock.calls.map(([sql]) => /\b(api_keys|orders)\b/.exec(sql)?.[1])).toEqual(['api_keys', 'orders']);
      }
    } finally {
      query.mockRestore();
    }
  });

  test('find the order by an index whichever id is given, and its history by its own', async () => {
    const m = await createMerchantWithKeys(ds);
    const id = await insertOrder(ds, { merchantId: m.merchantId, direction: 'deposit', amountMinor: 109 });
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      // With sequential scans priced out, a plan still scanning a table would mean no index serves the lookup.
      await runner.query('SET LOCAL enable_seqscan = off');
      // (Which index: on the test database's few rows the planner may take orders_daily_merchant, the merchant's
      // orders, as cheap as the primary key; on a real table the unique indexes win.)
      for (const [by, value] of [
        ['externalId', id],
        ['externalTransactionId', `ext-${id}`],
      ] as const) {
        const plan = (await runner.query(`EXPLAIN ${statusQuery(by)}`, [m.merchantId, 'deposit', value]))
          .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
          .join('\n');
        expect(plan).not.toContain('Seq Scan');
        expect(plan).toMatch(/Index Scan using \w+ on orders o/);
        expect(plan).toContain('order_history_order_seq');
      }
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  test('log a successful read at debug, below the production level; a refused or failed one at info', async () => {
    const m = await createMerchantWithKeys(ds);
    const id = await insertOrder(ds, { merchantId: m.merchantId, direction: 'deposit', amountMinor: 109 });
    const logged = async (path: string, key: string | undefined, status: number) => {
      const requestId = `status-${status}-${Math.random().toString(36).slice(2)}`;
      const res = await fetch(`${api.baseUrl}${path}`, {
        headers: { 'x-request-id': requestId, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      });
      expect(res.status).toBe(status);
      await res.text();
      return api.logLines.filter((l) => l.includes(requestId)).map((l) => JSON.parse(l) as { level: number });
    };
    expect(await logged(statusPath(id), m.depositKey, 200)).toEqual([]);
    expect(await logged(byExternalPath(`ext-${id}`), m.depositKey, 200)).toEqual([]);
    for (const [path, key, status] of [
      [statusPath('00000000-0000-4000-8000-000000000000'), m.depositKey, 404],
      [statusPath(id), undefined, 401],
    ] as const) {
      expect(await logged(path, key, status)).toEqual([
        expect.objectContaining({ level: 30, req: expect.objectContaining({ path }), res: { statusCode: status } }),
      ]);
    }
  });
});

describe('HTTP conventions', () => {
  test('/openapi.json is generated from the route schemas', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/integration/balance']));
  });

  test('unknown paths answer a JSON 404, malformed JSON a 400', async () => {
    const missing = await get('/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const malformed = await fetch(`${api.baseUrl}/api/v1/integration/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"amount": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });

  test('every answer carries a request id, and request logs never contain the bearer key', async () => {
    const m = await createMerchantWithKeys(ds);
    const res = await fetch(`${api.baseUrl}/api/v1/integration/balance?probe=1`, {
      headers: { authorization: `Bearer ${m.depositKey}`, 'x-request-id': 'req-42' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const line = api.logLines.find((l) => l.includes('req-42'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      req: { id: 'req-42', method: 'GET', path: '/api/v1/integration/balance' },
    });
    expect(api.logLines.join('\n')).not.toContain(m.depositKey);
  });
});
