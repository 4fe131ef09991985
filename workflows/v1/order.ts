/**
 * FROZEN: the order workflow as it was before the order truth model (docs/order-lifecycle.md, "Versions"). Orders
 * started before that change have no `order-truth-model` patch marker and replay through this code, command for
 * command; nothing here may change. Steps that did not change are shared with the current code rather than
 * copied. Delete this folder once no such execution is open (a visibility query for open orders started before
 * the release finds none) and retire the patch with deprecatePatch().
 */
import { CODES } from '../../domain/history-codes';
import type { Direction } from '../../domain/order';
import { operations } from '../activity-profiles';
import type { OrderInput, OrderState } from '../definitions';
import { cascade } from './steps/cascade';
// The merchant callback did not change with the truth model: both versions run this one step, and the replay suite
// (the v1 fixtures with merchant callback retries) fails if it ever stops issuing the commands v1 histories hold.
import { notifyMerchant } from '../steps/merchant-callback';
import { awaitPayform } from './steps/payform';
import { createOrderContext, type OrderContext } from './steps/order-context';
import { fundsOf, settle } from './steps/settlement';

const ORDER_DEADLINE_MS = 24 * 60 * 60 * 1000;

/**
 * The path every order takes (docs/order-lifecycle.md, "The path"): created; pre-checks (black list, limits); for
 * payouts a hold on the balance; routing; cascading gateway attempts; waiting for the result; ledger; merchant
 * callback.
 */
export async function runOrderV1(direction: Direction, input: OrderInput): Promise<OrderState> {
  const ctx = createOrderContext(direction, input);
  // Date.now() in a workflow is the workflow task's time: deterministic, and skipped along in time-skipping tests.
  const deadline = Date.now() + ORDER_DEADLINE_MS;
  await ctx.mark(CODES.CREATED);
  const { outcome, holdPlaced } = await processOrder(ctx, deadline);
  await settle(ctx, outcome, holdPlaced);
  await notifyMerchant(ctx);
  return ctx.state;
}

async function processOrder(
  ctx: OrderContext,
  deadline: number,
): Promise<{ outcome: 'success' | 'failed'; holdPlaced: boolean }> {
  const { input, direction } = ctx;
  if (input.payform && (await awaitPayform(ctx)) === 'failed') return { outcome: 'failed', holdPlaced: false };
  const preCheck = await operations.runPreChecks({
    orderId: input.orderId,
    merchantId: input.merchantId,
    pipelineId: input.pipelineId,
    direction,
    amountMinor: input.amountMinor,
    currency: input.currency,
    method: input.method,
    requisites: ctx.requisites,
    at: new Date().toISOString(),
  });
  if (!preCheck.ok) {
    ctx.state.failure = preCheck.details;
    await ctx.mark(preCheck.code, { details: preCheck.details });
    return { outcome: 'failed', holdPlaced: false };
  }

  let holdPlaced = false;
  if (direction === 'payout') {
    const hold = await operations.holdFunds(fundsOf(ctx));
    if (!hold.ok) {
      ctx.state.failure = { check: 'balance', availableMinor: hold.availableMinor, amountMinor: input.amountMinor };
      await ctx.mark(hold.code, { details: ctx.state.failure });
      return { outcome: 'failed', holdPlaced: false };
    }
    holdPlaced = true;
    await ctx.mark(CODES.FUNDS_HELD, { details: { amountMinor: input.amountMinor } });
  }

  ctx.state.route = await operations.resolveRoute({
    pipelineId: input.pipelineId,
    direction,
    amountMinor: input.amountMinor,
    currency: input.currency,
    method: input.method,
    mode: input.mode,
  });
  if (ctx.state.route.length === 0) {
    ctx.state.failure = { check: 'routing', reason: 'no enabled gateway of the pipeline matches the order' };
    await ctx.mark(CODES.PRECHECK_ROUTING_BLOCKED, { details: ctx.state.failure });
    return { outcome: 'failed', holdPlaced };
  }
  return { outcome: await cascade(ctx, ctx.state.route, deadline), holdPlaced };
}
