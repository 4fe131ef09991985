import * as wf from '@temporalio/workflow';
import type { StatusOutcome } from '../../domain/gateway-contract';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import type { OrderStatus } from '../../domain/order';
import type { GatewayAttempt, GatewayCallbackSignal } from '../definitions';
import { attemptRef, sendCheck } from './gateway-calls';
import type { OrderContext } from './order-context';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Status checks back off from seconds to half an hour; the last delay repeats until the deadline. */
export const STATUS_CHECK_DELAYS_MS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
];
/** In reconciliation the gateway is asked less often: hourly, then every six hours (about 40 checks a week). */
export const RECONCILIATION_CHECK_DELAYS_MS = [HOUR, 2 * HOUR, 6 * HOUR];
/** Invalid or stray callbacks recorded per order; more are counted only, so a noisy sender cannot grow the history. */
export const MAX_RECORDED_INVALID_CALLBACKS = 20;

/**
 * How waiting for one gateway payment ended. `failed` carries the code that said so; `not_found` means the gateway
 * has no payment for the attempt's key after a create whose effect was unknown (safe to send again); `unknown`
 * means the time given ran out with the outcome still unknown; `operator-*` an operator decided on evidence.
 */
export type Resolution =
  { kind: 'success' } | { kind: 'failed'; code: HistoryCode } | { kind: 'not_found' } | { kind: 'unknown' };

export interface ResolveOptions {
  /** When to stop with `unknown` (a last check runs at that time); null: only an answer or an operator ends it. */
  until: number | null;
  delays: readonly number[];
  /** The order status a negative answer leaves the order in, decided by the caller (retry, cascade or fail). */
  statusAfter(resolution: Exclude<Resolution, { kind: 'success' | 'unknown' }>): OrderStatus;
}

/**
 * Waits for a gateway payment whose outcome is not known yet: status checks on durable timers, cut short by the
 * gateway's callback or an operator's command. Each change is recorded once; repeats are counted on the attempt.
 */
export async function resolvePayment(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  opts: ResolveOptions,
): Promise<Resolution> {
  ctx.resolving = true;
  try {
    return await waitForAnswer(ctx, attempt, opts);
  } finally {
    ctx.resolving = false;
  }
}

async function waitForAnswer(ctx: OrderContext, attempt: GatewayAttempt, opts: ResolveOptions): Promise<Resolution> {
  for (let polls = 0; ;) {
    const delay = opts.delays[Math.min(polls, opts.delays.length - 1)]!;
    const lastCheck = opts.until !== null && Date.now() + delay >= opts.until;
    // Without an end, nothing is polled any more: only the gateway's callback or an operator can settle it.
    const timeout = opts.until === null ? undefined : lastCheck ? Math.max(opts.until - Date.now(), 1) : delay;
    const cancelNews = () => ctx.state.cancelRequested === true && !cancelNoted(ctx);
    const inbox = () => ctx.callbacks.length > 0 || ctx.operatorCommands.length > 0 || cancelNews();
    const woken = timeout === undefined ? (await wf.condition(inbox), true) : await wf.condition(inbox, timeout);
    if (woken && cancelNews()) {
      // A cancellation does not abandon a payment the gateway may have: it is resolved first, then decides.
      await ctx.mark(CODES.CANCEL_IN_FLIGHT, { ...attemptRef(attempt), orderStatus: 'Processing' });
      continue;
    }
    if (woken && ctx.callbacks.length > 0) {
      const resolved = await handleCallback(ctx, attempt, ctx.callbacks.shift()!, opts);
      if (resolved) return resolved;
      continue;
    }
    if (woken) {
      const command = ctx.operatorCommands.shift()!;
      if (command.kind === 'resolve') {
        const { outcome, operator, reason, evidence } = command.resolution;
        attempt.outcome = outcome;
        await ctx.mark(outcome === 'success' ? CODES.OPERATOR_SUCCESS : CODES.OPERATOR_FAILED, {
          ...attemptRef(attempt),
          orderStatus: outcome === 'success' ? 'Success' : 'Failed',
          details: { operator, reason, evidence },
        });
        command.done();
        return outcome === 'success' ? { kind: 'success' } : { kind: 'failed', code: CODES.OPERATOR_FAILED };
      }
      await ctx.mark(CODES.OPERATOR_RECHECK, {
        ...attemptRef(attempt),
        details: { operator: command.request.operator, reason: command.request.reason },
      });
      const resolved = await checkOnce(ctx, attempt, opts);
      command.done();
      if (resolved) return resolved;
      continue;
    }
    polls += 1;
    const resolved = await checkOnce(ctx, attempt, opts);
    if (resolved) return resolved;
    if (lastCheck) return { kind: 'unknown' };
  }
}

const cancelNoted = (ctx: OrderContext) => ctx.state.history.some((h) => h.code === CODES.CANCEL_IN_FLIGHT);

/** One status check and what it settles, if anything. */
async function checkOnce(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  opts: ResolveOptions,
): Promise<Resolution | undefined> {
  const outcome = await sendCheck(ctx, attempt);
  const resolution = resolutionOf(attempt, outcome);
  if (resolution?.kind === 'success' && outcome.kind === 'success' && outcome.amountMinor !== undefined) {
    ctx.state.amountMinor = outcome.amountMinor;
  }
  await markOutcome(ctx, attempt, outcome.code, resolution, opts);
  return resolution;
}

function resolutionOf(attempt: GatewayAttempt, outcome: StatusOutcome): Resolution | undefined {
  switch (outcome.kind) {
    case 'success':
      attempt.exists = 'yes';
      attempt.outcome = 'success';
      return { kind: 'success' };
    case 'failed':
      attempt.exists = 'yes';
      attempt.outcome = 'failed';
      return { kind: 'failed', code: outcome.code };
    case 'pending':
      attempt.exists = 'yes';
      return undefined;
    case 'not_found':
      // Only a create whose effect was unknown can be settled by "no such payment"; a payment the gateway once
      // acknowledged and now cannot find is a gateway fault, and the order keeps asking.
      if (attempt.exists !== 'yes') {
        attempt.exists = 'no';
        return { kind: 'not_found' };
      }
      return undefined;
    case 'error':
      return undefined;
  }
}

/** Records a gateway's answer: always when it settles something, once per change otherwise. */
async function markOutcome(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  code: HistoryCode,
  resolution: Resolution | undefined,
  opts: ResolveOptions,
): Promise<void> {
  if (!resolution && attempt.lastCode === code) {
    attempt.repeatedChecks = (attempt.repeatedChecks ?? 0) + 1;
    attempt.unchangedChecks = (attempt.unchangedChecks ?? 0) + 1;
    return;
  }
  const repeats = attempt.unchangedChecks ?? 0;
  attempt.unchangedChecks = 0;
  attempt.lastCode = code;
  const orderStatus: OrderStatus | undefined =
    resolution?.kind === 'success'
      ? 'Success'
      : resolution && resolution.kind !== 'unknown'
        ? opts.statusAfter(resolution)
        : 'Processing';
  const amountChanged = resolution?.kind === 'success' && ctx.state.amountMinor !== ctx.state.requestedAmountMinor;
  await ctx.mark(code, {
    ...attemptRef(attempt),
    orderStatus,
    ...(repeats > 0 || amountChanged
      ? {
          details: {
            ...(repeats > 0 ? { previousAnswerRepeated: repeats } : {}),
            ...(amountChanged ? { amountMinor: ctx.state.amountMinor } : {}),
          },
        }
      : {}),
    ...(amountChanged ? { row: { settledAmountMinor: ctx.state.amountMinor } } : {}),
  });
}

/** A gateway callback: for the payment waited on it may settle it; anything else is recorded and changes nothing. */
async function handleCallback(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  callback: GatewayCallbackSignal,
  opts: ResolveOptions,
): Promise<Resolution | undefined> {
  const { verification } = callback;
  const aboutThis =
    verification.valid &&
    callback.gatewayId === attempt.gatewayId &&
    (!attempt.gatewayRef || verification.gatewayRef === attempt.gatewayRef) &&
    !(attempt.cardTry !== undefined && earlierCardsPayment(ctx, attempt, callback));
  if (!verification.valid || !aboutThis) {
    await recordStrayCallback(ctx, callback);
    return undefined;
  }
  attempt.gatewayRef = verification.gatewayRef;
  attempt.exists = 'yes';
  let resolution: Resolution | undefined;
  if (verification.status === 'success') {
    attempt.outcome = 'success';
    if (verification.amountMinor !== undefined) ctx.state.amountMinor = verification.amountMinor;
    resolution = { kind: 'success' };
  } else if (verification.status === 'failed') {
    attempt.outcome = 'failed';
    resolution = { kind: 'failed', code: verification.code };
  }
  attempt.lastCode = null; // a callback is always recorded, and the next check's answer after it too
  await markOutcome(ctx, attempt, verification.code, resolution, opts);
  return resolution;
}

/**
 * A callback about the payment of an earlier card of the payer's at the same gateway (a later try, waiting on a
 * payment whose reference it does not know yet, must not take it for its own).
 */
const earlierCardsPayment = (ctx: OrderContext, attempt: GatewayAttempt, callback: GatewayCallbackSignal): boolean =>
  ctx.state.attempts.some(
    (a) =>
      a !== attempt &&
      a.gatewayId === callback.gatewayId &&
      callback.verification.valid &&
      a.gatewayRef === callback.verification.gatewayRef,
  );

/**
 * An invalid callback, or a valid one about a payment not waited on (an earlier gateway of the cascade, a stale
 * reference): recorded in the history, up to a bound. A success about another attempt of this order is a second
 * charge: the order is flagged for operations.
 */
export async function recordStrayCallback(ctx: OrderContext, callback: GatewayCallbackSignal): Promise<void> {
  const { verification } = callback;
  ctx.state.invalidCallbacks += 1;
  const about = verification.valid
    ? ctx.state.attempts.find(
        (a) => a.gatewayId === callback.gatewayId && (!a.gatewayRef || a.gatewayRef === verification.gatewayRef),
      )
    : undefined;
  // A repeat of what the order already knows (a gateway calling back twice) is no news; a success the order did not
  // count is a payment operations must look at.
  const contradiction = verification.valid && verification.status === 'success' && about?.outcome !== 'success';
  if (contradiction) {
    if (about) about.outcome = 'success';
    ctx.setReconciliation('review');
  }
  if (ctx.state.invalidCallbacks > MAX_RECORDED_INVALID_CALLBACKS && !contradiction) return;
  await ctx.mark(verification.code, {
    gatewayId: callback.gatewayId,
    ...(verification.gatewayRef ? { gatewayRef: verification.gatewayRef } : {}),
    ...(verification.valid ? { details: { stray: true } } : {}),
  });
}
