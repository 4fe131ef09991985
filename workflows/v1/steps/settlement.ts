import { CODES } from '../../../domain/history-codes';
import type { FundsRequest } from '../../../domain/operations-contract';
import { operations } from '../../activity-profiles';
import type { OrderContext } from './order-context';

/** The order's money at its current amount. */
export function fundsOf(ctx: OrderContext): FundsRequest {
  return {
    orderId: ctx.input.orderId,
    merchantId: ctx.input.merchantId,
    currency: ctx.input.currency,
    amountMinor: ctx.state.amountMinor,
  };
}

/**
 * Moves the money once the order is final, exactly once (the activities are idempotent per order): a paid
 * deposit is credited net of commission; a payout's hold is settled on success and released on failure.
 */
export async function settle(ctx: OrderContext, outcome: 'success' | 'failed', holdPlaced: boolean): Promise<void> {
  if (ctx.direction === 'deposit') {
    if (outcome !== 'success') return;
    const credit = await operations.creditDeposit(fundsOf(ctx));
    await ctx.mark(CODES.LEDGER_POSTED, {
      details: { amountMinor: credit.amountMinor, commissionMinor: credit.commissionMinor },
    });
    return;
  }
  if (!holdPlaced) return;
  // A payout settles what was held: an amount update from the gateway does not move more money than reserved.
  const held = { ...fundsOf(ctx), amountMinor: ctx.state.requestedAmountMinor };
  if (outcome === 'success') {
    const settled = await operations.settleHeldFunds(held);
    await ctx.mark(CODES.FUNDS_SETTLED, {
      details: { amountMinor: settled.amountMinor, commissionMinor: settled.commissionMinor },
    });
  } else {
    await operations.releaseHeldFunds(held);
    await ctx.mark(CODES.FUNDS_RELEASED, { details: { amountMinor: held.amountMinor } });
  }
}
