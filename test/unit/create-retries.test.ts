import { ApplicationFailure } from '@temporalio/common';
import { createFailureOnAttempt, createOutcomeOnAttempt } from '../../activities/create-retries';
import { type CreateOutcome, GATEWAY_FAILURE, NOT_SENT_FAILURES } from '../../domain/gateway-contract';

describe("a create's answer on a retry of its activity", () => {
  const refused: CreateOutcome = { kind: 'failed', code: '2.2.4.12', ambiguous: false };

  it('keeps "never reached" on the first attempt', () => {
    expect(createOutcomeOnAttempt(refused, 1)).toBe(refused);
  });

  it('makes "never reached" ambiguous from the second attempt on: an earlier one may have sent the payment', () => {
    expect(createOutcomeOnAttempt(refused, 2)).toEqual({ kind: 'failed', code: '2.0.2.14', ambiguous: true });
  });

  it('keeps every other answer as it is', () => {
    const serverError: CreateOutcome = { kind: 'failed', code: '2.2.4.13', ambiguous: false };
    expect(createOutcomeOnAttempt(serverError, 3)).toBe(serverError);
  });
});

describe("a create's failure on a retry of its activity", () => {
  const unknownGateway = ApplicationFailure.create({
    type: 'UnknownGateway',
    message: 'no gateway g1',
    nonRetryable: true,
  });

  it('keeps "unknown gateway" on the first attempt: nothing was sent, the workflow may cascade', () => {
    expect(createFailureOnAttempt(unknownGateway, 1)).toBe(unknownGateway);
  });

  it.each(['UnknownGateway', 'GatewayMisconfigured'])(
    'makes %s from the second attempt on a failure the workflow does not read as "never sent"',
    (type) => {
      const failure = createFailureOnAttempt(ApplicationFailure.create({ type, message: 'm', nonRetryable: true }), 2);
      expect(failure).toMatchObject({ type: GATEWAY_FAILURE.unusableOnRetry, nonRetryable: true });
      expect(NOT_SENT_FAILURES).not.toContain((failure as ApplicationFailure).type);
    },
  );

  it('passes every other failure on as it is', () => {
    const other = new Error('connector bug');
    expect(createFailureOnAttempt(other, 3)).toBe(other);
    const unavailable = ApplicationFailure.create({ type: GATEWAY_FAILURE.configUnavailable, message: 'db down' });
    expect(createFailureOnAttempt(unavailable, 3)).toBe(unavailable);
  });
});
