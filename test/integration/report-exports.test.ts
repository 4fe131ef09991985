import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { deleteExportsBefore, insertExport } from '../../data/exports';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { cleanUp } from '../../infra/process/cleanup';
import { expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { testDataSource } from '../helpers/database';
import { startApi, TEST_ADMIN_KEY } from '../helpers/http';
import { createGateway, createMerchant } from '../helpers/merchants';
import { invitedPerson } from '../helpers/session-client';
import { createTestWorker } from '../helpers/time-skipping-worker';

/**
 * Background exports (docs/reports.md): the order list with its filters, written by the exportFile workflow and its
 * activity into PostgreSQL chunks, downloaded when ready; the request is in the audit log; a merchant user sees only
 * its own merchant's exports.
 */

let env: TestWorkflowEnvironment;
let ds: DataSource;
let worker: Worker;
let run: Promise<void>;
let api: Awaited<ReturnType<typeof startApi>>;
let admin: HttpClient;

beforeAll(async () => {
  [env, ds] = await Promise.all([createTimeSkippingEnv(), testDataSource()]);
  let taskQueue: string;
  ({ worker, taskQueue } = await createTestWorker(env, ds));
  run = worker.run();
  api = await startApi({ dataSource: ds, temporalAddress: env.address, taskQueue });
  admin = httpClient(api.baseUrl);
});

afterAll(() =>
  cleanUp([
    async () => api?.stop(),
    async () => {
      worker?.shutdown();
      await run;
    },
    async () => env?.teardown(),
    async () => ds?.destroy(),
  ]),
);

/** `count` orders of a fresh merchant, one a minute from 2026-01-01 UTC; every 4th Failed. */
async function merchantWithOrders(count: number): Promise<string> {
  const merchantId = await createMerchant(ds);
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                         workflow_id, created_at, updated_at, mode, method, flow)
     SELECT gen_random_uuid(), $1, 'deposit', 'x-' || n, 100 + n, 'USD',
            CASE WHEN n % 4 = 0 THEN 'Failed' ELSE 'Success' END, 'w-' || n,
            '2026-01-01Z'::timestamptz + n * interval '1 minute', '2026-01-01Z'::timestamptz + n * interval '1 minute',
            'live', 'card', 'h2h'
       FROM generate_series(1, $2::int) n`,
    [merchantId, count],
  );
  return merchantId;
}

/** Polls the export's status until it is no longer running (the workflow runs on the test's worker). */
async function finished(client: { get: HttpClient['get'] }, id: string) {
  for (;;) {
    const status = await expectStatus(client.get(`/api/v1/reports/exports/${id}`), 200);
    if (status.status !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const download = (id: string) =>
  fetch(`${api.baseUrl}/api/v1/reports/exports/${id}/download`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
  });

test('a background CSV export of 50,000 orders completes and downloads every order once', async () => {
  const merchantId = await merchantWithOrders(50_000);
  const started = await expectStatus(
    admin.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { merchantId } }),
    201,
  );
  expect(started.status).toBe('running');
  const done = await finished(admin, started.id);
  expect(done).toMatchObject({ status: 'ready', rows: 50_000 });
  const res = await download(started.id);
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(Buffer.byteLength(body)).toBe(done.bytes);
  const rows = parse(body, { columns: true }) as Array<Record<string, string>>;
  expect(rows).toHaveLength(50_000);
  const ids: Array<{ id: string }> = await ds.query(
    `SELECT id FROM orders WHERE merchant_id = $1 ORDER BY created_at, id`,
    [merchantId],
  );
  expect(rows.map((r) => r.id)).toEqual(ids.map((r) => r.id));
  expect(rows[0]).toMatchObject({ merchantId, status: 'Success', amountMinor: '101', currency: 'USD' });
  const [audit] = await ds.query(`SELECT actor, action, entity_type FROM audit_log WHERE entity_id = $1`, [started.id]);
  expect(audit).toMatchObject({ action: 'export', entity_type: 'export' });
});

test("an XLSX export keeps the list's filters and days of the zone; a merchant user sees only its own", async () => {
  const merchantId = await merchantWithOrders(3_000);
  // Orders one a minute from 00:01 UTC on January 1st: January 2nd in Moscow (UTC+3) begins at 21:00 UTC on the
  // 1st, order 1260; the last order (3000, 02:00 UTC on the 3rd) is January 3rd there.
  const filters = { merchantId, status: 'Failed', from: '2026-01-02', to: '2026-01-02', timeZone: 'Europe/Moscow' };
  const started = await expectStatus(
    admin.post('/api/v1/reports/exports', { report: 'orders', format: 'xlsx', filters }),
    201,
  );
  const [{ expected }] = await ds.query(
    `SELECT count(*)::int AS expected FROM orders WHERE merchant_id = $1 AND status = 'Failed'
        AND created_at >= '2026-01-01T21:00:00Z' AND created_at < '2026-01-02T21:00:00Z'`,
    [merchantId],
  );
  expect(await finished(admin, started.id)).toMatchObject({ status: 'ready', rows: expected });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await (await download(started.id)).arrayBuffer()) as never);
  const sheet = book.getWorksheet('orders')!;
  expect(sheet.rowCount).toBe(expected + 1);
  expect(sheet.getRow(2).getCell(8).value).toBe('Failed');

  const owner = await invitedPerson(api.baseUrl, admin, 'owner', merchantId);
  expect(await finished(owner.client, started.id)).toMatchObject({ status: 'ready' });
  const other = await merchantWithOrders(1);
  const stranger = await invitedPerson(api.baseUrl, admin, 'owner', other);
  await expectStatus(stranger.client.get(`/api/v1/reports/exports/${started.id}`), 404);
  // A merchant user's export is bound to its merchant whatever it asks for.
  await expectStatus(
    stranger.client.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { merchantId } }),
    403,
  );
  const own = await expectStatus(
    stranger.client.post('/api/v1/reports/exports', { report: 'orders', format: 'csv' }),
    201,
  );
  const [row] = await ds.query(`SELECT merchant_id FROM exports WHERE id = $1`, [own.id]);
  expect(row.merchant_id).toBe(other);
  await expectStatus(admin.get(`/api/v1/reports/exports/not-an-id`), 404);
  await expectStatus(
    admin.post('/api/v1/reports/exports', { report: 'orders', format: 'pdf', filters: { merchantId } }),
    400,
  );
});

test("the order list screen's own filters: created from/before (instants), our id, the merchant's id, the operators' gateway, amount range and history code", async () => {
  const merchantId = await merchantWithOrders(20);
  const exported = async (filters: Record<string, string | number>) => {
    const started = await expectStatus(
      admin.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { merchantId, ...filters } }),
      201,
    );
    expect(await finished(admin, started.id)).toMatchObject({ status: 'ready' });
    const rows = parse(await (await download(started.id)).text(), { columns: true }) as Array<Record<string, string>>;
    return rows.map((r) => r.externalTransactionId);
  };
  // Orders one a minute from 00:01 UTC: from 00:05 (included) to before 00:09 are orders 5 to 8; the offset is
  // kept (02:05 at +02:00 is 00:05 UTC).
  expect(await exported({ createdFrom: '2026-01-01T02:05:00+02:00', createdTo: '2026-01-01T00:09:00Z' })).toEqual([
    'x-5',
    'x-6',
    'x-7',
    'x-8',
  ]);
  expect(await exported({ externalTransactionId: 'x-11' })).toEqual(['x-11']);
  const [{ id }] = await ds.query(`SELECT id FROM orders WHERE merchant_id = $1 AND external_transaction_id = 'x-3'`, [
    merchantId,
  ]);
  expect(await exported({ id })).toEqual(['x-3']);
  // The operators' list's own: the amount range (orders n have 100 + n), the gateway, a history code.
  expect(await exported({ amountFrom: 112, amountTo: 114 })).toEqual(['x-12', 'x-13', 'x-14']);
  const gatewayId = await createGateway(ds, 'live');
  await ds.query(
    `UPDATE orders SET gateway_id = $2 WHERE merchant_id = $1 AND external_transaction_id IN ('x-2', 'x-9')`,
    [merchantId, gatewayId],
  );
  expect(await exported({ gatewayId })).toEqual(['x-2', 'x-9']);
  await ds.query(
    `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details)
     SELECT id, 1, '1.2.4.42', 'Failed', 'Failed', created_at, '{}' FROM orders
      WHERE merchant_id = $1 AND external_transaction_id IN ('x-4', 'x-16')`,
    [merchantId],
  );
  expect(await exported({ historyCode: '1.2.4.42' })).toEqual(['x-4', 'x-16']);
  await expectStatus(
    admin.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { historyCode: '1.2' } }),
    400,
  );
  await expectStatus(
    admin.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { createdFrom: 'yesterday' } }),
    400,
  );
});

test('exports older than the retention are deleted with their file; newer ones and their downloads stay', async () => {
  const merchantId = await merchantWithOrders(3);
  const exportOf = async () => {
    const started = await expectStatus(
      admin.post('/api/v1/reports/exports', { report: 'orders', format: 'csv', filters: { merchantId } }),
      201,
    );
    await finished(admin, started.id as string);
    return started.id as string;
  };
  const [old, recent] = [await exportOf(), await exportOf()];
  const stuck = randomUUID();
  await insertExport(ds, {
    id: stuck,
    requestedBy: 'test',
    report: 'orders',
    format: 'csv',
    filters: { merchantId, timeZone: 'UTC' },
  });
  const days = (n: number) => new Date(Date.now() - n * 86_400_000);
  await ds.query(`UPDATE exports SET created_at = $2, finished_at = $2 WHERE id = $1`, [old, days(8)]);
  await ds.query(`UPDATE exports SET created_at = $2 WHERE id = $1`, [stuck, days(8)]);
  const chunksOf = async (id: string) =>
    Number((await ds.query(`SELECT count(*) AS n FROM export_chunks WHERE export_id = $1`, [id]))[0].n);
  expect(await chunksOf(old)).toBeGreaterThan(0);

  expect(await deleteExportsBefore(ds, days(7))).toBeGreaterThanOrEqual(2);

  expect(await chunksOf(old)).toBe(0);
  await expectStatus(admin.get(`/api/v1/reports/exports/${old}`), 404);
  expect((await download(old)).status).toBe(404);
  await expectStatus(admin.get(`/api/v1/reports/exports/${stuck}`), 404);
  // The export written within the retention is untouched, file and all.
  expect(await chunksOf(recent)).toBeGreaterThan(0);
  const kept = await download(recent);
  expect(kept.status).toBe(200);
  expect(parse(await kept.text(), { columns: true })).toHaveLength(3);
});
