import * as wf from '@temporalio/workflow';
import { cascadeDecisionV1 as cascadeDecision } from '../../../domain/cascade-policy';
import { CODES } from '../../../domain/history-codes';
import type { GatewayAttempt, GatewayCallbackSignal } from '../../definitions';
import { checkAtGateway } from './gateway-calls';
import type { OrderContext } from './order-context';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
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
/** Invalid callbacks recorded per order; more are ignored silently, so a noisy sender cannot grow the history. */
export const MAX_RECORDED_INVALID_CALLBACKS = 20;

/** How waiting for a gateway ended: paid, failed for good, or failed in a way the next gateway may not repeat. */
export type AttemptResult = 'success' | 'failed' | 'next';

/**
 * Waits for the gateway to resolve a pending payment: status checks on durable timers with backoff, cut short by
 * the gateway's callback. At the deadline a last check runs; a payment still unresolved then fails the order.
 */
export async function awaitGatewayResult(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  deadline: number,
): Promise<AttemptResult> {
  let polls = 0;
  for (;;) {
    const delay = STATUS_CHECK_DELAYS_MS[Math.min(polls, STATUS_CHECK_DELAYS_MS.length - 1)]!;
    const lastCheck = Date.now() + delay >= deadline;
    const callbackArrived = await wf.condition(
      () => ctx.callbacks.length > 0,
      lastCheck ? Math.max(deadline - Date.now(), 1) : delay,
    );
    if (callbackArrived) {
      const result = await handleCallback(ctx, attempt, ctx.callbacks.shift()!);
      if (result) return result;
      continue;
    }
    polls += 1;
    const outcome = await checkAtGateway(ctx, attempt);
    if (outcome.kind === 'success') return 'success';
    if (outcome.kind === 'failed') return cascadeDecision(outcome.code) === 'next' ? 'next' : 'failed';
    if (lastCheck) {
      await ctx.mark(CODES.DEADLINE_REACHED, { gatewayId: attempt.gatewayId });
      return 'failed';
    }
  }
}

/** Records a callback and says how the attempt ended, or undefined to keep waiting. */
async function handleCallback(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  callback: GatewayCallbackSignal,
): Promise<AttemptResult | undefined> {
  const { verification } = callback;
  if (!verification.valid) {
    ctx.state.invalidCallbacks += 1;
    if (ctx.state.invalidCallbacks <= MAX_RECORDED_INVALID_CALLBACKS) {
      await ctx.mark(verification.code, { gatewayId: callback.gatewayId });
    }
    return undefined;
  }
  // A valid callback about another payment (another gateway of the cascade, a stale reference) changes nothing.
  if (
    callback.gatewayId !== attempt.gatewayId ||
    (attempt.gatewayRef && verification.gatewayRef !== attempt.gatewayRef)
  ) {
    return undefined;
  }
  attempt.gatewayRef = verification.gatewayRef;
  attempt.lastCode = verification.code;
  if (verification.status === 'success' && verification.amountMinor !== undefined) {
    ctx.state.amountMinor = verification.amountMinor;
  }
  await ctx.mark(verification.code, {
    gatewayId: attempt.gatewayId,
    ...(verification.amountMinor !== undefined ? { details: { amountMinor: verification.amountMinor } } : {}),
  });
  if (verification.status === 'success') return 'success';
  if (verification.status === 'failed') return cascadeDecision(verification.code) === 'next' ? 'next' : 'failed';
  return undefined;
}
