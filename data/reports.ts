import type { DataSource } from 'typeorm';
import type { Queryable } from './ledger';

/**
 * The reports' figures (issue 18, docs/reports.md): the one module that writes `report_order_facts` and
 * `report_hourly`, and the one that reads them. It is the seam a deployment that outgrows PostgreSQL moves: the
 * write (`countOrder`) would append the same fact rows to ClickHouse (a ReplacingMergeTree keyed by order, summed by
 * a materialized view per hour) and the reads below would run there; nothing else in the engine knows these tables.
 *
 * Each final order has one fact row (the "counted" marker, unique per order) holding its contribution; the hourly
 * table holds the sums of the facts by merchant, mode, currency, direction, gateway, method, flow, UTC hour of the
 * final status, status, decline reason, PSP code and the gateway's position in the cascade. `countOrder` computes the
 * order's contribution now (from its row, its history and its ledger postings) and, in one transaction holding the
 * order row's lock, moves the hourly sums by the difference from the contribution already counted: a retry counts
 * nothing twice, a correction (a reconciled order whose final status or money changed) subtracts the old and adds
 * the new.
 */

/** The contribution of each final order matched by `where` (over `orders o`), as fact rows. */
export const FACT_SELECT = (where: string) => `
  WITH o AS (SELECT * FROM orders o WHERE o.status IN ('Success', 'Failed') AND ${where}),
  fin AS (
    SELECT DISTINCT ON (h.order_id) h.order_id, h.seq, h.code, h.occurred_at
      FROM order_history h JOIN o ON o.id = h.order_id
     WHERE h.order_status = o.status ORDER BY h.order_id, h.seq),
  hist AS (
    SELECT h.order_id,
           bool_or(h.code = '3.1.1.00') AS form_created,
           bool_or(h.code = '3.0.1.51') AS form_visited,
           bool_or(h.code = '3.1.1.55') AS form_submitted,
           bool_or(h.code IN ('3.2.4.56', '3.2.4.57', '3.0.1.58')) AS form_3ds,
           bool_or(h.code = '3.0.4.54') AS form_cancelled,
           count(*) FILTER (WHERE h.code = '3.2.1.59')::int AS form_refusals,
           (array_agg(right(h.code, 2) ORDER BY h.seq DESC)
              FILTER (WHERE h.seq <= fin.seq AND split_part(h.code, '.', 3) = '4' AND right(h.code, 2) <> '00'
                        AND left(right(h.code, 2), 1) <> '7'))[1] AS decline_rr,
           (array_agg(h.details->>'pspCode' ORDER BY h.seq DESC)
              FILTER (WHERE h.seq <= fin.seq AND h.details ? 'pspCode'))[1] AS psp_code
      FROM order_history h JOIN fin ON fin.order_id = h.order_id GROUP BY h.order_id),
  firsts AS (
    SELECT h.order_id, h.gateway_id, min(h.seq) AS first_seq
      FROM order_history h JOIN o ON o.id = h.order_id WHERE h.gateway_id IS NOT NULL GROUP BY 1, 2),
  money AS (
    SELECT p.order_id,
           sum(p.amount_minor) FILTER (WHERE p.kind IN ('deposit', 'payout')) AS principal,
           -coalesce(sum(p.amount_minor) FILTER (WHERE p.kind = 'commission'), 0) AS commission,
           sum(p.amount_minor) AS net
      FROM ledger_postings p
      -- By the postings' idempotency keys (unique index; ledger_postings has no index on order_id), the order's own.
      JOIN o ON p.idempotency_key IN (o.id || ':deposit', o.id || ':payout', o.id || ':commission')
            AND p.order_id = o.id
     GROUP BY p.order_id)
  SELECT o.id AS order_id, o.merchant_id, coalesce(o.mode, 'sandbox') AS mode, o.currency, o.direction,
         coalesce(o.gateway_id::text, '') AS gateway, coalesce(o.method, '') AS method,
         coalesce(o.flow, 'h2h') AS flow, o.status,
         CASE WHEN o.status = 'Failed' THEN coalesce(hist.decline_rr, right(fin.code, 2)) ELSE '' END AS reason,
         CASE WHEN o.status = 'Failed' THEN coalesce(hist.psp_code, '') ELSE '' END AS psp_code,
         coalesce((SELECT count(*) FROM firsts f2 WHERE f2.order_id = o.id
                     AND f2.first_seq <= (SELECT f1.first_seq FROM firsts f1
                                           WHERE f1.order_id = o.id AND f1.gateway_id = o.gateway_id)), 0)::int
           AS gateway_position,
         date_trunc('hour', fin.occurred_at, 'UTC') AS hour, fin.occurred_at AS final_at, o.created_at,
         greatest(0, (extract(epoch FROM fin.occurred_at - o.created_at) * 1000)::bigint) AS duration_ms,
         o.amount_minor,
         abs(coalesce(money.principal, 0)) AS turnover_minor, coalesce(money.commission, 0) AS commission_minor,
         coalesce(money.net, 0) AS net_minor,
         coalesce(hist.form_created, false) AS form_created, coalesce(hist.form_visited, false) AS form_visited,
         coalesce(hist.form_submitted, false) AS form_submitted, coalesce(hist.form_3ds, false) AS form_3ds,
         coalesce(hist.form_cancelled, false) AS form_cancelled, coalesce(hist.form_refusals, 0) AS form_refusals
    FROM o JOIN fin ON fin.order_id = o.id LEFT JOIN hist ON hist.order_id = o.id
    LEFT JOIN money ON money.order_id = o.id`;

/** The dimensions of an hourly row, in the order of its primary key. */
export const DIMENSIONS = [
  'merchant_id',
  'mode',
  'currency',
  'direction',
  'gateway',
  'method',
  'flow',
  'hour',
  'status',
  'reason',
  'psp_code',
  'gateway_position',
] as const;

/** The sums of an hourly row: each a fact's column (orders: 1 per fact; form_*: 1 when true). */
const MEASURES: Readonly<Record<string, string>> = {
  orders: '1',
  amount_minor: 'amount_minor',
  turnover_minor: 'turnover_minor',
  commission_minor: 'commission_minor',
  net_minor: 'net_minor',
  duration_ms: 'duration_ms',
  form_created: 'form_created::int',
  form_visited: 'form_visited::int',
  form_submitted: 'form_submitted::int',
  form_3ds: 'form_3ds::int',
  form_cancelled: 'form_cancelled::int',
  form_refusals: 'form_refusals',
};
const MEASURE_NAMES = Object.keys(MEASURES);
const FACT_COLUMNS = ['order_id', ...DIMENSIONS, 'final_at', 'created_at', ...MEASURE_NAMES.slice(1)];

/**
 * Adds the facts of `source` (a relation with the fact columns) to the hourly sums, times `sign` (1 adds, -1
 * subtracts). One statement.
 */
function moveHourly(source: string, sign: 1 | -1): string {
  const dims = DIMENSIONS.join(', ');
  const sums = MEASURE_NAMES.map((m) => `${sign} * sum(${MEASURES[m]})`).join(', ');
  const updates = MEASURE_NAMES.map((m) => `${m} = report_hourly.${m} + EXCLUDED.${m}`).join(', ');
  return `INSERT INTO report_hourly (${dims}, ${MEASURE_NAMES.join(', ')})
          SELECT ${dims}, ${sums} FROM ${source} GROUP BY ${dims}
          ON CONFLICT (${dims}) DO UPDATE SET ${updates}`;
}

/** Counts every final order (the migration's backfill, into empty tables). */
export async function backfillReports(q: Queryable): Promise<void> {
  const cols = FACT_COLUMNS.join(', ');
  await q.query(`INSERT INTO report_order_facts (${cols}) SELECT ${cols} FROM (${FACT_SELECT('true')}) n`);
  await sumFactsIntoHourly(q);
}

/** Adds every fact row to the hourly sums (the backfill's second half; the benchmark's too). */
export async function sumFactsIntoHourly(q: Queryable): Promise<void> {
  await q.query(moveHourly('report_order_facts', 1));
}

/** What {@link countOrder} did. */
export type CountResult = 'counted' | 'unchanged' | 'corrected' | 'not-final';

/**
 * Counts a final order's contribution into the report figures exactly once: idempotent under retries (the same
 * contribution changes nothing), and a changed contribution (a correction) moves the sums by the difference. Runs
 * in its own transaction, serialised per order by the order row's lock.
 */
export async function countOrder(dataSource: DataSource, orderId: string): Promise<CountResult> {
  const cols = FACT_COLUMNS.join(', ');
  const counted = `(SELECT ${cols} FROM report_order_facts WHERE order_id = $1) f`;
  return dataSource.transaction(async (tx) => {
    await tx.query(`SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, [orderId]);
    const [diff]: Array<{ new_rows: number; old_rows: number; changed: boolean }> = await tx.query(
      `WITH n AS (SELECT ${cols} FROM (${FACT_SELECT('o.id = $1')}) n), f AS (SELECT * FROM ${counted})
       SELECT (SELECT count(*) FROM n)::int AS new_rows, (SELECT count(*) FROM f)::int AS old_rows,
              EXISTS (SELECT * FROM n EXCEPT SELECT * FROM f) OR EXISTS (SELECT * FROM f EXCEPT SELECT * FROM n)
                AS changed`,
      [orderId],
    );
    const { new_rows, old_rows, changed } = diff!;
    if (!changed) return new_rows === 0 ? 'not-final' : 'unchanged';
    // A first count has nothing to take back: two statements fewer for most orders.
    if (old_rows > 0) {
      await tx.query(moveHourly(counted, -1), [orderId]);
      await tx.query(`DELETE FROM report_order_facts WHERE order_id = $1`, [orderId]);
    }
    await tx.query(`INSERT INTO report_order_facts (${cols}) SELECT ${cols} FROM (${FACT_SELECT('o.id = $1')}) n`, [
      orderId,
    ]);
    await tx.query(moveHourly(counted, 1), [orderId]);
    return old_rows === 0 ? 'counted' : 'corrected';
  });
}

/** A report's period: whole days `from`..`to` (inclusive) in an IANA zone; `merchantId` null: every merchant. */
export interface ReportQuery {
  from: string;
  to: string;
  timeZone: string;
  merchantId: string | null;
}

const num = (v: string | number | null | undefined): number => Number(v ?? 0);
const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000);

/**
 * The figures' source for a period: the hourly sums when every hour of the period starts on an hour of the zone
 * (zones with whole-hour offsets: an UTC hour lies within one local day), else the facts themselves, by their exact
 * final time (a zone with a half-hour offset, Asia/Kolkata: slower, still exact).
 */
async function sourceFor(db: Queryable, q: ReportQuery): Promise<{ source: string; start: Date; end: Date }> {
  const [b]: Array<{ start: Date; end: Date; whole: boolean }> = await db.query(
    `WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS start, ($2::date + 1)::timestamp AT TIME ZONE $3 AS "end")
     SELECT start, "end",
            (SELECT bool_and(extract(minute FROM (g AT TIME ZONE $3)) = 0)
               FROM generate_series(b.start, b."end", interval '1 hour') g) AS whole FROM b`,
    [q.from, q.to, q.timeZone],
  );
  const facts = `(SELECT ${DIMENSIONS.map((d) => (d === 'hour' ? 'final_at AS hour' : d)).join(', ')},
                         ${MEASURE_NAMES.map((m) => `${MEASURES[m]} AS ${m}`).join(', ')} FROM report_order_facts)`;
  return { source: b!.whole ? 'report_hourly' : facts, start: b!.start, end: b!.end };
}

/** WHERE over a source for the query: $1 start, $2 end, $3 merchant (or null), $4 zone. */
const PERIOD = `hour >= $1 AND hour < $2 AND ($3::uuid IS NULL OR merchant_id = $3::uuid)`;

/** Sums over a source grouped by `groups` (SQL expressions named in `names`). */
async function sums(db: Queryable, q: ReportQuery, groups: Record<string, string>, where = 'true') {
  const { source, start, end } = await sourceFor(db, q);
  const names = Object.keys(groups);
  const select = names.map((n) => `${groups[n]} AS ${n}`).join(', ');
  const rows: Array<Record<string, string>> = await db.query(
    `SELECT ${select}${names.length ? ',' : ''}
            sum(orders)::text AS orders,
            coalesce(sum(orders) FILTER (WHERE status = 'Success'), 0)::text AS successful,
            coalesce(sum(orders) FILTER (WHERE status = 'Failed'), 0)::text AS failed,
            sum(turnover_minor)::text AS turnover, sum(commission_minor)::text AS commission,
            sum(net_minor)::text AS net, sum(duration_ms)::text AS duration_ms,
            sum(form_created)::text AS form_created, sum(form_visited)::text AS form_visited,
            sum(form_submitted)::text AS form_submitted, sum(form_3ds)::text AS form_3ds,
            sum(form_cancelled)::text AS form_cancelled, sum(form_refusals)::text AS form_refusals,
            coalesce(sum(orders) FILTER (WHERE status = 'Failed' AND reason = '73'), 0)::text AS expired
       FROM ${source} s WHERE ${PERIOD} AND $4::text IS NOT NULL AND ${where}
      ${names.length ? `GROUP BY ${names.map((_, i) => i + 1).join(', ')} ORDER BY ${names.map((_, i) => i + 1).join(', ')}` : ''}`,
    [start, end, q.merchantId, q.timeZone],
  );
  return rows.filter((r) => num(r.orders) !== 0);
}

/** Orders, outcomes, conversion and money of one group. */
const outcome = (r: Record<string, string>) => {
  const orders = num(r.orders);
  const successful = num(r.successful);
  return {
    orders,
    successful,
    failed: num(r.failed),
    conversion: ratio(successful, orders),
    turnoverMinor: num(r.turnover),
    commissionMinor: num(r.commission),
    netMinor: num(r.net),
  };
};

/** Each merchant's balance (mode, currency) before `start` and before `end`: sums of the ledger's postings. */
export async function ledgerBalances(
  db: Queryable,
  merchantId: string | null,
  start: Date,
  end: Date,
): Promise<Array<Record<string, string>>> {
  return db.query(
    `SELECT merchant_id, mode, currency,
            coalesce(sum(amount_minor) FILTER (WHERE created_at < $1), 0)::text AS opening,
            sum(amount_minor)::text AS closing
       FROM ledger_postings WHERE created_at < $2 AND ($3::uuid IS NULL OR merchant_id = $3::uuid)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [start, end, merchantId],
  );
}

/** Summary report: per merchant, mode, currency and direction, per gateway too, and the balances it ties to. */
export async function summaryReport(db: Queryable, q: ReportQuery) {
  const key = { merchant_id: 'merchant_id', mode: 'mode', currency: 'currency', direction: 'direction' };
  const { start, end } = await sourceFor(db, q);
  // One pass over the hourly rows (per gateway; the totals are their sums) while the ledger is summed.
  const [byGateway, balances] = await Promise.all([
    sums(db, q, { ...key, gateway: 'gateway' }),
    ledgerBalances(db, q.merchantId, start, end),
  ]);
  const totals = new Map<string, Record<string, string>>();
  for (const r of byGateway) {
    const k = [r.merchant_id, r.mode, r.currency, r.direction].join('|');
    const t = totals.get(k) ?? {
      ...r,
      orders: '0',
      successful: '0',
      failed: '0',
      turnover: '0',
      commission: '0',
      net: '0',
    };
    for (const m of ['orders', 'successful', 'failed', 'turnover', 'commission', 'net']) {
      t[m] = String(num(t[m]) + num(r[m]));
    }
    totals.set(k, t);
  }
  const group = (r: Record<string, string>) => ({
    merchantId: r.merchant_id!,
    mode: r.mode!,
    currency: r.currency!.trim(),
    direction: r.direction!,
  });
  return {
    period: { from: q.from, to: q.to, timeZone: q.timeZone, start: start.toISOString(), end: end.toISOString() },
    rows: [...totals.values()].map((r) => ({ ...group(r), ...outcome(r) })),
    gateways: byGateway.map((r) => ({ ...group(r), gatewayId: r.gateway || null, ...outcome(r) })),
    balances: balances.map((r) => ({
      merchantId: r.merchant_id!,
      mode: r.mode!,
      currency: r.currency!.trim(),
      openingMinor: num(r.opening),
      closingMinor: num(r.closing),
    })),
  };
}

/** Payment analytics: conversion by gateway, method and hour of day, declines, cascade effect, time to final. */
export async function paymentAnalytics(db: Queryable, q: ReportQuery) {
  const conv = (r: Record<string, string>) => ({
    orders: num(r.orders),
    successful: num(r.successful),
    conversion: ratio(num(r.successful), num(r.orders)),
  });
  const byGateway = await sums(db, q, { gateway: 'gateway' });
  const byMethod = await sums(db, q, { method: 'method' });
  const byHour = await sums(db, q, { hour_of_day: `extract(hour FROM (hour AT TIME ZONE $4))::int` });
  const byReason = await sums(db, q, { reason: 'reason' }, `status = 'Failed'`);
  const byPspCode = await sums(db, q, { gateway: 'gateway', psp_code: 'psp_code' }, `status = 'Failed'`);
  const byPosition = await sums(db, q, { position: 'gateway_position' }, `status = 'Success'`);
  const { start, end } = await sourceFor(db, q);
  const [times]: Array<{ p50: number | null; p95: number | null }> = await db.query(
    `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p50,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p95
       FROM report_order_facts WHERE final_at >= $1 AND final_at < $2 AND ($3::uuid IS NULL OR merchant_id = $3::uuid)`,
    [start, end, q.merchantId],
  );
  const successful = byPosition.reduce((n, r) => n + num(r.orders), 0);
  const saved = byPosition.filter((r) => num(r.position) >= 2).reduce((n, r) => n + num(r.orders), 0);
  return {
    byGateway: byGateway.map((r) => ({ gatewayId: r.gateway || null, ...conv(r) })),
    byMethod: byMethod.map((r) => ({ method: r.method || null, ...conv(r) })),
    byHour: byHour.map((r) => ({ hour: num(r.hour_of_day), ...conv(r) })),
    declinesByReason: byReason.map((r) => ({ reason: r.reason!, orders: num(r.orders) })),
    declinesByPspCode: byPspCode.map((r) => ({
      gatewayId: r.gateway || null,
      pspCode: r.psp_code || null,
      orders: num(r.orders),
    })),
    cascade: {
      successful,
      savedByLaterGateway: saved,
      byPosition: byPosition.map((r) => ({ position: num(r.position), successful: num(r.orders) })),
    },
    timeToFinalMs: { p50: times?.p50 ?? null, p95: times?.p95 ?? null },
  };
}

/** Payment-form analytics: the hosted page's funnel per merchant and day (in the zone). */
export async function paymentFormAnalytics(db: Queryable, q: ReportQuery) {
  const rows = await sums(
    db,
    q,
    { merchant_id: 'merchant_id', day: `to_char((hour AT TIME ZONE $4)::date, 'YYYY-MM-DD')` },
    `flow = 'h2c' AND direction = 'deposit'`,
  );
  return {
    rows: rows.map((r) => {
      const visited = num(r.form_visited);
      const submitted = num(r.form_submitted);
      const cancelled = num(r.form_cancelled);
      return {
        merchantId: r.merchant_id!,
        day: r.day!,
        created: num(r.form_created),
        visited,
        submitted,
        threeDs: num(r.form_3ds),
        success: num(r.successful),
        cancelled,
        abandoned: Math.max(0, visited - submitted - cancelled),
        expired: num(r.expired),
        refusedCards: num(r.form_refusals),
      };
    }),
  };
}
