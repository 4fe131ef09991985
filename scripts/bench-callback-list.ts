/**
 * `npm run bench:callback-list [-- --orders N]`: the merchant cabinet's callback deliveries at scale
 * (docs/web-app.md). On a throwaway embedded PostgreSQL it creates 3 merchants of N orders each (default 100,000)
 * with two delivery attempts per order (a failure, then a delivery), ANALYZEs, then times `listDeliveries` (five
 * calls each, 50 a page) for one merchant: the first page, its failed attempts, a page at offset 10,000, and one
 * order's attempts. Bounded: stops itself after 20 minutes.
 */
import { countArg, startBulkDatabase, timeRuns } from '../bench/bulk-database';
import { listDeliveries } from '../data/callback-deliveries';

const say = (line: string) => console.log(`[bench:callback-list] ${line}`);

async function main(): Promise<void> {
  const perMerchant = countArg('--orders', 100_000, 1_000, 2_000_000);
  const db = await startBulkDatabase('paystar_bench_callback_list', say);
  try {
    const merchants: Array<{ id: string }> = await db.ds.query(
      `INSERT INTO merchants (name) SELECT 'bench ' || m FROM generate_series(1, 3) m RETURNING id`,
    );
    const ids = merchants.map((m) => m.id);
    await db.step(
      `${perMerchant * 3} orders`,
      `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                           workflow_id, created_at, updated_at, mode, method, flow)
       SELECT gen_random_uuid(), ($1::uuid[])[1 + n % 3], 'deposit', 'b-' || n, 100 + n % 1000, 'USD', 'Success',
              'w-' || n, t, t, 'sandbox', 'card', 'h2h'
         FROM generate_series(1, $2::int) n,
              LATERAL (SELECT '2025-01-01Z'::timestamptz + n * interval '10 seconds') x(t)`,
      [ids, perMerchant * 3],
    );
    await db.step(
      `${perMerchant * 6} delivery attempts`,
      `INSERT INTO merchant_callback_deliveries
         (order_id, merchant_id, event_id, attempt, url, outcome, code, http_status, error, duration_ms, attempted_at)
       SELECT o.id, o.merchant_id, 'evt-' || o.id, a.n, 'https://shop.example/cb',
              CASE a.n WHEN 1 THEN 'failed' ELSE 'delivered' END, CASE a.n WHEN 1 THEN '1.2.4.91' END,
              CASE a.n WHEN 1 THEN 500 ELSE 200 END, CASE a.n WHEN 1 THEN 'HTTP 500' END, 40,
              o.created_at + a.n * interval '30 seconds'
         FROM orders o, generate_series(1, 2) a(n)`,
    );
    await db.step('ANALYZE', 'ANALYZE orders; ANALYZE merchant_callback_deliveries');
    const [merchantId] = ids;
    const [someOrder]: Array<{ id: string }> = await db.ds.query(
      `SELECT id FROM orders WHERE merchant_id = $1 ORDER BY created_at LIMIT 1 OFFSET 500`,
      [merchantId],
    );
    const time = async (name: string, f: Parameters<typeof listDeliveries>[2]) => {
      const { last, range } = await timeRuns(5, () => listDeliveries(db.ds, merchantId!, f));
      say(`${name}: ${last.length} rows, ${range}`);
    };
    await time('first page', { limit: 50, offset: 0 });
    await time('failed attempts', { outcome: 'failed', limit: 50, offset: 0 });
    await time('a page at offset 10,000', { limit: 50, offset: 10_000 });
    await time("one order's attempts", { orderId: someOrder!.id, limit: 50, offset: 0 });
  } finally {
    await db.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
