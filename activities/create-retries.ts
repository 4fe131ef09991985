import { ApplicationFailure } from '@temporalio/common';
import { type CreateOutcome, GATEWAY_FAILURE, NOT_SENT_FAILURES } from '../domain/gateway-contract';
import { CODES } from '../domain/history-codes';
import { cascadeDecision } from '../domain/cascade-policy';

/*
 * A create's activity is retried when an attempt fails after it may have sent the payment (the worker died, the
 * connector threw). Whatever a later attempt finds that says "never sent" speaks only for that attempt, so from
 * the second attempt on it must not let the workflow cascade blindly: a status check decides, as after a timeout.
 */

/**
 * A create's answer as the workflow may believe it on the activity's `attempt`: "the request never reached the
 * gateway" (an answer the cascade retries blindly, TECH.CONNECTION_FAIL) becomes ambiguous (2.0.2.14) from the
 * second attempt on.
 */
export function createOutcomeOnAttempt(outcome: CreateOutcome, attempt: number): CreateOutcome {
  if (attempt <= 1 || outcome.kind === 'accepted' || cascadeDecision(outcome.code) !== 'retry') return outcome;
  return { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true };
}

/**
 * A create's failure as the workflow may read it on the activity's `attempt`: a gateway found unknown or
 * misconfigured (the workflow would cascade at once, 2.2.4.15) becomes `GatewayUnusableOnRetry` from the second
 * attempt on, which the workflow resolves by status checks (2.0.2.14). Any other failure is passed on as it is.
 */
export function createFailureOnAttempt(err: unknown, attempt: number): unknown {
  if (attempt <= 1 || !(err instanceof ApplicationFailure) || !NOT_SENT_FAILURES.includes(err.type ?? '')) return err;
  return ApplicationFailure.create({
    type: GATEWAY_FAILURE.unusableOnRetry,
    message: `${err.message}; an earlier attempt of this create may have sent the payment`,
    nonRetryable: true,
  });
}
