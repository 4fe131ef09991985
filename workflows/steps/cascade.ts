import * as wf from '@temporalio/workflow';
import { cascadeDecision, SAME_GATEWAY_RETRY_DELAYS_MS, type CascadeDecision } from '../../domain/cascade-policy';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import type { OrderStatus } from '../../domain/order';
import type { RouteCandidate } from '../../domain/operations-contract';
import type { GatewayAttempt } from '../definitions';
import { attemptRef, sendCreate } from './gateway-calls';
import type { OrderContext } from './order-context';
import { resolvePayment, STATUS_CHECK_DELAYS_MS, type Resolution } from './resolve-payment';

/** An unknown create (2.0.2.RR) that a status check found never reached the gateway becomes a failed one (2.2.4.RR). */
const CREATE_RULED_OUT: Partial<Record<HistoryCode, HistoryCode>> = {
  [CODES.GATEWAY_AMBIGUOUS_TIMEOUT]: CODES.GATEWAY_TIMEOUT_RULED_OUT,
  [CODES.GATEWAY_AMBIGUOUS_RESPONSE]: CODES.GATEWAY_INVALID_RESPONSE_RULED_OUT,
};

/**
 * Orders that follow an operator's override of the cascade decision for a PSP answer (gateway answers as data).
 * Checked only when a decline carries one, so histories recorded before never meet it.
 */
export const ANSWER_OVERRIDES_PATCH = 'gateway-answer-overrides';

/** While our own infrastructure cannot reach a gateway's configuration, the create waits this long and tries again. */
const UNSENT_RETRY_DELAY_MS = 30_000;

/**
 * How the route ended: paid at `attempt`; failed with nothing left unknown at any gateway; or `unknown` — the
 * deadline came while `attempt`'s payment might exist, which the order must reconcile rather than fail.
 */
export type CascadeResult =
  | { kind: 'success'; attempt: GatewayAttempt }
  | { kind: 'failed'; anotherCard?: { declined: HistoryCode } }
  | { kind: 'unknown'; attempt: GatewayAttempt };

/**
 * Which of the payer's card tries on the hosted form the route is walked for, and whether a final decline lets the
 * payer try another card (the caller knows the tries, the form's lifetime and the cancellation). When it does, the
 * decline leaves the order Processing and the result says so (`anotherCard`), instead of Failed.
 */
export interface CardTry {
  number: number;
  anotherCardAfter(code: HistoryCode): boolean;
}

/**
 * What the order does after a negative answer, once retries, the route, the deadline and cancellation count;
 * `because` says when the deadline or a cancellation, not the answer, ends the order.
 */
interface Plan {
  step: 'retry' | 'next' | 'fail';
  because?: 'deadline' | 'cancel';
  /** A final decline after which the payer may try another card: the order stays Processing. */
  anotherCard?: { declined: HistoryCode };
}

/**
 * Walks the route: each gateway gets the payment until one succeeds, one fails it for good, or the route runs out.
 * What happens after a negative answer is the cascade decision table's call (domain/cascade-policy.ts); no payment
 * is created at or after the deadline, or after the workflow was asked to cancel.
 */
export async function cascade(
  ctx: OrderContext,
  route: RouteCandidate[],
  deadline: number,
  cardTry?: CardTry,
): Promise<CascadeResult> {
  const tryNumber = cardTry?.number ?? 1;
  for (const [index, candidate] of route.entries()) {
    if (index > 0) await ctx.mark(CODES.CASCADE, { gatewayId: candidate.gatewayId, orderStatus: 'Processing' });
    const attempt: GatewayAttempt = {
      gatewayId: candidate.gatewayId,
      // Stable per gateway: a retry of the same create is the same request to the gateway, which deduplicates it.
      // Another card of the payer is a new payment: its keys carry the try, so no gateway returns the first one.
      idempotencyKey:
        tryNumber === 1 ? `${ctx.workflowId}:${index + 1}` : `${ctx.workflowId}:${tryNumber}:${index + 1}`,
      ...(tryNumber > 1 ? { cardTry: tryNumber } : {}),
      gatewayRef: null,
      creates: 0,
      lastCode: null,
      exists: 'no',
    };
    ctx.state.attempts.push(attempt);
    ctx.setSearchableGateway(candidate.gatewayId);
    const result = await attemptGateway(ctx, attempt, deadline, index === route.length - 1, cardTry);
    if (result !== 'next') return result;
  }
  return { kind: 'failed' }; // an empty route: routing refuses it before, this only keeps the type honest
}

async function attemptGateway(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  deadline: number,
  isLast: boolean,
  cardTry?: CardTry,
): Promise<CascadeResult | 'next'> {
  let retries = 0;
  /**
   * After a negative answer (`code`, when it is a gateway's decline): the same gateway again, the next one, or the
   * end of the order — and why it ends, or that the payer may try another card.
   */
  const plan = (decision: CascadeDecision, code?: HistoryCode): Plan => {
    const planned = planAfter(decision);
    if (planned.step !== 'fail' || planned.because || !code || !cardTry?.anotherCardAfter(code)) return planned;
    return { ...planned, anotherCard: { declined: code } };
  };
  const planAfter = (decision: CascadeDecision): Plan => {
    const stoppedBy = (wakeAt: number): Plan['because'] =>
      ctx.state.cancelRequested ? 'cancel' : wakeAt >= deadline ? 'deadline' : undefined;
    if (decision === 'retry' && retries < SAME_GATEWAY_RETRY_DELAYS_MS.length) {
      const because = stoppedBy(Date.now() + SAME_GATEWAY_RETRY_DELAYS_MS[retries]!);
      if (!because) return { step: 'retry' };
      return { step: 'fail', because };
    }
    if (decision === 'stop' || isLast) return { step: 'fail' };
    const because = stoppedBy(Date.now());
    return because ? { step: 'fail', because } : { step: 'next' };
  };
  const statusOf = (p: Plan): OrderStatus => (p.step === 'fail' && !p.anotherCard ? 'Failed' : 'Processing');
  const follow = async (p: Plan): Promise<CascadeResult | 'next' | 'retry'> => {
    if (p.because) {
      await ctx.mark(p.because === 'cancel' ? CODES.CANCELLED : CODES.DEADLINE_REACHED, {
        gatewayId: attempt.gatewayId,
        orderStatus: 'Failed',
      });
    }
    if (p.step === 'fail') return p.anotherCard ? { kind: 'failed', anotherCard: p.anotherCard } : { kind: 'failed' };
    if (p.step === 'next') return 'next';
    await ctx.mark(CODES.RETRY, { gatewayId: attempt.gatewayId, orderStatus: 'Processing' });
    await wf.condition(() => ctx.state.cancelRequested === true, SAME_GATEWAY_RETRY_DELAYS_MS[retries++]!);
    return 'retry';
  };

  for (;;) {
    if (ctx.state.cancelRequested || Date.now() >= deadline) {
      await ctx.mark(ctx.state.cancelRequested ? CODES.CANCELLED : CODES.DEADLINE_REACHED, {
        gatewayId: attempt.gatewayId,
        orderStatus: 'Failed',
      });
      return { kind: 'failed' };
    }
    const created = await sendCreate(ctx, attempt);
    if (created.kind === 'unsent') {
      await wf.condition(() => ctx.state.cancelRequested === true, UNSENT_RETRY_DELAY_MS);
      continue;
    }
    if (created.kind === 'accepted') {
      attempt.exists = 'yes';
      if (created.status === 'success') {
        attempt.outcome = 'success';
        await ctx.mark(created.code, { ...attemptRef(attempt), orderStatus: 'Success' });
        return { kind: 'success', attempt };
      }
      await ctx.mark(created.code, { ...attemptRef(attempt), orderStatus: 'Processing' });
    } else {
      const decision: CascadeDecision =
        created.kind === 'failed' && created.ambiguous
          ? 'check'
          : created.kind === 'declined' && created.decision && ctx.hasPatch(ANSWER_OVERRIDES_PATCH)
            ? created.decision
            : cascadeDecision(created.code);
      if (decision !== 'check') {
        const next = plan(decision, created.code);
        await ctx.mark(created.code, { ...attemptRef(attempt), orderStatus: statusOf(next) });
        const result = await follow(next);
        if (result === 'retry') continue;
        return result;
      }
      if (attempt.exists === 'no') attempt.exists = 'maybe';
      await ctx.mark(created.code, { ...attemptRef(attempt), orderStatus: 'Processing' });
    }

    // The gateway has the payment, or may have it: only its answer decides what happens next.
    let next: Plan | undefined;
    const resolution = await resolvePayment(ctx, attempt, {
      until: deadline,
      delays: STATUS_CHECK_DELAYS_MS,
      statusAfter: (r) => statusOf((next = plan(decisionOf(r), declineOf(r)))),
    });
    if (resolution.kind === 'success') return { kind: 'success', attempt };
    if (resolution.kind === 'unknown') return { kind: 'unknown', attempt };
    const after = next ?? plan(decisionOf(resolution), declineOf(resolution));
    const settledCreate = resolution.kind === 'not_found' ? CREATE_RULED_OUT[created.code] : undefined;
    // The check ruled out that the gateway took the unknown create: the create itself failed, and its code says so.
    if (settledCreate) await ctx.mark(settledCreate, { ...attemptRef(attempt), orderStatus: statusOf(after) });
    const result = await follow(after);
    if (result === 'retry') continue;
    return result;
  }
}

/**
 * A definitive failure cascades or stops by the table; "no such payment" after an unknown create means the
 * gateway never got it: sending it again, with the same key, cannot charge twice.
 */
function decisionOf(resolution: Extract<Resolution, { kind: 'failed' | 'not_found' }>): CascadeDecision {
  if (resolution.kind === 'not_found') return 'retry';
  const decision = cascadeDecision(resolution.code as HistoryCode);
  // A payment that failed for good cannot be retried under the same key, whatever its reason says.
  return decision === 'stop' ? 'stop' : 'next';
}

/** The gateway's decline a resolution ended with, if it was one ("no such payment" is not). */
const declineOf = (resolution: Extract<Resolution, { kind: 'failed' | 'not_found' }>): HistoryCode | undefined =>
  resolution.kind === 'failed' ? resolution.code : undefined;
