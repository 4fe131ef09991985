import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { orderHistoryActivities } from '../../activities/order-history';
import { countOrder, summaryReport } from '../../data/reports';
import { expectStatus, httpClient, useAdminApi } from '../helpers/admin-client';
import { createGateway, createMerchant } from '../helpers/merchants';
import { postMoney, writeFinalOrder, type ReportOrderSpec } from '../helpers/report-orders';
import { TEST_ADMIN_KEY } from '../helpers/http';
import { invitedPerson } from '../helpers/session-client';

/**
 * The reports of issue 18 (docs/reports.md): figures read from the pre-aggregated tables tie to the ledger and to
 * the orders; counting is exactly once under retries and corrections; days are days of the asked zone; downloads
 * hold the API's rows; a merchant user sees only its own merchant.
 */

const ctx = useAdminApi();
const at = (iso: string) => new Date(iso);
const period = (merchantId: string, extra = '') =>
  `?from=2026-03-01&to=2026-03-31&timeZone=UTC&merchantId=${merchantId}${extra}`;

/**
 * A merchant with generated orders in March 2026: successes, declines, cascades, hosted forms, reconciled orders, a
 * prior balance.
 */
async function generatedMerchant() {
  const ds = ctx.ds;
  const merchantId = await createMerchant(ds);
  const [g1, g2, g3] = [
    await createGateway(ds, 'live'),
    await createGateway(ds, 'live'),
    await createGateway(ds, 'live'),
  ];
  const base = { merchantId, currency: 'USD', commissionMinor: 0, createdAt: at('2026-03-01T00:00:00Z') };
  // Money before the period: the opening balance.
  const before: ReportOrderSpec = {
    ...base,
    direction: 'deposit',
    amountMinor: 50_000,
    commissionMinor: 500,
    status: 'Success',
    gateways: [g1!],
    createdAt: at('2026-02-10T10:00:00Z'),
    finalAt: at('2026-02-10T10:01:00Z'),
  };
  await countOrder(ds, await writeFinalOrder(ds, before));
  const specs: ReportOrderSpec[] = [];
  for (let i = 0; i < 24; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const createdAt = at(`2026-03-${day}T${String(i % 24).padStart(2, '0')}:10:00Z`);
    const finalAt = new Date(createdAt.getTime() + (i + 1) * 1000);
    const cascade = i % 4 === 0 ? [g1!, g2!] : i % 7 === 0 ? [g1!, g2!, g3!] : [g1!];
    specs.push({
      ...base,
      createdAt,
      finalAt,
      gateways: cascade,
      direction: i % 5 === 0 ? 'payout' : 'deposit',
      amountMinor: 1000 + i * 10,
      commissionMinor: 10 + i,
      status: i % 3 === 0 ? 'Failed' : 'Success',
      pspCode: i % 3 === 0 ? (i % 2 ? 'insufficient_funds' : 'do_not_honor') : undefined,
    });
  }
  // Hosted forms: paid, cancelled, left to expire after a visit, a refused card then paid.
  const form = (f: ReportOrderSpec['form'], status: ReportOrderSpec['status'], gateways: string[]) =>
    specs.push({
      ...base,
      direction: 'deposit',
      amountMinor: 700,
      commissionMinor: 7,
      status,
      gateways,
      form: f,
      createdAt: at('2026-03-15T09:00:00Z'),
      finalAt: at('2026-03-15T09:05:00Z'),
    });
  form({ visited: true, submitted: true, cancelled: false, refusals: 0 }, 'Success', [g1!]);
  form({ visited: true, submitted: false, cancelled: true, refusals: 0 }, 'Failed', []);
  form({ visited: true, submitted: false, cancelled: false, refusals: 0 }, 'Failed', []);
  form({ visited: true, submitted: true, cancelled: false, refusals: 2 }, 'Success', [g1!]);
  const activity = orderHistoryActivities(ds);
  const ids: string[] = [];
  const orderOf = (spec: ReportOrderSpec, id: string) =>
    ({
      orderId: id,
      merchantId,
      direction: spec.direction,
      externalTransactionId: `ext-${id}`,
      amountMinor: spec.amountMinor,
      currency: spec.currency,
      workflowId: `${spec.direction}-${id}`,
      pipelineId: null,
    }) as never;
  const entry = (seq: number, code: string, status: string, when: Date) =>
    ({ seq, code, status, orderStatus: status, at: when.toISOString() }) as never;
  /** Writes the order and counts it the way the worker counts: through the history activity, on its final entry. */
  const writeAndCount = async (spec: ReportOrderSpec): Promise<{ id: string; lastSeq: number }> => {
    const id = await writeFinalOrder(ds, spec);
    ids.push(id);
    const [last] = await ds.query(
      `SELECT seq, code, order_status FROM order_history WHERE order_id = $1 ORDER BY seq DESC LIMIT 1`,
      [id],
    );
    await activity.recordOrderEvent(orderOf(spec, id), entry(last.seq, last.code, last.order_status, spec.finalAt));
    return { id, lastSeq: last.seq };
  };
  for (const spec of specs) await writeAndCount(spec);
  // Reconciled: declined at first (counted as failed), then the gateway's late evidence settled them as paid (an
  // operator's decision, 1.1.3.77) later in the month; the money moved then. They count once, as successes.
  for (let i = 0; i < 3; i++) {
    const declined: ReportOrderSpec = {
      ...base,
      direction: i === 2 ? 'payout' : 'deposit',
      amountMinor: 2500 + i,
      commissionMinor: 25,
      status: 'Failed',
      gateways: i === 1 ? [g1!, g2!] : [g2!],
      createdAt: at(`2026-03-2${i}T12:00:00Z`),
      finalAt: at(`2026-03-2${i}T12:01:00Z`),
    };
    const { id, lastSeq } = await writeAndCount(declined);
    const reconciled: ReportOrderSpec = { ...declined, status: 'Success', finalAt: at(`2026-03-2${i + 3}T08:00:00Z`) };
    await postMoney(ds, id, reconciled);
    await activity.recordOrderEvent(
      orderOf(reconciled, id),
      entry(lastSeq + 1, '1.1.3.77', 'Success', reconciled.finalAt),
    );
    specs.push(reconciled);
  }
  return { merchantId, specs, ids, gateways: [g1!, g2!, g3!] };
}

test('the summary ties to the ledger and to the orders, per direction and per gateway, cascades and reconciliations included', async () => {
  const { merchantId, specs } = await generatedMerchant();
  const summary = await expectStatus(ctx.admin.get(`/api/v1/reports/summary${period(merchantId)}`), 200);
  const postings = await ctx.ds.query(
    `SELECT coalesce(sum(amount_minor) FILTER (WHERE created_at < '2026-03-01Z'), 0)::int AS opening,
            coalesce(sum(amount_minor) FILTER (WHERE created_at < '2026-04-01Z'), 0)::int AS closing
       FROM ledger_postings WHERE merchant_id = $1`,
    [merchantId],
  );
  expect(summary.balances).toEqual([
    { merchantId, mode: 'live', currency: 'USD', openingMinor: postings[0].opening, closingMinor: postings[0].closing },
  ]);
  const net = summary.rows.reduce((n: number, r: { netMinor: number }) => n + r.netMinor, 0);
  expect(summary.balances[0].openingMinor + net).toBe(summary.balances[0].closingMinor);
  expect(summary.balances[0].openingMinor).toBe(50_000 - 500);

  for (const direction of ['deposit', 'payout'] as const) {
    const mine = specs.filter((s) => s.direction === direction);
    const paid = mine.filter((s) => s.status === 'Success');
    const turnover = paid.reduce((n, s) => n + s.amountMinor, 0);
    const commission = paid.reduce((n, s) => n + s.commissionMinor, 0);
    const row = summary.rows.find((r: { direction: string }) => r.direction === direction);
    expect(row).toEqual({
      merchantId,
      mode: 'live',
      currency: 'USD',
      direction,
      orders: mine.length,
      successful: paid.length,
      failed: mine.length - paid.length,
      conversion: Math.round((paid.length / mine.length) * 10000) / 10000,
      turnoverMinor: turnover,
      commissionMinor: commission,
      netMinor: direction === 'deposit' ? turnover - commission : -(turnover + commission),
    });
    const byGateway = summary.gateways.filter((r: { direction: string }) => r.direction === direction);
    expect(byGateway.reduce((n: number, r: { orders: number }) => n + r.orders, 0)).toBe(mine.length);
    expect(byGateway.reduce((n: number, r: { netMinor: number }) => n + r.netMinor, 0)).toBe(row.netMinor);
  }

  const analytics = await expectStatus(ctx.admin.get(`/api/v1/reports/payment-analytics${period(merchantId)}`), 200);
  const paidCascaded = specs.filter((s) => s.status === 'Success' && s.gateways.length >= 2).length;
  expect(analytics.cascade.savedByLaterGateway).toBe(paidCascaded);
  expect(analytics.cascade.successful).toBe(specs.filter((s) => s.status === 'Success').length);
  const declined = specs.filter((s) => s.status === 'Failed' && s.pspCode);
  expect(analytics.declinesByReason.find((r: { reason: string }) => r.reason === '63').orders).toBe(declined.length);
  const byPsp = (code: string) =>
    analytics.declinesByPspCode
      .filter((r: { pspCode: string }) => r.pspCode === code)
      .reduce((n: number, r: { orders: number }) => n + r.orders, 0);
  expect(byPsp('insufficient_funds')).toBe(declined.filter((s) => s.pspCode === 'insufficient_funds').length);
  expect(byPsp('do_not_honor')).toBe(declined.filter((s) => s.pspCode === 'do_not_honor').length);
  expect(analytics.timeToFinalMs.p50).toBeGreaterThan(0);

  const form = await expectStatus(ctx.admin.get(`/api/v1/reports/payment-form${period(merchantId)}`), 200);
  expect(form.rows).toEqual([
    {
      merchantId,
      day: '2026-03-15',
      created: 4,
      visited: 4,
      submitted: 2,
      threeDs: 0,
      success: 2,
      cancelled: 1,
      abandoned: 1,
      expired: 1,
      refusedCards: 2,
    },
  ]);
});

test('counting is exactly once under a retried activity and moves once under a correction', async () => {
  const ds = ctx.ds;
  const merchantId = await createMerchant(ds);
  const gw = await createGateway(ds, 'live');
  const spec: ReportOrderSpec = {
    merchantId,
    direction: 'deposit',
    currency: 'EUR',
    amountMinor: 4000,
    commissionMinor: 40,
    status: 'Failed',
    gateways: [gw],
    createdAt: at('2026-03-02T10:00:00Z'),
    finalAt: at('2026-03-02T10:00:30Z'),
  };
  const id = await writeFinalOrder(ds, spec);
  expect(await countOrder(ds, id)).toBe('counted');
  expect(await countOrder(ds, id)).toBe('unchanged');
  await Promise.all([countOrder(ds, id), countOrder(ds, id)]);
  const q = { from: '2026-03-01', to: '2026-03-31', timeZone: 'UTC', merchantId };
  expect((await summaryReport(ds, q)).rows).toMatchObject([{ orders: 1, successful: 0, failed: 1, netMinor: 0 }]);

  // Reconciliation: the gateway's late evidence, an operator's decision: the order is Success and the money moved.
  await ds.query(`UPDATE orders SET status = 'Success' WHERE id = $1`, [id]);
  await ds.query(
    `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
     VALUES ($1, 10, '1.1.3.77', 'Success', 'Success', '2026-03-03T08:00:00Z', '{}', $2)`,
    [id, gw],
  );
  await postMoney(ds, id, { ...spec, finalAt: at('2026-03-03T08:00:00Z') });
  expect(await countOrder(ds, id)).toBe('corrected');
  expect(await countOrder(ds, id)).toBe('unchanged');
  const after = await summaryReport(ds, q);
  expect(after.rows).toMatchObject([{ orders: 1, successful: 1, failed: 0, turnoverMinor: 4000, netMinor: 3960 }]);
  expect(after.balances).toMatchObject([{ openingMinor: 0, closingMinor: 3960 }]);
  const [sums] = await ds.query(
    `SELECT sum(orders)::int AS orders, count(*) FILTER (WHERE orders <> 0)::int AS live_rows
       FROM report_hourly WHERE merchant_id = $1`,
    [merchantId],
  );
  expect(sums).toEqual({ orders: 1, live_rows: 1 });
});

test('days are days of the asked zone: 23:30 UTC is the next day in Europe/Moscow; half-hour zones stay exact', async () => {
  const ds = ctx.ds;
  const merchantId = await createMerchant(ds);
  const gw = await createGateway(ds, 'live');
  const id = await writeFinalOrder(ds, {
    merchantId,
    direction: 'deposit',
    currency: 'USD',
    amountMinor: 100,
    commissionMinor: 0,
    status: 'Success',
    gateways: [gw],
    createdAt: at('2026-03-31T23:29:00Z'),
    finalAt: at('2026-03-31T23:30:00Z'),
  });
  await countOrder(ds, id);
  const orders = async (from: string, to: string, timeZone: string) =>
    (await summaryReport(ds, { from, to, timeZone, merchantId })).rows.reduce((n, r) => n + r.orders, 0);
  expect(await orders('2026-03-31', '2026-03-31', 'UTC')).toBe(1);
  expect(await orders('2026-03-31', '2026-03-31', 'Europe/Moscow')).toBe(0);
  expect(await orders('2026-04-01', '2026-04-01', 'Europe/Moscow')).toBe(1);
  // Asia/Kolkata (+05:30): 23:30 UTC is 05:00 on April 1st there; the hour bucket 23:00 UTC would straddle it.
  expect(await orders('2026-04-01', '2026-04-01', 'Asia/Kolkata')).toBe(1);
  expect(await orders('2026-03-31', '2026-03-31', 'Asia/Kolkata')).toBe(0);
  await expectStatus(ctx.admin.get(`/api/v1/reports/summary?from=2026-03-01&to=2026-03-02&timeZone=Mars/Base`), 400);
  // Days PostgreSQL would refuse and zone offsets (read with the POSIX sign there) are 400s, never a 500.
  for (const bad of [
    'from=2026-02-30&to=2026-03-02',
    'from=0000-01-01&to=2026-03-02',
    'from=2026-03-02&to=2026-03-01',
    'from=2026-03-01&to=2026-03-02&timeZone=%2B03:00',
  ]) {
    await expectStatus(ctx.admin.get(`/api/v1/reports/summary?${bad}`), 400);
  }
});

test('CSV and XLSX downloads hold the rows of the API, and each download is in the audit log', async () => {
  const { merchantId } = await generatedMerchant();
  const json = await expectStatus(ctx.admin.get(`/api/v1/reports/summary${period(merchantId)}`), 200);
  const get = (format: string) =>
    fetch(`${ctx.api.baseUrl}/api/v1/reports/summary/export${period(merchantId, `&format=${format}`)}`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
  const csv = await get('csv');
  expect(csv.status).toBe(200);
  const rows = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
  expect(rows).toEqual(
    json.rows.map((r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])),
    ),
  );

  const xlsx = await get('xlsx');
  expect(xlsx.status).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
  const sheet = book.getWorksheet('gateways')!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const sheetRows: Array<Record<string, unknown>> = [];
  sheet.eachRow((row, n) => {
    if (n > 1)
      sheetRows.push(Object.fromEntries(Array.from(header, (h, i) => [h, (row.values as unknown[])[i + 1] ?? null])));
  });
  expect(sheetRows).toEqual(json.gateways);

  const audit = await ctx.ds.query(
    `SELECT action, entity_type, entity_id, after->>'merchantId' AS merchant FROM audit_log
      WHERE action = 'export' AND after->>'merchantId' = $1 ORDER BY id`,
    [merchantId],
  );
  expect(audit).toEqual([
    { action: 'export', entity_type: 'report', entity_id: 'summary', merchant: merchantId },
    { action: 'export', entity_type: 'report', entity_id: 'summary', merchant: merchantId },
  ]);
});

test("a merchant user sees only its own merchant's figures; an operator sees any", async () => {
  const { merchantId } = await generatedMerchant();
  const other = await generatedMerchant();
  const owner = await invitedPerson(ctx.api.baseUrl, ctx.admin, 'owner', merchantId);
  const mine = await expectStatus(owner.client.get('/api/v1/reports/summary?from=2026-03-01&to=2026-03-31'), 200);
  expect(new Set(mine.rows.map((r: { merchantId: string }) => r.merchantId))).toEqual(new Set([merchantId]));
  await expectStatus(owner.client.get(`/api/v1/reports/summary${period(other.merchantId)}`), 403);
  await expectStatus(owner.client.get(`/api/v1/reports/payment-form${period(other.merchantId)}`), 403);
  const developer = await invitedPerson(ctx.api.baseUrl, ctx.admin, 'developer', merchantId);
  await expectStatus(developer.client.get('/api/v1/reports/summary?from=2026-03-01&to=2026-03-31'), 403);
  const support = await invitedPerson(ctx.api.baseUrl, ctx.admin, 'support');
  const all = await expectStatus(support.client.get('/api/v1/reports/summary?from=2026-03-01&to=2026-03-31'), 200);
  const seen = new Set(all.rows.map((r: { merchantId: string }) => r.merchantId));
  expect(seen.has(merchantId) && seen.has(other.merchantId)).toBe(true);
  await expectStatus(
    httpClient(ctx.api.baseUrl, null).get('/api/v1/reports/summary?from=2026-03-01&to=2026-03-31'),
    401,
  );
});
