import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { CODES } from '../../domain/history-codes';
import type { FundsRequest, HoldResult, SettlementResult } from '../../domain/operations-contract';
import type { KeyMode } from '../../domain/order';
import { commissionFor } from '../../data/commissions';
import { insertPosting, postCommission, type Queryable, toSafeInteger } from '../../data/ledger';
import type { BalanceHoldEntity } from '../../entities/balance-hold.entity';
import type { RowOf } from '../../entities/rows';

type HoldRow = RowOf<
  BalanceHoldEntity,
  'merchantId' | 'mode' | 'currency' | 'amountMinor' | 'commissionMinor' | 'status',
  'amountMinor' | 'commissionMinor'
>;

/** Holds, settlement, release and deposit credits: each exactly once per order, however often it is retried. */
export function fundsActivities(dataSource: DataSource) {
  return {
    /**
     * Reserves a payout's amount and its commission against the available balance, serialised per merchant and
     * currency. Idempotent per order; refused with 1.2.4.31 (holding nothing) when the balance does not cover both.
     * `availableMinor` is the balance available after this order's hold (or before it, when refused).
     */
    async holdFunds(req: FundsRequest): Promise<HoldResult> {
      assertFundsRequest(req);
      return dataSource.transaction(async (tx) => {
        const mode = await modeOf(tx, req);
        const balance = { merchantId: req.merchantId, mode, currency: req.currency };
        await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [balanceLockKey(balance)]);
        const [existing]: HoldRow[] = await tx.query(`${SELECT_HOLD} WHERE order_id = $1`, [req.orderId]);
        if (existing) {
          assertSameOrder(existing, { ...req, mode });
          return { ok: true, availableMinor: reportable(await availableBalance(tx, balance)) };
        }
        const commissionMinor = await commissionFor(tx, { ...req, direction: 'payout' });
        const available = await availableBalance(tx, balance);
        const needed = BigInt(req.amountMinor) + BigInt(commissionMinor);
        if (available < needed) {
          return { ok: false, code: CODES.PRECHECK_BALANCE, availableMinor: reportable(available) };
        }
        await tx.query(
          `INSERT INTO balance_holds (order_id, merchant_id, mode, currency, amount_minor, commission_minor, status)
           VALUES ($1, $2, $3, $4, $5, $6, 'held')`,
          [req.orderId, req.merchantId, mode, req.currency, req.amountMinor, commissionMinor],
        );
        return { ok: true, availableMinor: reportable(available - needed) };
      });
    },

    /**
     * Turns the order's hold into postings (−amount `payout`, −commission `commission` when > 0) in one
     * transaction. The commission is the one fixed when the hold was placed. A repeat returns the same amounts with
     * posted: false.
     */
    async settleHeldFunds(req: FundsRequest): Promise<SettlementResult> {
      assertFundsRequest(req);
      return dataSource.transaction(async (tx) => {
        const [settled]: HoldRow[] = await tx.query(
          `WITH changed AS (
             UPDATE balance_holds SET status = 'settled', resolved_at = now()
              WHERE order_id = $1 AND status = 'held'
              RETURNING merchant_id, mode, currency, amount_minor::text, commission_minor::text, status
           ) SELECT * FROM changed`,
          [req.orderId],
        );
        const hold: HoldRow | undefined =
          settled ?? (await tx.query(`${SELECT_HOLD} WHERE order_id = $1`, [req.orderId]))[0];
        if (!hold) throw failure('HoldNotFound', `no hold for order ${req.orderId}`);
        assertSameOrder(hold, req);
        if (hold.status === 'released') throw failure('HoldReleased', `hold of order ${req.orderId} was released`);
        const heldMinor = toSafeInteger(hold.amount_minor);
        // The gateway may pay out less than was held (an amount update); never more than the hold reserved.
        const amountMinor = Math.min(req.settledAmountMinor ?? heldMinor, heldMinor);
        const commissionMinor = toSafeInteger(hold.commission_minor);
        if (!settled) {
          const [posted]: Array<{ amount: string }> = await tx.query(
            `SELECT amount_minor::text AS amount FROM ledger_postings WHERE idempotency_key = $1`,
            [`${req.orderId}:payout`],
          );
          return { amountMinor: posted ? -toSafeInteger(posted.amount) : amountMinor, commissionMinor, posted: false };
        }
        // The hold's mode is the truth: the money comes from the balance it reserved.
        const base = { merchantId: req.merchantId, mode: hold.mode, currency: req.currency, orderId: req.orderId };
        await insertPosting(tx, {
          ...base,
          amountMinor: -amountMinor,
          kind: 'payout',
          idempotencyKey: `${req.orderId}:payout`,
        });
        await postCommission(tx, base, commissionMinor);
        return { amountMinor, commissionMinor, posted: true };
      });
    },

    /** Gives a failed payout's hold back; no postings. False when there was no hold still held. */
    async releaseHeldFunds(req: FundsRequest): Promise<{ released: boolean }> {
      const released: unknown[] = await dataSource.query(
        `WITH changed AS (
           UPDATE balance_holds SET status = 'released', resolved_at = now()
            WHERE order_id = $1 AND status = 'held' RETURNING id
         ) SELECT * FROM changed`,
        [req.orderId],
      );
      return { released: released.length > 0 };
    },

    /**
     * Credits a successful deposit: +amount (`deposit`) and −commission (`commission`, when > 0), in one
     * transaction. A repeat writes nothing and returns what the first call posted, with posted: false.
     */
    async creditDeposit(req: FundsRequest): Promise<SettlementResult> {
      assertFundsRequest(req);
      return dataSource.transaction(async (tx) => {
        const mode = await modeOf(tx, req);
        const base = { merchantId: req.merchantId, mode, currency: req.currency, orderId: req.orderId };
        const posted = await insertPosting(tx, {
          ...base,
          amountMinor: req.amountMinor,
          kind: 'deposit',
          idempotencyKey: `${req.orderId}:deposit`,
        });
        if (!posted) return { ...(await postedDeposit(tx, req.orderId)), posted: false };
        const commissionMinor = await commissionFor(tx, { ...req, direction: 'deposit' });
        await postCommission(tx, base, commissionMinor);
        return { amountMinor: req.amountMinor, commissionMinor, posted: true };
      });
    },
  };
}

const SELECT_HOLD = `SELECT merchant_id, mode, currency, amount_minor::text, commission_minor::text, status
                       FROM balance_holds`;

/** One balance: a merchant's money of one mode in one currency. */
interface BalanceKey {
  merchantId: string;
  mode: KeyMode;
  currency: string;
}

/**
 * The request's mode, or for requests recorded before FundsRequest had one, the order row's (sandbox when the
 * row has none: sandbox money cannot pay anything live).
 */
async function modeOf(q: Queryable, req: FundsRequest): Promise<KeyMode> {
  if (req.mode) return req.mode;
  const [row]: Array<{ mode: KeyMode | null }> = await q.query(`SELECT mode FROM orders WHERE id = $1`, [req.orderId]);
  return row?.mode ?? 'sandbox';
}

/**
 * Postings minus what open holds reserve, read in one statement so both sums come from one snapshot. A bigint:
 * a balance may exceed 2^53 minor units even though every single amount is below it.
 */
async function availableBalance(q: Queryable, b: BalanceKey): Promise<bigint> {
  const [row]: Array<{ available: string }> = await q.query(
    `SELECT (
       (SELECT coalesce(sum(amount_minor), 0) FROM ledger_postings
         WHERE merchant_id = $1 AND mode = $2 AND currency = $3)
       - (SELECT coalesce(sum(amount_minor + commission_minor), 0) FROM balance_holds
           WHERE merchant_id = $1 AND mode = $2 AND currency = $3 AND status = 'held')
     )::text AS available`,
    [b.merchantId, b.mode, b.currency],
  );
  return BigInt(row?.available ?? 0);
}

/** A balance as the activities report it: exact up to 2^53 - 1 minor units, capped there (only informative). */
function reportable(minor: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(minor > max ? max : minor < -max ? -max : minor);
}

/** What an earlier creditDeposit of this order posted. */
async function postedDeposit(q: Queryable, orderId: string) {
  const rows: Array<{ kind: string; amount_minor: string }> = await q.query(
    `SELECT kind, amount_minor::text FROM ledger_postings WHERE idempotency_key IN ($1, $2)`,
    [`${orderId}:deposit`, `${orderId}:commission`],
  );
  const amountOf = (kind: string) => toSafeInteger(rows.find((r) => r.kind === kind)?.amount_minor ?? 0);
  return { amountMinor: amountOf('deposit'), commissionMinor: -amountOf('commission') };
}

/** A 64-bit advisory lock key per balance (a hash collision only serialises two balances). */
function balanceLockKey(b: BalanceKey): string {
  return createHash('sha256')
    .update(`balance:${b.merchantId}:${b.mode}:${b.currency}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

function assertFundsRequest(req: FundsRequest): void {
  if (!Number.isSafeInteger(req.amountMinor) || req.amountMinor <= 0) {
    throw failure('InvalidFundsRequest', `amountMinor ${req.amountMinor} must be a positive integer`);
  }
}

/** A retried activity must describe the same money as the hold it finds; anything else is a bug to stop at. */
function assertSameOrder(hold: HoldRow, req: FundsRequest): void {
  if (
    hold.merchant_id !== req.merchantId ||
    (req.mode !== undefined && hold.mode !== req.mode) ||
    hold.currency !== req.currency ||
    toSafeInteger(hold.amount_minor) !== req.amountMinor
  ) {
    throw failure('HoldMismatch', `order ${req.orderId} is held for a different merchant, mode, currency or amount`);
  }
}

function failure(type: string, message: string) {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
