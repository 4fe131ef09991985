import type { EntityManager } from 'typeorm';
import type { KeyMode } from '../domain/order';
import type { BalanceHoldEntity } from '../entities/balance-hold.entity';
import type { RowOf } from '../entities/rows';

/**
 * The ledger: postings, payout holds and the running balance they add up to (docs/data-ownership.md). This module
 * is the one writer of `ledger_postings`, `balance_holds` and `merchant_balances`, and every statement that writes a
 * posting or changes a hold moves the running balance in the same statement, by exactly what it wrote: a retried
 * call that writes nothing moves nothing. So `merchant_balances` always equals the sum of the postings and of the
 * open holds (`balanceFromPostings`, the sum it replaces; test/integration/running-balance.test.ts checks it).
 */

/** A DataSource or a transaction's EntityManager: anything that runs raw SQL. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * node-postgres returns bigint and numeric as strings; amounts beyond Number.MAX_SAFE_INTEGER are refused rather
 * than silently rounded (same rule as entities/columns.ts).
 */
export function toSafeInteger(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is not a safe integer`);
  return n;
}

/** One balance: a merchant's money of one mode in one currency. */
export interface BalanceKey {
  merchantId: string;
  mode: KeyMode;
  currency: string;
}

/** One ledger posting, written at most once per idempotency key. */
export interface Posting extends BalanceKey {
  /** Signed: credits positive, debits negative. */
  amountMinor: number | bigint;
  /** `deposit`, `payout`, `commission`; set-up code writes opening balances and adjustments under kinds of its own. */
  kind: string;
  /** Null for money not tied to an order (opening balances, adjustments). */
  orderId: string | null;
  idempotencyKey: string;
}

/** A balance as the running balance table holds it; bigints, a balance may exceed 2^53 minor units. */
export interface Balance {
  /** Sum of the postings. */
  postedMinor: bigint;
  /** Amount plus commission of the open holds. */
  heldMinor: bigint;
  /** What payouts can use: posted minus held. */
  availableMinor: bigint;
}

const ZERO: Balance = { postedMinor: 0n, heldMinor: 0n, availableMinor: 0n };

/**
 * Writes those of the postings (all of one balance) whose idempotency key is new, and moves the running balance by
 * what was written plus `heldChangeMinor`, in one statement. Returns the idempotency keys written. A held change
 * is a hold's settlement: its balance row exists (the hold was placed on it). The row of a first posting is
 * inserted with nothing held (a check is evaluated on the row proposed before ON CONFLICT turns it into an update).
 */
export async function writePostings(
  q: Queryable,
  key: BalanceKey,
  postings: ReadonlyArray<Omit<Posting, keyof BalanceKey>>,
  heldChangeMinor: bigint = 0n,
): Promise<Set<string>> {
  const rows: Array<{ idempotency_key: string }> = await q.query(
    `WITH written AS (
       INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key)
       SELECT $1::uuid, $2::text, $3::bpchar, p.amount, p.kind, p.order_id, p.idempotency_key
         FROM unnest($4::bigint[], $5::text[], $6::uuid[], $7::text[]) AS p(amount, kind, order_id, idempotency_key)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING amount_minor, idempotency_key
     ), moved AS (
       INSERT INTO merchant_balances AS b (merchant_id, mode, currency, posted_minor, held_minor)
       SELECT $1::uuid, $2::text, $3::bpchar, coalesce(sum(amount_minor), 0), 0 FROM written
       HAVING count(*) > 0 OR $8::bigint <> 0
       ON CONFLICT (merchant_id, mode, currency) DO UPDATE
         SET posted_minor = b.posted_minor + excluded.posted_minor, held_minor = b.held_minor + $8::bigint,
             updated_at = now()
     )
     SELECT idempotency_key FROM written`,
    [
      key.merchantId,
      key.mode,
      key.currency,
      postings.map((p) => String(p.amountMinor)),
      postings.map((p) => p.kind),
      postings.map((p) => p.orderId),
      postings.map((p) => p.idempotencyKey),
      String(heldChangeMinor),
    ],
  );
  return new Set(rows.map((r) => r.idempotency_key));
}

/** True when this call wrote the posting, false when it already existed. */
export async function insertPosting(q: Queryable, p: Posting): Promise<boolean> {
  const { merchantId, mode, currency, ...posting } = p;
  return (await writePostings(q, { merchantId, mode, currency }, [posting])).size > 0;
}

/** The running balance: one row read by its key, however many postings it sums. */
export async function readBalance(q: Queryable, key: BalanceKey): Promise<Balance> {
  const [row]: Array<{ posted: string; held: string }> = await q.query(
    `SELECT posted_minor::text AS posted, held_minor::text AS held FROM merchant_balances
      WHERE merchant_id = $1 AND mode = $2 AND currency = $3`,
    [key.merchantId, key.mode, key.currency],
  );
  return row ? balanceOf(row.posted, row.held) : ZERO;
}

/** A merchant's running balances of one mode, by currency (the balance API). */
export async function readBalances(
  q: Queryable,
  merchantId: string,
  mode: KeyMode,
): Promise<Array<Balance & { currency: string }>> {
  const rows: Array<{ currency: string; posted: string; held: string }> = await q.query(
    `SELECT currency, posted_minor::text AS posted, held_minor::text AS held FROM merchant_balances
      WHERE merchant_id = $1 AND mode = $2 ORDER BY currency`,
    [merchantId, mode],
  );
  return rows.map((r) => ({ currency: r.currency, ...balanceOf(r.posted, r.held) }));
}

/**
 * The balance summed from the postings and the open holds: what the running balance replaces, and what it must
 * always equal. O(postings): for audits and tests, never on a payout's path.
 */
export async function balanceFromPostings(q: Queryable, key: BalanceKey): Promise<Balance> {
  const [row]: Array<{ posted: string; held: string }> = await q.query(
    `SELECT (SELECT coalesce(sum(amount_minor), 0) FROM ledger_postings
              WHERE merchant_id = $1 AND mode = $2 AND currency = $3)::text AS posted,
            (SELECT coalesce(sum(amount_minor + commission_minor), 0) FROM balance_holds
              WHERE merchant_id = $1 AND mode = $2 AND currency = $3 AND status = 'held')::text AS held`,
    [key.merchantId, key.mode, key.currency],
  );
  return balanceOf(row!.posted, row!.held);
}

function balanceOf(posted: string, held: string): Balance {
  const postedMinor = BigInt(posted);
  const heldMinor = BigInt(held);
  return { postedMinor, heldMinor, availableMinor: postedMinor - heldMinor };
}

export type HoldRow = RowOf<
  BalanceHoldEntity,
  'merchantId' | 'mode' | 'currency' | 'amountMinor' | 'commissionMinor' | 'status',
  'amountMinor' | 'commissionMinor'
>;

const HOLD_COLUMNS = 'merchant_id, mode, currency, amount_minor::text, commission_minor::text, status';

/** The balance row of the order ($1)'s hold, as `b`. */
const BALANCE_OF_HOLD = `merchant_balances b JOIN balance_holds h
  ON b.merchant_id = h.merchant_id AND b.mode = h.mode AND b.currency = h.currency WHERE h.order_id = $1`;

/** The order's hold, whatever its status. */
export async function findHold(q: Queryable, orderId: string): Promise<HoldRow | undefined> {
  const [hold]: HoldRow[] = await q.query(`SELECT ${HOLD_COLUMNS} FROM balance_holds WHERE order_id = $1`, [orderId]);
  return hold;
}

/** A payout's reservation: its amount and the commission fixed now, against one balance. */
export interface HoldRequest extends BalanceKey {
  orderId: string;
  amountMinor: number;
  commissionMinor: number;
}

/**
 * Reserves amount plus commission when the balance covers both, in one statement: an UPDATE of the balance's one
 * row whose WHERE is the check, so concurrent holds queue on that row lock and each sees the one before it (never
 * an overdraft, never a lost update), then the hold row. Returns the available balance after the hold, or undefined
 * when the balance did not cover it (nothing written). Throws PostgreSQL's unique violation (`balance_holds_order`)
 * when another call placed this order's hold meanwhile; nothing is written then either.
 */
export async function placeHold(q: Queryable, h: HoldRequest): Promise<bigint | undefined> {
  const needed = BigInt(h.amountMinor) + BigInt(h.commissionMinor);
  const rows: Array<{ available: string }> = await q.query(
    `WITH reserved AS (
       UPDATE merchant_balances SET held_minor = held_minor + $7::bigint, updated_at = now()
        WHERE merchant_id = $2::uuid AND mode = $3::text AND currency = $4::bpchar
          AND posted_minor - held_minor >= $7::bigint
        RETURNING posted_minor - held_minor AS available
     ), hold AS (
       INSERT INTO balance_holds (order_id, merchant_id, mode, currency, amount_minor, commission_minor, status)
       SELECT $1::uuid, $2::uuid, $3::text, $4::bpchar, $5::bigint, $6::bigint, 'held' FROM reserved
     )
     SELECT available::text AS available FROM reserved`,
    [h.orderId, h.merchantId, h.mode, h.currency, h.amountMinor, h.commissionMinor, String(needed)],
  );
  return rows[0] ? BigInt(rows[0].available) : undefined;
}

/** Whether an error is the unique violation of a second hold for the same order. */
export function isDuplicateHold(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;
  return driver?.code === '23505' && driver.constraint === 'balance_holds_order';
}

/**
 * Settles the order's hold, if it is still held: its status, then postings (−amount `payout`, −commission
 * `commission` when > 0) and the running balance (posted by what was written, held back by the whole hold) in the
 * same transaction `tx`. Returns the hold as it was settled, undefined when it was not held, null when there was no
 * hold.
 */
export async function settleHold(
  tx: Queryable,
  orderId: string,
  payoutMinor: (hold: HoldRow) => number,
): Promise<HoldRow | undefined | null> {
  // The balance row first, as a hold takes it: a hold of the same order racing this settlement (a retried attempt)
  // holds that row while it waits for this hold row's index entry, so taking them in the other order deadlocks.
  // No hold in this statement's snapshot: none to settle (a hold committed just after is left alone, rather than
  // updated without the balance row's lock).
  const locked: unknown[] = await tx.query(`SELECT 1 FROM ${BALANCE_OF_HOLD} FOR UPDATE OF b`, [orderId]);
  if (locked.length === 0) return null;
  // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
  const [hold]: HoldRow[] = await tx.query(
    `WITH changed AS (
       UPDATE balance_holds SET status = 'settled', resolved_at = now()
        WHERE order_id = $1 AND status = 'held' RETURNING ${HOLD_COLUMNS}
     ) SELECT * FROM changed`,
    [orderId],
  );
  if (!hold) return undefined;
  const commissionMinor = BigInt(hold.commission_minor);
  const postings = [
    { amountMinor: -payoutMinor(hold), kind: 'payout', orderId, idempotencyKey: `${orderId}:payout` },
    ...(commissionMinor > 0n
      ? [{ amountMinor: -commissionMinor, kind: 'commission', orderId, idempotencyKey: `${orderId}:commission` }]
      : []),
  ];
  const key = { merchantId: hold.merchant_id, mode: hold.mode, currency: hold.currency };
  await writePostings(tx, key, postings, -(BigInt(hold.amount_minor) + commissionMinor));
  return hold;
}

/** Gives the order's hold back to its balance, once, in one statement. False when nothing was held. */
export async function releaseHold(q: Queryable, orderId: string): Promise<boolean> {
  const released: unknown[] = await q.query(
    `WITH locked AS (
       SELECT b.merchant_id FROM ${BALANCE_OF_HOLD} FOR UPDATE OF b
     ), changed AS (
       -- Joined to the locked balance row: taken before the hold row, in the order a hold takes them (settleHold).
       UPDATE balance_holds h SET status = 'released', resolved_at = now()
         FROM locked l WHERE h.order_id = $1 AND h.status = 'held' AND l.merchant_id = h.merchant_id
        RETURNING h.merchant_id, h.mode, h.currency, h.amount_minor + h.commission_minor AS reserved
     ), moved AS (
       UPDATE merchant_balances b SET held_minor = b.held_minor - c.reserved, updated_at = now()
         FROM changed c WHERE b.merchant_id = c.merchant_id AND b.mode = c.mode AND b.currency = c.currency
     )
     SELECT 1 FROM changed`,
    [orderId],
  );
  return released.length > 0;
}

/** What the order's postings of these kinds amount to (`<orderId>:<kind>` keys), by kind; 0 for a kind not posted. */
export async function postedAmounts(q: Queryable, orderId: string, kinds: string[]): Promise<Record<string, number>> {
  const rows: Array<{ kind: string; amount_minor: string }> = await q.query(
    `SELECT kind, amount_minor::text FROM ledger_postings WHERE idempotency_key = ANY($1::text[])`,
    [kinds.map((k) => `${orderId}:${k}`)],
  );
  return Object.fromEntries(kinds.map((k) => [k, toSafeInteger(rows.find((r) => r.kind === k)?.amount_minor ?? 0)]));
}
