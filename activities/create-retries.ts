import type { CreateOutcome } from '../domain/gateway-contract';
import { CODES } from '../domain/history-codes';
import { cascadeDecision } from '../domain/cascade-policy';

/**
 * A create's answer as the workflow may believe it on the activity's `attempt`. "The request never reached the
 * gateway" (an answer the cascade retries blindly, TECH.CONNECTION_FAIL) speaks only for this attempt: an earlier
 * attempt of the same activity failed after it may have sent the payment (the worker died, the connector threw).
 * From the second attempt on, such an answer is ambiguous (2.0.2.14): a status check decides, as after a timeout.
 */
export function createOutcomeOnAttempt(outcome: CreateOutcome, attempt: number): CreateOutcome {
  if (attempt <= 1 || outcome.kind === 'accepted' || cascadeDecision(outcome.code) !== 'retry') return outcome;
  return { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true };
}
