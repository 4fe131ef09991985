import * as wf from '@temporalio/workflow';
import {
  cascadeDecisionV1 as cascadeDecision,
  SAME_GATEWAY_RETRY_DELAYS_MS,
  type CascadeDecision,
} from '../../../domain/cascade-policy';
import { CODES } from '../../../domain/history-codes';
import type { RouteCandidate } from '../../../domain/operations-contract';
import type { GatewayAttempt } from '../../definitions';
import { awaitGatewayResult, type AttemptResult } from './await-result';
import { checkAtGateway, createAtGateway } from './gateway-calls';
import type { OrderContext } from './order-context';

/** Delays between status checks that resolve an ambiguous create; after them the order keeps polling. */
const AMBIGUITY_CHECK_DELAYS_MS = [10_000, 30_000, 60_000];

/**
 * Walks the route: each gateway gets the payment until one succeeds, one fails it for good, or the route runs
 * out. What happens after a negative answer is the cascade decision table's call (domain/cascade-policy.ts).
 */
export async function cascade(
  ctx: OrderContext,
  route: RouteCandidate[],
  deadline: number,
): Promise<'success' | 'failed'> {
  for (const [index, candidate] of route.entries()) {
    if (index > 0) await ctx.mark(CODES.CASCADE, { gatewayId: candidate.gatewayId });
    const attempt: GatewayAttempt = {
      gatewayId: candidate.gatewayId,
      // Stable per gateway: a retry of the same create is the same request to the gateway, which deduplicates it.
      idempotencyKey: `${ctx.workflowId}:${index + 1}`,
      gatewayRef: null,
      creates: 0,
      lastCode: null,
    };
    ctx.state.attempts.push(attempt);
    ctx.setSearchableGateway(candidate.gatewayId);
    const result = await attemptGateway(ctx, attempt, deadline);
    if (result !== 'next') return result;
  }
  return 'failed';
}

async function attemptGateway(ctx: OrderContext, attempt: GatewayAttempt, deadline: number): Promise<AttemptResult> {
  for (let retries = 0; ;) {
    const created = await createAtGateway(ctx, attempt);
    if (created.kind === 'accepted') {
      return created.status === 'success' ? 'success' : awaitGatewayResult(ctx, attempt, deadline);
    }
    let decision: CascadeDecision =
      created.kind === 'failed' && created.ambiguous ? 'check' : cascadeDecision(created.code);
    if (decision === 'check') {
      const resolved = await resolveAmbiguousCreate(ctx, attempt);
      if (resolved === 'pending') return awaitGatewayResult(ctx, attempt, deadline);
      if (resolved !== 'not_found') return resolved;
      decision = 'retry'; // the gateway never got it: sending it again cannot charge twice
    }
    if (decision === 'retry' && retries < SAME_GATEWAY_RETRY_DELAYS_MS.length) {
      await ctx.mark(CODES.RETRY, { gatewayId: attempt.gatewayId });
      await wf.sleep(SAME_GATEWAY_RETRY_DELAYS_MS[retries++]!);
      continue;
    }
    return decision === 'stop' ? 'failed' : 'next';
  }
}

/**
 * After a create whose fate is unknown, asks the gateway by idempotency key. If the checks themselves keep failing,
 * the payment may exist: the order then keeps polling it rather than risk a second charge elsewhere.
 */
async function resolveAmbiguousCreate(
  ctx: OrderContext,
  attempt: GatewayAttempt,
): Promise<AttemptResult | 'pending' | 'not_found'> {
  for (const delay of AMBIGUITY_CHECK_DELAYS_MS) {
    const outcome = await checkAtGateway(ctx, attempt);
    if (outcome.kind === 'success') return 'success';
    if (outcome.kind === 'failed') return cascadeDecision(outcome.code) === 'next' ? 'next' : 'failed';
    if (outcome.kind === 'pending' || outcome.kind === 'not_found') return outcome.kind;
    await wf.sleep(delay);
  }
  return 'pending';
}
