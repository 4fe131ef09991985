import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import {
  type CreateOutcome,
  GATEWAY_FAILURE,
  NOT_SENT_FAILURES,
  type StatusOutcome,
} from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import { gateway, gatewayChecks } from '../activity-profiles';
import type { GatewayAttempt } from '../definitions';
import type { OrderContext } from './order-context';
import { amountOf, gatewayName } from './ui-metadata';

/** A create's outcome, or `unsent`: our side failed before calling the gateway. */
export type CreateResult = CreateOutcome | { kind: 'unsent' };

/**
 * Sends the attempt's create; records nothing (the caller marks the outcome with what it decided). When even the
 * activity's own retries fail, nobody knows whether the request reached the gateway: an ambiguous outcome
 * (2.0.2.14), resolved by status checks like a timeout. An unknown or misconfigured gateway never got the request:
 * an invalid request (2.2.4.15), which cascades.
 */
export async function sendCreate(ctx: OrderContext, attempt: GatewayAttempt): Promise<CreateResult> {
  let outcome: CreateOutcome;
  try {
    const summary = `Create the payment of ${amountOf(ctx)} at ${gatewayName(ctx, attempt.gatewayId)} (send ${attempt.creates + 1})`;
    outcome = await gateway.createGatewayPayment.executeWithOptions({ summary }, [
      attempt.gatewayId,
      {
        idempotencyKey: attempt.idempotencyKey,
        orderId: ctx.input.orderId,
        direction: ctx.direction,
        amountMinor: ctx.input.amountMinor,
        currency: ctx.input.currency,
        requisites: { cardMask: ctx.requisites.cardMask },
      },
    ]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const type = err.cause instanceof ApplicationFailure ? (err.cause.type ?? '') : '';
    // The engine's own infrastructure (PostgreSQL) failed before the gateway was called: nothing was sent, and it is
    // no answer of the gateway's, so it neither spends a retry nor moves the order on.
    if (type === GATEWAY_FAILURE.configUnavailable) return { kind: 'unsent' };
    outcome = NOT_SENT_FAILURES.includes(type)
      ? { kind: 'declined', code: CODES.GATEWAY_INVALID_REQUEST }
      : { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true };
  }
  attempt.creates += 1;
  attempt.lastCode = outcome.code;
  ctx.notePsp(attempt.gatewayId, outcome.code, outcome.psp);
  if (outcome.kind === 'accepted' || (outcome.kind === 'declined' && outcome.gatewayRef)) {
    attempt.gatewayRef = outcome.gatewayRef ?? attempt.gatewayRef;
  }
  return outcome;
}

/** One status check, by gateway reference when there is one and always by idempotency key; records nothing. */
export async function sendCheck(ctx: OrderContext, attempt: GatewayAttempt): Promise<StatusOutcome> {
  ctx.state.statusChecks += 1;
  let outcome: StatusOutcome;
  try {
    const summary = `Status check ${ctx.state.statusChecks} at ${gatewayName(ctx, attempt.gatewayId)}`;
    const proxy = ctx.lean ? gatewayChecks : gateway;
    outcome = await proxy.checkGatewayPayment.executeWithOptions({ summary }, [
      attempt.gatewayId,
      {
        gatewayRef: attempt.gatewayRef ?? undefined,
        idempotencyKey: attempt.idempotencyKey,
        ...(ctx.lean ? { at: new Date().toISOString() } : {}),
      },
    ]);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    outcome = { kind: 'error', code: CODES.CHECK_INVALID_RESPONSE };
  }
  ctx.notePsp(attempt.gatewayId, outcome.code, outcome.psp);
  if ((outcome.kind === 'success' || outcome.kind === 'failed') && outcome.gatewayRef) {
    attempt.gatewayRef = outcome.gatewayRef;
  }
  return outcome;
}

/** The attempt's gateway and reference, for its history entries. */
export const attemptRef = (attempt: GatewayAttempt) => ({
  gatewayId: attempt.gatewayId,
  ...(attempt.gatewayRef ? { gatewayRef: attempt.gatewayRef } : {}),
});
