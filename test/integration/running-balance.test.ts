import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { fundsActivities } from '../../activities/operations/ledger';
import { type BalanceKey, balanceFromPostings, readBalance } from '../../data/ledger';
import { CODES } from '../../domain/history-codes';
import type { FundsRequest } from '../../domain/operations-contract';
import type { Direction } from '../../domain/order';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { createThrowawayDatabase, undoMigrationsThrough } from '../helpers/database';
import { fromSetup, TEST_DATABASE_URL } from '../setup/services';
import { createMerchant, fundMerchant, insertOrder } from '../helpers/operations-fixtures';

/**
 * The running balance (merchant_balances, data/ledger.ts) against the sum it replaced: after any mix of deposits,
 * holds, releases and settlements — concurrent, retried, racing each other — every balance equals its postings
 * minus its open holds, and no hold ever takes it below zero.
 */

let ds: DataSource;
let funds: ReturnType<typeof fundsActivities>;

beforeAll(async () => {
  // Enough connections for the concurrent holds to really queue on the balance row, not on the pool.
  ds = await createDataSource(fromSetup(TEST_DATABASE_URL), { poolSize: 24 }).initialize();
  funds = fundsActivities(ds);
});
afterAll(() => ds?.destroy());

const BALANCES: ReadonlyArray<Omit<BalanceKey, 'merchantId'>> = [
  { mode: 'sandbox', currency: 'USD' },
  { mode: 'live', currency: 'USD' },
  { mode: 'sandbox', currency: 'EUR' },
];

async function setCommission(merchantId: string, direction: Direction, percent: string, fixedMinor: number) {
  await ds.query(`INSERT INTO commissions (merchant_id, direction, percent, fixed_minor) VALUES ($1, $2, $3, $4)`, [
    merchantId,
    direction,
    percent,
    fixedMinor,
  ]);
}

async function orderFor(merchantId: string, direction: Direction, b: number, amountMinor: number) {
  const { mode, currency } = BALANCES[b]!;
  const orderId = await insertOrder(ds, { merchantId, direction, amountMinor, currency, mode });
  return { orderId, merchantId, currency, amountMinor, mode } satisfies FundsRequest;
}

/** The running balance equals the postings' and holds' sum, and is not negative. */
async function expectConsistent(merchantId: string) {
  for (const b of BALANCES) {
    const key = { merchantId, ...b };
    const running = await readBalance(ds, key);
    expect({ key, ...running }).toEqual({ key, ...(await balanceFromPostings(ds, key)) });
    expect(running.availableMinor).toBeGreaterThanOrEqual(0n);
    expect(running.heldMinor).toBeGreaterThanOrEqual(0n);
  }
}

type Op =
  | { kind: 'deposit'; balance: number; amount: number }
  | { kind: 'hold'; balance: number; amount: number }
  | { kind: 'release'; pick: number }
  | { kind: 'settle'; pick: number; paidShare: number }
  | { kind: 'retry'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('deposit' as const),
    balance: fc.nat(2),
    amount: fc.integer({ min: 100, max: 50_000 }),
  }),
  fc.record({ kind: fc.constant('hold' as const), balance: fc.nat(2), amount: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), paidShare: fc.constantFrom(1, 1, 0.5) }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
);

/** Outcomes an activity may answer with in a race; anything else fails the run. */
const EXPECTED_FAILURES = new Set(['HoldReleased', 'HoldNotFound']);

describe('the running balance', () => {
  test('equals the sum of postings and open holds after any mix of concurrent, retried money movements', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.record({ op: opArb, twice: fc.boolean() }), { minLength: 1, maxLength: 8 }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (opening, batches) => {
          const merchantId = await createMerchant(ds);
          await setCommission(merchantId, 'deposit', '2.5', 10);
          await setCommission(merchantId, 'payout', '1', 5);
          for (const [b, amount] of opening.entries()) {
            if (amount > 0) await fundMerchant(ds, merchantId, BALANCES[b]!.currency, amount, BALANCES[b]!.mode);
          }
          const holds: FundsRequest[] = [];
          const done: Array<() => Promise<unknown>> = [];
          for (const batch of batches) {
            // Orders are made first; then the batch runs at once, each call twice concurrently when `twice` (an
            // activity retried while its first attempt still runs).
            const calls: Array<() => Promise<unknown>> = [];
            for (const { op, twice } of batch) {
              let call: (() => Promise<unknown>) | undefined;
              if (op.kind === 'deposit') {
                const req = await orderFor(merchantId, 'deposit', op.balance, op.amount);
                call = () => funds.creditDeposit(req);
              } else if (op.kind === 'hold') {
                const req = await orderFor(merchantId, 'payout', op.balance, op.amount);
                holds.push(req);
                call = () => funds.holdFunds(req);
              } else if (op.kind === 'release' && holds.length > 0) {
                const req = holds[op.pick % holds.length]!;
                call = () => funds.releaseHeldFunds(req);
              } else if (op.kind === 'settle' && holds.length > 0) {
                const req = holds[op.pick % holds.length]!;
                const settledAmountMinor = Math.max(1, Math.floor(req.amountMinor * op.paidShare));
                call = () => funds.settleHeldFunds({ ...req, settledAmountMinor });
              } else if (op.kind === 'retry' && done.length > 0) {
                call = done[op.pick % done.length];
              }
              if (!call) continue;
              calls.push(call);
              if (twice) calls.push(call);
              done.push(call);
            }
            const outcomes = await Promise.allSettled(calls.map((c) => c()));
            for (const o of outcomes) {
              if (o.status === 'rejected' && !EXPECTED_FAILURES.has((o.reason as { type?: string }).type ?? '')) {
                throw o.reason;
              }
            }
            await expectConsistent(merchantId);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 300_000);

  test('150 concurrent holds (each also retried at once) on one balance: exactly those that fit, no overdraft', async () => {
    const merchantId = await createMerchant(ds);
    await setCommission(merchantId, 'payout', '0', 10);
    // 100 holds of 990 + 10 commission fit, with 500 left over; the 50 others are refused.
    await fundMerchant(ds, merchantId, 'USD', 100 * 1000 + 500);
    const requests = await Promise.all(Array.from({ length: 150 }, () => orderFor(merchantId, 'payout', 0, 990)));
    const results = await Promise.all(requests.flatMap((req) => [funds.holdFunds(req), funds.holdFunds(req)]));

    const placed = new Set(requests.filter((_, i) => results[2 * i]!.ok).map((r) => r.orderId));
    expect(placed.size).toBe(100);
    // Both attempts of an order agree, and every refusal is the balance's.
    requests.forEach((_, i) => expect(results[2 * i + 1]!.ok).toBe(results[2 * i]!.ok));
    // Every refusal is the balance's, and tells the 500 left (it only ever fell in steps of 1000 from 100 500).
    for (const r of results)
      if (!r.ok) expect(r).toEqual({ ok: false, code: CODES.PRECHECK_BALANCE, availableMinor: 500 });
    const key = { merchantId, mode: 'sandbox' as const, currency: 'USD' };
    expect(await readBalance(ds, key)).toEqual({ postedMinor: 100_500n, heldMinor: 100_000n, availableMinor: 500n });
    expect(await balanceFromPostings(ds, key)).toEqual(await readBalance(ds, key));
    const [row]: Array<{ n: number }> = await ds.query(
      `SELECT count(*)::int AS n FROM balance_holds WHERE merchant_id = $1 AND status = 'held'`,
      [merchantId],
    );
    expect(row?.n).toBe(100);

    // And back: settling half and releasing the rest, all at once, leaves exactly the settled money gone.
    const held = requests.filter((r) => placed.has(r.orderId));
    await Promise.all(held.map((req, i) => (i % 2 === 0 ? funds.settleHeldFunds(req) : funds.releaseHeldFunds(req))));
    expect(await readBalance(ds, key)).toEqual({ postedMinor: 50_500n, heldMinor: 0n, availableMinor: 50_500n });
    expect(await balanceFromPostings(ds, key)).toEqual(await readBalance(ds, key));
  });
});

describe('the migration', () => {
  test('backfills each balance from the postings and open holds already there', async () => {
    const database = await createThrowawayDatabase('running_balances');
    const fresh = await createDataSource(database.url, { poolSize: 2 }).initialize();
    try {
      await runMigrations(fresh);
      // Back to the schema before it, with money written the way the previous release wrote it.
      await undoMigrationsThrough(fresh, 'RunningBalances1764700000200');
      const merchantId = await createMerchant(fresh);
      const other = await createMerchant(fresh);
      const order = (mode: 'sandbox' | 'live', amountMinor: number) =>
        insertOrder(fresh, { merchantId, direction: 'payout', amountMinor, mode });
      await fresh.query(
        `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, idempotency_key)
         VALUES ($1, 'sandbox', 'USD', 10000, 'adjustment', 'a1'), ($1, 'sandbox', 'USD', -250, 'payout', 'a2'),
                ($1, 'live', 'USD', 7000, 'adjustment', 'a3'), ($1, 'sandbox', 'EUR', 300, 'adjustment', 'a4'),
                ($2, 'sandbox', 'USD', 42, 'adjustment', 'a5')`,
        [merchantId, other],
      );
      const holds: Array<['sandbox' | 'live', number, number, string]> = [
        ['sandbox', 1000, 10, 'held'],
        ['sandbox', 500, 0, 'released'],
        ['sandbox', 250, 0, 'settled'],
        ['live', 2000, 20, 'held'],
      ];
      for (const [mode, amount, commission, status] of holds) {
        await fresh.query(
          `INSERT INTO balance_holds (order_id, merchant_id, mode, currency, amount_minor, commission_minor, status,
                                      resolved_at)
           VALUES ($1, $2, $3, 'USD', $4, $5, $6, CASE WHEN $6 = 'held' THEN NULL ELSE now() END)`,
          [await order(mode, amount), merchantId, mode, amount, commission, status],
        );
      }
      await runMigrations(fresh);
      const rows: Array<{ merchant_id: string; mode: string; currency: string; posted: string; held: string }> =
        await fresh.query(
          `SELECT merchant_id, mode, currency, posted_minor::text AS posted, held_minor::text AS held
             FROM merchant_balances ORDER BY merchant_id = $1 DESC, mode, currency`,
          [merchantId],
        );
      expect(
        rows.map((r) => [r.merchant_id === merchantId ? 'm' : 'other', r.mode, r.currency, r.posted, r.held]),
      ).toEqual([
        ['m', 'live', 'USD', '7000', '2020'],
        ['m', 'sandbox', 'EUR', '300', '0'],
        ['m', 'sandbox', 'USD', '9750', '1010'],
        ['other', 'sandbox', 'USD', '42', '0'],
      ]);
    } finally {
      await fresh.destroy();
      await database.drop();
    }
  });
});
