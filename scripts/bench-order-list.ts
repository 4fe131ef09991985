/**
 * `npm run bench:order-list [-- --orders N]`: the operators' order list at scale (docs/web-app.md). On a throwaway
 * embedded PostgreSQL it creates N orders (default 1,000,000) of 10 merchants over 5 gateways with three history
 * entries each (INSERT … SELECT generate_series), ANALYZEs, then times pages of GET /api/v1/admin/orders through the
 * HTTP API on loopback (five requests each, 50 orders a page): the first page, a page deep in the list, and the
 * first page under each filter of the list, the new ones (gateway, amount range, history code) included. Bounded:
 * stops itself after 20 minutes.
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createApp } from '../api/app';
import { connectTemporal } from '../api/temporal-connections';
import { countArg, startBulkDatabase, timeRuns } from '../bench/bulk-database';
import { devKeyring } from '../infra/security/keyring';

const say = (line: string) => console.log(`[bench:order-list] ${line}`);
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

async function main(): Promise<void> {
  const orders = countArg('--orders', 1_000_000, 1_000, 5_000_000);
  const db = await startBulkDatabase('paystar_bench_order_list', say);
  const { ds, step } = db;
  // Never reached: the list reads PostgreSQL only; a loopback address all the same.
  const temporal = connectTemporal('127.0.0.1:7', 'default', devKeyring());
  const server = createApp({
    dataSource: ds,
    temporal,
    logger: pino({ level: 'silent' }),
    taskQueue: 'bench',
    secretsKey: 'bench-secrets-key-0123456789abcdef0123456789',
    adminKey: ADMIN_KEY,
    keyring: devKeyring(),
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/admin/orders`;
  try {
    const merchants: Array<{ id: string }> = await ds.query(
      `INSERT INTO merchants (name) SELECT 'bench ' || m FROM generate_series(1, 10) m RETURNING id`,
    );
    const gateways: Array<{ id: string }> = await ds.query(
      `INSERT INTO gateways (code, name, connector, mode, settings)
       SELECT 'bench-' || g, 'bench ' || g, 'sandbox', 'sandbox', '{}' FROM generate_series(1, 5) g RETURNING id`,
    );
    // Newest orders last; one in five failed at the gateway (2.2.4.51), one in a thousand black-listed (1.2.4.42).
    await step(
      `${orders} orders`,
      `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                           workflow_id, gateway_id, created_at, updated_at, mode, method, flow)
       SELECT gen_random_uuid(), ($1::uuid[])[1 + n % 10], CASE WHEN n % 10 = 0 THEN 'payout' ELSE 'deposit' END,
              'b-' || n, 100 + (n::bigint * 7919) % 100000, CASE WHEN n % 4 = 0 THEN 'EUR' ELSE 'USD' END,
              CASE WHEN n % 5 = 0 OR n % 1000 = 1 THEN 'Failed' ELSE 'Success' END, 'w-' || n,
              CASE WHEN n % 1000 = 1 THEN NULL ELSE ($2::uuid[])[1 + n % 5] END, t, t + interval '40 seconds',
              'sandbox', 'card', 'h2h'
         FROM generate_series(1, $3::int) n,
              LATERAL (SELECT '2025-01-01Z'::timestamptz + (n::float8 / $3 * 365 * 86400) * interval '1 second') x(t)`,
      [merchants.map((m) => m.id), gateways.map((g) => g.id), orders],
    );
    await step(
      `${orders * 3} history entries`,
      `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
       SELECT o.id, s.seq, s.code, o.status, o.status, o.created_at, '{}', o.gateway_id
         FROM orders o, LATERAL (VALUES
                (1, '1.0.0.00'),
                (2, CASE WHEN o.gateway_id IS NULL THEN '1.0.1.00' ELSE '2.1.1.00' END),
                (3, CASE WHEN o.gateway_id IS NULL THEN '1.2.4.42'
                         WHEN o.status = 'Failed' THEN '2.2.4.51' ELSE '2.1.3.00' END)) s(seq, code)`,
    );
    await step('ANALYZE', 'ANALYZE orders; ANALYZE order_history');
    if (process.argv.includes('--explain')) await explain(ds, gateways[0]!.id);

    const time = async (name: string, query: string) => {
      const { last: body, range } = await timeRuns(5, async () => {
        const res = await fetch(`${base}?limit=50${query}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        const answer = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(answer)}`);
        return answer;
      });
      say(`${name}: ${body.items.length} orders, ${range}`);
      return body;
    };
    // The cursor the page before would give: the position of the row 90% down the list (api/admin/order-list.ts).
    const [deep]: Array<{ micros: string; id: string }> = await ds.query(
      `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros, id
         FROM orders ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [Math.floor(orders * 0.9)],
    );
    const cursor = Buffer.from(JSON.stringify([deep!.micros, deep!.id])).toString('base64url');
    const [m, g] = [merchants[0]!.id, gateways[0]!.id];
    await time('first page', '');
    await time(`a page after ${Math.floor(orders * 0.9)} orders`, `&cursor=${cursor}`);
    await time('failed orders', '&status=Failed');
    await time('one merchant', `&merchantId=${m}`);
    await time('one gateway', `&gatewayId=${g}`);
    await time('one gateway, deep', `&gatewayId=${g}&cursor=${cursor}`);
    await time('amount 500.00–600.00 USD', '&amountFrom=50000&amountTo=60000');
    await time('amount exactly 12345 (rare)', '&amountFrom=12345&amountTo=12345');
    await time('history code 2.2.4.51 (1 in 5)', '&historyCode=2.2.4.51');
    await time('history code 1.2.4.42 (1 in 1,000)', '&historyCode=1.2.4.42');
    await time('history code nobody has', '&historyCode=4.1.4.63');
    await time('code 2.2.4.51 of one merchant', `&historyCode=2.2.4.51&merchantId=${m}`);
    await time('gateway + amount + code', `&gatewayId=${g}&amountFrom=50000&historyCode=2.2.4.51`);
  } finally {
    server.closeAllConnections();
    server.close();
    await temporal.close();
    await db.stop();
  }
}

/** The plans of the filters that are rare enough to make the list look far (`--explain`). */
async function explain(ds: DataSource, gatewayId: string) {
  const page = (where: string) =>
    `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT o.id FROM orders o WHERE ${where}
      ORDER BY o.created_at DESC, o.id DESC LIMIT 51`;
  for (const [name, where] of [
    ['amount exactly 12345', `o.amount_minor >= 12345 AND o.amount_minor <= 12345`],
    // As api/admin/orders.ts asks for a code of few orders, and for a common one.
    ['history code 1.2.4.42', `o.id = ANY(ARRAY(SELECT order_id FROM order_history WHERE code = '1.2.4.42'))`],
    ['history code 2.2.4.51', `EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = o.id AND h.code = '2.2.4.51')`],
    ['gateway', `o.gateway_id = '${gatewayId}'`],
  ]) {
    const plan: Array<{ 'QUERY PLAN': string }> = await ds.query(page(where!));
    say(`plan of ${name}:\n  ${plan.map((r) => r['QUERY PLAN']).join('\n  ')}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
