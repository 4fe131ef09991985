import { CODES } from '../../domain/history-codes';
import type { FundsRequest } from '../../domain/operations-contract';
import { operations, persistence } from '../activity-profiles';
import type { OrderContext } from './order-context';
import { amountOf } from './ui-metadata';

/** The order's money at its current amount. */
export function fundsOf(ctx: OrderContext): FundsRequest {
  return {
    orderId: ctx.input.orderId,
    merchantId: ctx.input.merchantId,
    currency: ctx.input.currency,
    amountMinor: ctx.state.amountMinor,
    // Sandbox and live balances never mix. Histories started before OrderInput had a mode lack it: the activity
    // then reads the order row's mode.
    ...(ctx.input.mode ? { mode: ctx.input.mode } : {}),
  };
}

/**
 * Moves the money once the order is final, exactly once (the activities are idempotent per order), at the amount
 * the gateway settled: a paid deposit is credited net of commission; a payout's hold is settled on success and
 * released only when no gateway paid it. `paid` is whether a gateway took the money — which, after a stray success
 * from an earlier gateway, can be true for an order whose status stays Failed (flagged for review).
 */
export async function settle(ctx: OrderContext, paid: boolean, holdPlaced: boolean): Promise<void> {
  if (ctx.lean) return settleLean(ctx, paid, holdPlaced);
  if (ctx.direction === 'deposit') {
    if (!paid) return;
    const summary = `Credit ${amountOf(ctx)} to the merchant's balance, net of commission`;
    const credit = await operations.creditDeposit.executeWithOptions({ summary }, [fundsOf(ctx)]);
    await ctx.mark(CODES.LEDGER_POSTED, {
      details: { amountMinor: credit.amountMinor, commissionMinor: credit.commissionMinor },
    });
    return;
  }
  if (!holdPlaced) return;
  const held = { ...fundsOf(ctx), amountMinor: ctx.state.requestedAmountMinor };
  if (paid) {
    const settled = await operations.settleHeldFunds.executeWithOptions(
      { summary: `Settle the hold at ${amountOf(ctx)}` },
      [{ ...held, settledAmountMinor: ctx.state.amountMinor }],
    );
    await ctx.mark(CODES.FUNDS_SETTLED, {
      details: { amountMinor: settled.amountMinor, commissionMinor: settled.commissionMinor },
    });
  } else {
    await operations.releaseHeldFunds.executeWithOptions({ summary: 'Release the hold: the payout failed' }, [held]);
    await ctx.mark(CODES.FUNDS_RELEASED, { details: { amountMinor: held.amountMinor } });
  }
}

/** The same movements in the lean shape: each with its entry, in one local activity. */
async function settleLean(ctx: OrderContext, paid: boolean, holdPlaced: boolean): Promise<void> {
  // Each movement's entry counts the order into the reports; an order whose money never moved is counted here.
  if (ctx.direction === 'deposit' ? !paid : !holdPlaced) {
    await persistence.countFinalOrder.executeWithOptions({ summary: 'Count the order into the reports' }, [
      ctx.input.orderId,
    ]);
    ctx.settled = true;
    return;
  }
  if (ctx.direction === 'deposit') {
    const doing = `Credit ${amountOf(ctx)} to the merchant's balance, net of commission`;
    await ctx.markMoneyMoved(CODES.LEDGER_POSTED, { kind: 'credit', funds: fundsOf(ctx) }, doing);
    return;
  }
  const held = { ...fundsOf(ctx), amountMinor: ctx.state.requestedAmountMinor };
  if (paid) {
    const funds = { ...held, settledAmountMinor: ctx.state.amountMinor };
    await ctx.markMoneyMoved(CODES.FUNDS_SETTLED, { kind: 'settle', funds }, `Settle the hold at ${amountOf(ctx)}`);
  } else {
    await ctx.markMoneyMoved(
      CODES.FUNDS_RELEASED,
      { kind: 'release', funds: held },
      'Release the hold: the payout failed',
    );
  }
}
