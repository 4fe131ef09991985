/**
 * `npm run bench:reports [-- --orders N] [--backfill]`: the summary report over a year of a busy merchant (docs/reports.md). On a
 * throwaway embedded PostgreSQL it creates N orders (default 1,000,000) spread over 2025 with their histories and
 * ledger postings (INSERT … SELECT generate_series), writes their facts and hourly sums (INSERT … SELECT; with
 * `--backfill`: histories too, counted by the migration's backfill, the worker's SQL — slower), then times the
 * summary report over the year in Europe/Moscow. Bounded: stops itself after 30 minutes.
 */
import { createDataSource } from '../entities/data-source';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';
import { backfillReports, ledgerBalances, paymentAnalytics, summaryReport, sumFactsIntoHourly } from '../data/reports';

const say = (line: string) => console.log(`[bench:reports] ${line}`);

async function main(): Promise<void> {
  const i = process.argv.indexOf('--orders');
  const orders = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  const viaBackfill = process.argv.includes('--backfill');
  if (!Number.isSafeInteger(orders) || orders < 1 || orders > 5_000_000) throw new Error('--orders: 1 to 5,000,000');
  const db = await startThrowawayDatabase('paystar_bench_reports');
  const stop = async () => db.stop().catch(() => undefined);
  setTimeout(() => void stop().then(() => process.exit(1)), 30 * 60_000).unref();
  process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  const ds = await createDataSource(db.url, { poolSize: 2 }).initialize();
  try {
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const result = await run();
      say(`${name}: ${Math.round(performance.now() - t)} ms`);
      return result;
    };
    const [{ id: merchantId }] = await ds.query(`INSERT INTO merchants (name) VALUES ('busy') RETURNING id`);
    const gateways: Array<{ id: string }> = await ds.query(
      `INSERT INTO gateways (code, name, connector, mode, settings)
       SELECT 'bench-' || g, 'bench ' || g, 'http-sim', 'live', '{}' FROM generate_series(1, 3) g RETURNING id`,
    );
    const gw = gateways.map((g) => g.id);
    await step(`${orders} orders`, () =>
      ds.query(
        `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                             workflow_id, gateway_id, created_at, updated_at, mode, method, flow)
         SELECT gen_random_uuid(), $1, CASE WHEN n % 10 = 0 THEN 'payout' ELSE 'deposit' END, 'b-' || n,
                100 + n % 10000, CASE WHEN n % 4 = 0 THEN 'EUR' ELSE 'USD' END,
                CASE WHEN n % 5 = 0 THEN 'Failed' ELSE 'Success' END, 'w-' || n, ($2::uuid[])[1 + n % 3],
                t, t + interval '40 seconds', 'live', 'card', 'h2h'
           FROM generate_series(1, $3::int) n,
                LATERAL (SELECT '2025-01-01Z'::timestamptz + (n::float8 / $3 * 365 * 86400) * interval '1 second') x(t)`,
        [merchantId, gw, orders],
      ),
    );
    await step('ledger postings', () =>
      ds.query(
        `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key, created_at)
         SELECT o.merchant_id, 'live', o.currency, p.amount, p.kind, o.id, o.id || ':' || p.kind, o.updated_at
           FROM orders o, LATERAL (VALUES
                  (o.direction, CASE WHEN o.direction = 'deposit' THEN o.amount_minor ELSE -o.amount_minor END),
                  ('commission', -(1 + o.amount_minor / 100))) p(kind, amount)
          WHERE o.merchant_id = $1 AND o.status = 'Success'`,
        [merchantId],
      ),
    );
    if (viaBackfill) {
      await step('histories (created, create, final)', () =>
        ds.query(
          `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
           SELECT o.id, s.seq, s.code, s.status, s.status, o.created_at + s.after * interval '1 second', s.details::jsonb,
                  CASE WHEN s.seq > 1 THEN o.gateway_id END
             FROM orders o, LATERAL (VALUES
                    (1, '1.1.1.00', 'Created', 0, '{}'),
                    (2, '2.1.2.00', 'Processing', 1, '{}'),
                    (3, CASE WHEN o.status = 'Success' THEN '5.1.3.00' ELSE '2.2.4.63' END, o.status, 40,
                     CASE WHEN o.status = 'Failed' THEN '{"pspCode":"insufficient_funds"}' ELSE '{}' END)) s(seq, code, status, after, details)
            WHERE o.merchant_id = $1`,
          [merchantId],
        ),
      );
      await step('counted by the migration backfill', () => ds.transaction((tx) => backfillReports(tx)));
    } else {
      // The facts the worker's countOrder would write for these orders (one history-free final entry each).
      await step('facts', () =>
        ds.query(
          `INSERT INTO report_order_facts (order_id, merchant_id, mode, currency, direction, gateway, method, flow, hour,
                                           status, reason, psp_code, gateway_position, final_at, created_at,
                                           amount_minor, turnover_minor, commission_minor, net_minor, duration_ms,
                                           form_created, form_visited, form_submitted, form_3ds, form_cancelled,
                                           form_refusals)
           SELECT o.id, o.merchant_id, o.mode, o.currency, o.direction, o.gateway_id::text, o.method, o.flow,
                  date_trunc('hour', o.updated_at, 'UTC'), o.status,
                  CASE WHEN o.status = 'Failed' THEN '63' ELSE '' END,
                  CASE WHEN o.status = 'Failed' THEN 'insufficient_funds' ELSE '' END, 1, o.updated_at, o.created_at,
                  o.amount_minor, abs(coalesce(m.principal, 0)), coalesce(m.commission, 0), coalesce(m.net, 0), 40000,
                  false, false, false, false, false, 0
             FROM orders o LEFT JOIN (
                    SELECT order_id, sum(amount_minor) FILTER (WHERE kind <> 'commission') AS principal,
                           -coalesce(sum(amount_minor) FILTER (WHERE kind = 'commission'), 0) AS commission,
                           sum(amount_minor) AS net
                      FROM ledger_postings WHERE merchant_id = $1 GROUP BY order_id) m ON m.order_id = o.id
            WHERE o.merchant_id = $1`,
          [merchantId],
        ),
      );
      await step('hourly sums', () => sumFactsIntoHourly(ds));
    }
    await ds.query('ANALYZE');
    const [{ rows }] = await ds.query(`SELECT count(*)::int AS rows FROM report_hourly`);
    say(`report_hourly rows: ${rows}`);
    const q = { from: '2025-01-01', to: '2025-12-31', timeZone: 'Europe/Moscow', merchantId };
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t = performance.now();
      const summary = await summaryReport(ds, q);
      times.push(performance.now() - t);
      if (run === 0) say(`summary: ${summary.rows.map((r) => `${r.currency} ${r.direction} ${r.orders}`).join(', ')}`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    say(
      `summary report over a year (${orders} orders), 5 runs: median ${Math.round(sorted[2]!)} ms, ` +
        `first ${Math.round(times[0]!)} ms, max ${Math.round(sorted[4]!)} ms`,
    );
    // The summary's two parts: the hourly sums and the balances, a sum over the merchant's ledger postings.
    const year = { start: new Date('2024-12-31T21:00:00Z'), end: new Date('2025-12-31T21:00:00Z') };
    await step('of which the ledger balances', () => ledgerBalances(ds, merchantId, year.start, year.end));
    await step('payment analytics over the year', () => paymentAnalytics(ds, q));
  } finally {
    await ds.destroy();
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
