import { createOutcomeOnAttempt } from '../../activities/create-retries';
import type { CreateOutcome } from '../../domain/gateway-contract';

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
