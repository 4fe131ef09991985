/**
 * The balance micro-benchmark (docs/benchmarks.md, "Payout balance"): a payout's balance check and hold
 * (`holdFunds`, the activity itself, straight on PostgreSQL) on a merchant with a million postings in one currency,
 * one at a time for its latency, then many at once on the same balance for holds per second, and the running
 * balance compared with the sum of postings and holds afterwards. `npm run bench -- --balance` runs it alone on a
 * PostgreSQL of its own; a full run runs it last, on the stack's database.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { fundsActivities } from '../activities/operations/ledger';
import { balanceFromPostings, readBalance } from '../data/ledger';
import type { HoldResult } from '../domain/operations-contract';
import { createDataSource, runMigrations } from '../entities/data-source';
import { freePort } from '../infra/net';
import { EmbeddedPostgres } from '../infra/postgres/embedded-postgres';
import { randomSecret } from '../infra/security/api-keys';
import { type LatencySummary, summarize } from './stats';

export interface BalanceBenchOptions {
  /** Postings of the merchant and currency before the first hold. */
  postings: number;
  /** Holds one at a time (latency). */
  sequentialHolds: number;
  /** Holds on the same balance, `concurrency` in flight (throughput). */
  concurrentHolds: number;
  concurrency: number;
}

export const BALANCE_DEFAULTS: BalanceBenchOptions = {
  postings: 1_000_000,
  sequentialHolds: 400,
  concurrentHolds: 2_000,
  concurrency: 32,
};
export const BALANCE_QUICK: BalanceBenchOptions = { ...BALANCE_DEFAULTS, sequentialHolds: 150, concurrentHolds: 600 };

export interface BalanceBenchResult {
  postings: number;
  /** Seconds to write the postings (one INSERT … SELECT generate_series) and their running balance. */
  seedS: number;
  /** The check the running balance replaced: the sum of the postings and open holds, one at a time. */
  sumMs?: LatencySummary;
  /** `holdFunds` one at a time: read the order's hold, its commission, then the one-statement check and hold. */
  holdMs?: LatencySummary;
  /**
   * The same, interleaved with those, on a balance of only SMALL_POSTINGS postings: the same figure means the
   * hold does not depend on the postings; what both take is the machine's.
   */
  smallHoldMs?: LatencySummary;
  /** A `SELECT 1` round trip, interleaved too: the floor under the three statements of a hold. */
  roundTripMs?: LatencySummary;
  concurrent: {
    holds: number;
    concurrency: number;
    seconds: number;
    perSecond: number;
    placed: number;
    latencyMs?: LatencySummary;
  };
  /** Running balance after the run = sum of postings and open holds, and = opening − every hold placed. */
  exact: boolean;
  /** How far off it is, minor units: from the sum, plus from opening − holds placed (0 when exact). */
  offMinor: number;
  /** PostgreSQL's durability in this run. */
  durable: boolean;
}

const HOLD_MINOR = 1_000;
const SMALL_POSTINGS = 1_000;
const POSTING_MINOR = 100;

/** Runs the micro-benchmark on `ds` (migrated), with a merchant of its own. */
export async function runBalanceBench(
  ds: DataSource,
  options: BalanceBenchOptions & { durable: boolean },
  say: (line: string) => void,
): Promise<BalanceBenchResult> {
  const merchantId = randomUUID();
  const small = randomUUID();
  const key = { merchantId, mode: 'sandbox' as const, currency: 'USD' };
  const smallKey = { ...key, merchantId: small };
  const orders = options.sequentialHolds + options.concurrentHolds;
  // Set-up writes directly (docs/data-ownership.md): a million postings in one statement, their running balance
  // from their sum, and the payout orders the holds belong to.
  const t0 = performance.now();
  for (const [id, postings, holds] of [
    [merchantId, options.postings, orders],
    [small, SMALL_POSTINGS, options.sequentialHolds],
  ] as const) {
    await ds.query(`INSERT INTO merchants (id, name) VALUES ($1, $2)`, [id, `balance bench ${id}`]);
    await ds.query(
      `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key)
       SELECT $1, 'sandbox', 'USD', $2, 'bench_seed', NULL, $4 || i FROM generate_series(1, $3) AS i`,
      [id, POSTING_MINOR, postings, `${id}:seed:`],
    );
    await ds.query(
      `INSERT INTO merchant_balances (merchant_id, mode, currency, posted_minor)
       SELECT $1, 'sandbox', 'USD', sum(amount_minor) FROM ledger_postings
        WHERE merchant_id = $1 AND mode = 'sandbox' AND currency = 'USD'`,
      [id],
    );
    await ds.query(
      `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                           workflow_id, mode)
       SELECT id, $1, 'payout', 'balance-bench-' || id, $2, 'USD', 'Processing', 'payout-' || id, 'sandbox'
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $3)) o`,
      [id, HOLD_MINOR, holds],
    );
  }
  await ds.query(`ANALYZE ledger_postings; ANALYZE balance_holds; ANALYZE orders; ANALYZE merchant_balances`);
  const seedS = (performance.now() - t0) / 1000;
  say(`balance: ${options.postings} postings seeded in ${seedS.toFixed(1)} s`);
  const orderIdsOf = async (id: string): Promise<string[]> =>
    (await ds.query(`SELECT id FROM orders WHERE merchant_id = $1 ORDER BY id`, [id])).map((r: { id: string }) => r.id);
  const orderIds = await orderIdsOf(merchantId);
  const smallOrderIds = await orderIdsOf(small);
  const opening = await readBalance(ds, key);

  const sums: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await balanceFromPostings(ds, key);
    sums.push(performance.now() - t);
  }

  const funds = fundsActivities(ds);
  const hold = async (orderId: string, on = key): Promise<{ ms: number; result: HoldResult }> => {
    const t = performance.now();
    const result = await funds.holdFunds({ orderId, ...on, amountMinor: HOLD_MINOR });
    return { ms: performance.now() - t, result };
  };
  const sequential = orderIds.slice(0, options.sequentialHolds);
  const warmup = Math.min(20, Math.floor(sequential.length / 5));
  const holdMs: number[] = [];
  const smallHoldMs: number[] = [];
  const roundTripMs: number[] = [];
  let placed = 0;
  // Interleaved, so that the three series see the same noise of a shared machine.
  for (const [i, orderId] of sequential.entries()) {
    const { ms, result } = await hold(orderId);
    if (result.ok) placed += 1;
    const smallHold = await hold(smallOrderIds[i]!, smallKey);
    const t = performance.now();
    await ds.query('SELECT 1');
    const roundTrip = performance.now() - t;
    if (i < warmup) continue;
    holdMs.push(ms);
    smallHoldMs.push(smallHold.ms);
    roundTripMs.push(roundTrip);
  }
  const holdSummary = summarize(holdMs);
  say(`balance: hold one at a time p50 ${holdSummary?.p50.toFixed(2)} ms, p99 ${holdSummary?.p99.toFixed(2)} ms`);

  const concurrentIds = orderIds.slice(options.sequentialHolds);
  const concurrentMs: number[] = [];
  let next = 0;
  let concurrentPlaced = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, concurrentIds.length) }, async () => {
      while (next < concurrentIds.length) {
        const { ms, result } = await hold(concurrentIds[next++]!);
        concurrentMs.push(ms);
        if (result.ok) concurrentPlaced += 1;
      }
    }),
  );
  const seconds = (performance.now() - t1) / 1000;
  const perSecond = concurrentIds.length / seconds;
  say(`balance: ${concurrentIds.length} holds, ${options.concurrency} in flight: ${perSecond.toFixed(0)} holds/s`);

  const after = await readBalance(ds, key);
  const summed = await balanceFromPostings(ds, key);
  const expected = opening.availableMinor - BigInt((placed + concurrentPlaced) * HOLD_MINOR);
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const offMinor = Number(
    abs(after.postedMinor - summed.postedMinor) +
      abs(after.heldMinor - summed.heldMinor) +
      abs(after.availableMinor - expected),
  );
  // Every hold fits the opening balance: one refused would be a lost update too.
  const exact = offMinor === 0 && placed + concurrentPlaced === orders;
  return {
    postings: options.postings,
    seedS,
    sumMs: summarize(sums),
    holdMs: holdSummary,
    smallHoldMs: summarize(smallHoldMs),
    roundTripMs: summarize(roundTripMs),
    concurrent: {
      holds: concurrentIds.length,
      concurrency: options.concurrency,
      seconds,
      perSecond,
      placed: concurrentPlaced,
      latencyMs: summarize(concurrentMs),
    },
    exact,
    offMinor,
    durable: options.durable,
  };
}

/**
 * `--balance` alone: a PostgreSQL of its own in a temporary folder on a free loopback port (durable as `npm start`
 * unless `pgEphemeral`), migrated, the benchmark, then everything stopped and removed.
 */
export async function runBalanceBenchAlone(
  options: BalanceBenchOptions & { pgEphemeral: boolean },
  say: (line: string) => void,
  onStop: (stop: () => Promise<void>) => void,
): Promise<BalanceBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-bench-balance-'));
  // PostgreSQL runs as its own user when we are root; it must be able to reach its data folder.
  await chmod(dir, 0o755);
  let pg: EmbeddedPostgres | undefined;
  let ds: DataSource | undefined;
  const stop = async () => {
    await ds?.destroy().catch(() => undefined);
    ds = undefined;
    await pg?.stop().catch(() => undefined);
    pg = undefined;
    await rm(dir, { recursive: true, force: true });
  };
  onStop(stop);
  try {
    pg = await EmbeddedPostgres.start({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      password: randomSecret(),
      ephemeral: options.pgEphemeral,
    });
    await pg.ensureDatabase('paystar');
    ds = await createDataSource(pg.url('paystar'), {
      poolSize: options.concurrency + 2,
      applicationName: 'paystar-bench-balance',
    }).initialize();
    await runMigrations(ds);
    say(`balance: PostgreSQL ${options.pgEphemeral ? '(fsync off)' : '(durable, as npm start)'} up and migrated`);
    return await runBalanceBench(ds, { ...options, durable: !options.pgEphemeral }, say);
  } finally {
    await stop();
  }
}
