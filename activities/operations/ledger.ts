import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { CODES } from '../../domain/history-codes';
import type { FundsRequest, HoldResult, SettlementResult } from '../../domain/operations-contract';
import type { KeyMode } from '../../domain/order';
import { commissionFor } from '../../data/commissions';
import {
  findHold,
  type HoldRow,
  isDuplicateHold,
  placeHold,
  postedAmounts,
  type Queryable,
  readBalance,
  releaseHold,
  settleHold,
  toSafeInteger,
  writePostings,
} from '../../data/ledger';

/** Holds, settlement, release and deposit credits: each exactly once per order, however often it is retried. */
export function fundsActivities(dataSource: DataSource) {
  /** A retry of a hold already placed: the same answer, with the balance available now. */
  const existingHold = async (hold: HoldRow, req: FundsRequest, mode: KeyMode): Promise<HoldResult> => {
    assertSameOrder(hold, { ...req, mode });
    const balance = await readBalance(dataSource, { merchantId: req.merchantId, mode, currency: req.currency });
    return { ok: true, availableMinor: reportable(balance.availableMinor) };
  };

  return {
    /**
     * Reserves a payout's amount and its commission against the available balance: one atomic UPDATE of the
     * merchant's running balance (data/ledger.ts `placeHold`), so concurrent holds of one merchant and currency
     * queue on one row and never overdraw. Idempotent per order; refused with 1.2.4.31 (holding nothing) when the
     * balance does not cover both. `availableMinor` is the balance available after this order's hold (or before
     * it, when refused).
     */
    async holdFunds(req: FundsRequest): Promise<HoldResult> {
      assertFundsRequest(req);
      const mode = await modeOf(dataSource, req);
      const existing = await findHold(dataSource, req.orderId);
      if (existing) return existingHold(existing, req, mode);
      const commissionMinor = await commissionFor(dataSource, { ...req, direction: 'payout' });
      const balance = { merchantId: req.merchantId, mode, currency: req.currency };
      let availableAfter: bigint | undefined;
      try {
        availableAfter = await placeHold(dataSource, {
          ...balance,
          orderId: req.orderId,
          amountMinor: req.amountMinor,
          commissionMinor,
        });
      } catch (err) {
        // A concurrent attempt of the same order placed it first: answer as its retry.
        const placed = isDuplicateHold(err) ? await findHold(dataSource, req.orderId) : undefined;
        if (placed) return existingHold(placed, req, mode);
        throw err;
      }
      if (availableAfter !== undefined) return { ok: true, availableMinor: reportable(availableAfter) };
      // Refused, maybe after queueing behind a concurrent attempt of the same order that placed the hold: its answer.
      const placed = await findHold(dataSource, req.orderId);
      if (placed) return existingHold(placed, req, mode);
      const { availableMinor } = await readBalance(dataSource, balance);
      return { ok: false, code: CODES.PRECHECK_BALANCE, availableMinor: reportable(availableMinor) };
    },

    /**
     * Turns the order's hold into postings (−amount `payout`, −commission `commission` when > 0) in one
     * transaction. The commission is the one fixed when the hold was placed. A repeat returns the same amounts with
     * posted: false.
     */
    async settleHeldFunds(req: FundsRequest): Promise<SettlementResult> {
      assertFundsRequest(req);
      // The gateway may pay out less than was held (an amount update); never more than the hold reserved.
      const payoutOf = (hold: HoldRow) =>
        Math.min(req.settledAmountMinor ?? toSafeInteger(hold.amount_minor), toSafeInteger(hold.amount_minor));
      return dataSource.transaction(async (tx) => {
        const settled = await settleHold(tx, req.orderId, (hold) => {
          assertSameOrder(hold, req);
          return payoutOf(hold);
        });
        const hold = settled === null ? undefined : (settled ?? (await findHold(tx, req.orderId)));
        if (!hold) throw failure('HoldNotFound', `no hold for order ${req.orderId}`);
        assertSameOrder(hold, req);
        if (hold.status === 'released') throw failure('HoldReleased', `hold of order ${req.orderId} was released`);
        const commissionMinor = toSafeInteger(hold.commission_minor);
        if (settled) return { amountMinor: payoutOf(hold), commissionMinor, posted: true };
        const { payout } = await postedAmounts(tx, req.orderId, ['payout']);
        return { amountMinor: payout ? -payout : payoutOf(hold), commissionMinor, posted: false };
      });
    },

    /** Gives a failed payout's hold back; no postings. False when there was no hold still held. */
    async releaseHeldFunds(req: FundsRequest): Promise<{ released: boolean }> {
      return { released: await releaseHold(dataSource, req.orderId) };
    },

    /**
     * Credits a successful deposit: +amount (`deposit`) and −commission (`commission`, when > 0), in one
     * statement that also moves the running balance. A repeat writes nothing and returns what the first call
     * posted, with posted: false.
     */
    async creditDeposit(req: FundsRequest): Promise<SettlementResult> {
      assertFundsRequest(req);
      const mode = await modeOf(dataSource, req);
      const commissionMinor = await commissionFor(dataSource, { ...req, direction: 'deposit' });
      const orderId = req.orderId;
      const written = await writePostings(dataSource, { merchantId: req.merchantId, mode, currency: req.currency }, [
        { amountMinor: req.amountMinor, kind: 'deposit', orderId, idempotencyKey: `${orderId}:deposit` },
        ...(commissionMinor > 0
          ? [{ amountMinor: -commissionMinor, kind: 'commission', orderId, idempotencyKey: `${orderId}:commission` }]
          : []),
      ]);
      if (written.has(`${orderId}:deposit`)) return { amountMinor: req.amountMinor, commissionMinor, posted: true };
      const posted = await postedAmounts(dataSource, orderId, ['deposit', 'commission']);
      return { amountMinor: posted.deposit!, commissionMinor: -posted.commission!, posted: false };
    },
  };
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

/** A balance as the activities report it: exact up to 2^53 - 1 minor units, capped there (only informative). */
function reportable(minor: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(minor > max ? max : minor < -max ? -max : minor);
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
