import * as wf from '@temporalio/workflow';
import { payerMayTryAnotherCard } from '../domain/cascade-policy';
import { CODES, type HistoryCode } from '../domain/history-codes';
import type { Direction } from '../domain/order';
import type { PreCheckRequest, PreCheckResult, RouteRequest } from '../domain/operations-contract';
import { operations, persistence } from './activity-profiles';
import {
  DEFAULT_RECONCILIATION_PERIOD_MS,
  type OrderHistoryEntry,
  type OrderInput,
  type OrderState,
} from './definitions';
import { cascade } from './steps/cascade';
import { notifyMerchant } from './steps/merchant-callback';
import { createOrderContext, LEAN_SHAPE_PATCH, type OrderContext } from './steps/order-context';
import { awaitPayform, cardTries, PAYFORM_RETRY_PATCH, reopenPayform } from './steps/payform';
import { reconcile } from './steps/reconciliation';
import { recordStrayCallback, resolvePayment } from './steps/resolve-payment';
import { fundsOf, settle } from './steps/settlement';
import { amountOf, entryInWords, gatewayName } from './steps/ui-metadata';
import { runOrderV1 } from './v1/order';

/** After this long the order creates no more gateway payments (docs/order-lifecycle.md). */
export const ORDER_DEADLINE_MS = 24 * 60 * 60 * 1000;

/**
 * Marks executions that follow the order truth model. Orders started before it replay through the frozen code of
 * workflows/v1, command for command.
 */
export const TRUTH_MODEL_PATCH = 'order-truth-model';

/**
 * The path every order takes (docs/order-lifecycle.md, "The path"): created; pre-checks (black list, limits); for
 * payouts a hold on the balance; routing; cascading gateway attempts; waiting for the result (reconciliation when it is
 * still unknown at the deadline); ledger; merchant callback.
 *
 * A cancellation request (Temporal UI, CLI) means "stop trying, then settle truthfully": the body runs in a
 * non-cancellable scope and reads the request as a flag, so no new gateway payment starts, a payment in flight is
 * resolved first, and the order still ends with a code, its money settled and the merchant told.
 */
export async function runOrder(direction: Direction, input: OrderInput): Promise<OrderState> {
  // The lean shape's marker comes first: an order that has it skips every older patch's (they all apply to it).
  const lean = wf.patched(LEAN_SHAPE_PATCH);
  if (!lean && !wf.patched(TRUTH_MODEL_PATCH)) return runOrderV1(direction, input);
  const ctx = createOrderContext(direction, input, lean);
  wf.CancellationScope.current().cancelRequested.catch(() => {
    ctx.state.cancelRequested = true;
  });
  return wf.CancellationScope.nonCancellable(async () => {
    const { paid, holdPlaced } = input.resume ? await resumeOrder(ctx, input.resume) : await startOrder(ctx);
    ctx.step('moving the money (ledger)');
    await settle(ctx, paid, holdPlaced);
    ctx.step('telling the merchant (callback)');
    await notifyMerchant(ctx);
    await closeInboxes(ctx);
    ctx.step('done');
    return ctx.state;
  });
}

async function startOrder(ctx: OrderContext): Promise<{ paid: boolean; holdPlaced: boolean }> {
  const deadline = Date.now() + ORDER_DEADLINE_MS;
  // The lean shape writes the created entry with the pre-checks (one local activity for both); a hosted-form order
  // writes it at once, since it first waits for its payer and the reconciler looks for orders with no entry.
  if (ctx.lean && !ctx.input.payform) return processOrder(ctx, deadline, ctx.entry(CODES.CREATED));
  await ctx.mark(CODES.CREATED);
  return processOrder(ctx, deadline);
}

/**
 * An operator rebuilds an order whose workflow was terminated. Its deadline has no meaning any more: nothing new is
 * created anywhere. The last gateway tried is asked about its payment (earlier ones had answered, or the order
 * would not have moved on); unknown, it is reconciled like any order past its deadline. A final order is only
 * settled and notified again (both idempotent per order).
 */
async function resumeOrder(
  ctx: OrderContext,
  evidence: NonNullable<OrderInput['resume']>,
): Promise<{ paid: boolean; holdPlaced: boolean }> {
  const { operator, reason, holdPlaced } = evidence;
  await ctx.mark(CODES.OPERATOR_RECHECK, { details: { operator, reason, rebuilt: true } });
  ctx.state.attempts = evidence.attempts.map((a) => ({ ...a, creates: 1, lastCode: null, exists: 'maybe' as const }));
  if (ctx.state.status === 'Success' || ctx.state.status === 'Failed') {
    return { paid: ctx.state.status === 'Success', holdPlaced };
  }
  const last = ctx.state.attempts.at(-1);
  if (!last) {
    // No gateway was ever asked: nothing can charge the payer.
    await ctx.mark(CODES.OPERATOR_FAILED, {
      orderStatus: 'Failed',
      details: { operator, reason, evidence: 'no gateway payment was created' },
    });
    return { paid: false, holdPlaced };
  }
  ctx.step(`asking ${gatewayName(ctx, last.gatewayId)} about its payment`);
  const once = await resolvePayment(ctx, last, { until: Date.now() + 1, delays: [1], statusAfter: () => 'Failed' });
  if (once.kind === 'success') return { paid: true, holdPlaced };
  if (once.kind !== 'unknown') return { paid: false, holdPlaced };
  const period = ctx.input.reconciliationPeriodMs ?? DEFAULT_RECONCILIATION_PERIOD_MS;
  return { paid: (await reconcile(ctx, last, period)) === 'success', holdPlaced };
}

async function processOrder(
  ctx: OrderContext,
  deadline: number,
  created?: OrderHistoryEntry,
): Promise<{ paid: boolean; holdPlaced: boolean }> {
  const { input } = ctx;
  if (input.payform) {
    ctx.step('waiting for the payer on the hosted payment page');
    if ((await awaitPayform(ctx)) === 'failed') return { paid: false, holdPlaced: false };
  }
  let holdPlaced = false;
  // Each pass is one card of the payer's: the first, or another the hosted form took after an issuer's decline.
  for (let cardTry = 1; ; cardTry += 1) {
    ctx.step('pre-checks: black list and limits');
    if (ctx.lean) {
      // `created` comes only with an order that is not a hosted form's, so only with its one card.
      const prepared = await prepareOrder(ctx, cardTry, created);
      if (!prepared.ok) return { paid: false, holdPlaced };
      holdPlaced = prepared.holdPlaced || holdPlaced;
    } else {
      const preCheck = await operations.runPreChecks.executeWithOptions(
        { summary: `Pre-checks (black list, limits) for ${amountOf(ctx)}` },
        [preCheckRequest(ctx)],
      );
      if (!(await preChecksPassed(ctx, preCheck))) return { paid: false, holdPlaced };
      // The hold and the route are the order's, not the card's: taken once.
      if (cardTry === 1) {
        const routed = await holdAndRoute(ctx);
        holdPlaced = routed.holdPlaced;
        if (!routed.ok) return { paid: false, holdPlaced };
      }
    }
    ctx.step(`paying through the route: ${ctx.state.route.map((candidate) => candidate.name).join(', ')}`);
    let result = await cascade(ctx, ctx.state.route, deadline, {
      number: cardTry,
      anotherCardAfter: (code) => mayTryAnotherCard(ctx, cardTry, code, deadline),
    });
    if (result.kind === 'failed' && result.anotherCard) {
      if ((await reopenPayform(ctx, cardTry + 1, result.anotherCard.declined)) === 'submitted') continue;
      return { paid: await reviewStrayPayments(ctx, false), holdPlaced };
    }
    if (result.kind === 'unknown') {
      const period = input.reconciliationPeriodMs ?? DEFAULT_RECONCILIATION_PERIOD_MS;
      result =
        (await reconcile(ctx, result.attempt, period)) === 'success'
          ? { kind: 'success', attempt: result.attempt }
          : { kind: 'failed' };
    }
    return { paid: await reviewStrayPayments(ctx, result.kind === 'success'), holdPlaced };
  }
}

/** A payout's hold on the balance, then routing: false when either ends the order (recorded, Failed). */
async function holdAndRoute(ctx: OrderContext): Promise<{ ok: boolean; holdPlaced: boolean }> {
  let holdPlaced = false;
  if (ctx.direction === 'payout') {
    if (!(await holdPayout(ctx))) return { ok: false, holdPlaced };
    holdPlaced = true;
  }

  ctx.step("routing: choosing the pipeline's gateways");
  ctx.state.route = await operations.resolveRoute.executeWithOptions({ summary: `Routing for ${amountOf(ctx)}` }, [
    routeRequest(ctx),
  ]);
  if (!(await routeFound(ctx))) return { ok: false, holdPlaced };
  return { ok: true, holdPlaced };
}

/** A payout's hold on the balance: false when the balance refuses it (recorded, Failed). */
async function holdPayout(ctx: OrderContext): Promise<boolean> {
  ctx.step("holding the payout's amount on the balance");
  const proxy = ctx.lean ? persistence : operations;
  const hold = await proxy.holdFunds.executeWithOptions({ summary: `Hold ${amountOf(ctx)}` }, [fundsOf(ctx)]);
  if (!hold.ok) {
    ctx.state.failure = { check: 'balance', availableMinor: hold.availableMinor, amountMinor: ctx.input.amountMinor };
    await ctx.mark(hold.code, { details: ctx.state.failure, orderStatus: 'Failed' });
    return false;
  }
  await ctx.mark(CODES.FUNDS_HELD, { details: { amountMinor: ctx.input.amountMinor } });
  return true;
}

/** False, recorded with the check's code (Failed), when a pre-check refused the order. */
async function preChecksPassed(ctx: OrderContext, preCheck: PreCheckResult): Promise<boolean> {
  if (preCheck.ok) return true;
  ctx.state.failure = preCheck.details;
  await ctx.mark(preCheck.code, { details: preCheck.details, orderStatus: 'Failed' });
  return false;
}

/** False, recorded as a routing failure, when no gateway of the pipeline takes the order. */
async function routeFound(ctx: OrderContext): Promise<boolean> {
  if (ctx.state.route.length > 0) return true;
  ctx.state.failure = { check: 'routing', reason: 'no enabled gateway of the pipeline matches the order' };
  await ctx.mark(CODES.PRECHECK_ROUTING_BLOCKED, { details: ctx.state.failure, orderStatus: 'Failed' });
  return false;
}

/**
 * The lean shape's pre-checks and routing (first card only) in one local activity, which also writes the created
 * entry when given; then a payout's hold. Routing comes before the hold here: an order no gateway takes holds
 * nothing.
 */
async function prepareOrder(
  ctx: OrderContext,
  cardTry: number,
  created: OrderHistoryEntry | undefined,
): Promise<{ ok: boolean; holdPlaced: boolean }> {
  const checks = `(black list, limits)${cardTry === 1 ? ' and routing' : ''} for ${amountOf(ctx)}`;
  const summary = created ? `History ${entryInWords(ctx, created)}; pre-checks ${checks}` : `Pre-checks ${checks}`;
  const prepared = await persistence.prepareOrder.executeWithOptions({ summary }, [
    {
      order: ctx.snapshot,
      ...(created ? { created } : {}),
      preCheck: preCheckRequest(ctx),
      route: cardTry === 1 ? routeRequest(ctx) : null,
    },
  ]);
  if (!(await preChecksPassed(ctx, prepared.preCheck))) return { ok: false, holdPlaced: false };
  if (cardTry > 1) return { ok: true, holdPlaced: false };
  ctx.state.route = prepared.route ?? [];
  if (!(await routeFound(ctx))) return { ok: false, holdPlaced: false };
  if (ctx.direction === 'payout' && !(await holdPayout(ctx))) return { ok: false, holdPlaced: false };
  return { ok: true, holdPlaced: ctx.direction === 'payout' };
}

function preCheckRequest(ctx: OrderContext): PreCheckRequest {
  const { input, direction } = ctx;
  return {
    orderId: input.orderId,
    merchantId: input.merchantId,
    pipelineId: input.pipelineId,
    direction,
    amountMinor: input.amountMinor,
    currency: input.currency,
    method: input.method,
    requisites: ctx.requisites,
    at: new Date().toISOString(),
  };
}

function routeRequest(ctx: OrderContext): RouteRequest {
  const { input, direction } = ctx;
  return {
    pipelineId: input.pipelineId,
    direction,
    amountMinor: input.amountMinor,
    currency: input.currency,
    method: input.method,
    mode: input.mode,
    // For routing rules. Only the activity's input grows: the commands stay the same, so histories replay.
    orderId: input.orderId,
    merchantId: input.merchantId,
    requisites: ctx.requisites,
    at: new Date().toISOString(),
  };
}

/**
 * Whether the payer on the hosted form may try another card after the gateway's final decline `code`: a decline of
 * the card (the issuer's, or one without a reason), tries left, the form's lifetime and the order's deadline not
 * over, no cancellation asked for. Orders started before this release fail at the decline (the patch marker).
 */
function mayTryAnotherCard(ctx: OrderContext, cardTry: number, code: HistoryCode, deadline: number): boolean {
  return (
    ctx.input.payform === true &&
    payerMayTryAnotherCard(code) &&
    cardTry < cardTries(ctx) &&
    Date.now() < Math.min(ctx.payformDeadline, deadline) &&
    ctx.state.cancelRequested !== true &&
    ctx.hasPatch(PAYFORM_RETRY_PATCH)
  );
}

/**
 * A gateway of the route that reported success by callback while another was being tried has the payer's money
 * too. The order keeps its status; operations review it (1.0.3.78 / 1.0.4.78). A failed order with such a payment
 * still moves the money that moved, exactly once.
 */
async function reviewStrayPayments(ctx: OrderContext, success: boolean): Promise<boolean> {
  const paidAttempts = ctx.state.attempts.filter((a) => a.outcome === 'success').length;
  if (paidAttempts <= (success ? 1 : 0)) return success;
  await flagForReview(ctx, { paidAttempts });
  return true;
}

/** A gateway's success the order's status cannot show: a second one (1.0.3.78), or one after Failed (1.0.4.78). */
async function flagForReview(ctx: OrderContext, details: Record<string, number | boolean>): Promise<void> {
  ctx.setReconciliation('review');
  const code = ctx.state.status === 'Success' ? CODES.REVIEW_SECOND_SUCCESS : CODES.REVIEW_LATE_SUCCESS;
  await ctx.mark(code, { details });
}

/**
 * Before the workflow closes: callbacks that came after the order settled are recorded (a closed workflow could
 * not), and operator Updates still waiting are answered with the final state.
 */
async function closeInboxes(ctx: OrderContext): Promise<void> {
  const flaggedBefore = ctx.state.reconciliation === 'review';
  while (ctx.callbacks.length > 0) await recordStrayCallback(ctx, ctx.callbacks.shift()!);
  // The money has already moved by the order's status: operations correct it (docs/order-lifecycle.md).
  if (!flaggedBefore && ctx.state.reconciliation === 'review') await flagForReview(ctx, { afterSettlement: true });
  for (const command of ctx.operatorCommands.splice(0)) command.done();
  await wf.condition(wf.allHandlersFinished);
}
