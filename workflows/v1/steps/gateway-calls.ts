import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { CreateOutcome, StatusOutcome } from '../../../domain/gateway-contract';
import { CODES } from '../../../domain/history-codes';
import { gateway } from '../../activity-profiles';
import type { GatewayAttempt } from '../../definitions';
import type { OrderContext } from './order-context';

/** Failures raised before anything was sent: the gateway is unknown or its settings are unusable. */
const NOT_SENT_FAILURES = ['UnknownGateway', 'GatewayMisconfigured'];

/**
 * Sends the attempt's create. When even the activity's own retries fail, nobody knows whether the request reached
 * the gateway: that is an ambiguous outcome, resolved by a status check like a timeout. A gateway that is unknown
 * or misconfigured never got the request: that counts as an invalid request (2.2.4.15), which cascades.
 */
export async function createAtGateway(ctx: OrderContext, attempt: GatewayAttempt): Promise<CreateOutcome> {
  attempt.creates += 1;
  let outcome: CreateOutcome;
  try {
    outcome = await gateway.createGatewayPayment(attempt.gatewayId, {
      idempotencyKey: attempt.idempotencyKey,
      orderId: ctx.input.orderId,
      direction: ctx.direction,
      amountMinor: ctx.input.amountMinor,
      currency: ctx.input.currency,
      requisites: { cardMask: ctx.requisites.cardMask },
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const notSent = err.cause instanceof ApplicationFailure && NOT_SENT_FAILURES.includes(err.cause.type ?? '');
    outcome = notSent
      ? { kind: 'declined', code: CODES.GATEWAY_INVALID_REQUEST }
      : { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true };
  }
  attempt.lastCode = outcome.code;
  if (outcome.kind === 'accepted') attempt.gatewayRef = outcome.gatewayRef;
  await ctx.mark(outcome.code, { gatewayId: attempt.gatewayId, ...refOf(attempt) });
  return outcome;
}

const refOf = (attempt: GatewayAttempt) => (attempt.gatewayRef ? { gatewayRef: attempt.gatewayRef } : {});

/**
 * One status check, by gateway reference when there is one and always by idempotency key. A repeated "still
 * pending" is counted but not appended again: the history shows changes, not every poll.
 */
export async function checkAtGateway(ctx: OrderContext, attempt: GatewayAttempt): Promise<StatusOutcome> {
  ctx.state.statusChecks += 1;
  let outcome: StatusOutcome;
  try {
    outcome = await gateway.checkGatewayPayment(attempt.gatewayId, {
      gatewayRef: attempt.gatewayRef ?? undefined,
      idempotencyKey: attempt.idempotencyKey,
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    outcome = { kind: 'error', code: CODES.CHECK_INVALID_RESPONSE };
  }
  if ((outcome.kind === 'success' || outcome.kind === 'failed') && outcome.gatewayRef) {
    attempt.gatewayRef = outcome.gatewayRef;
  }
  const repeated = outcome.kind === 'pending' && attempt.lastCode === outcome.code;
  attempt.lastCode = outcome.code;
  if (!repeated) await ctx.mark(outcome.code, { gatewayId: attempt.gatewayId, ...refOf(attempt) });
  return outcome;
}
