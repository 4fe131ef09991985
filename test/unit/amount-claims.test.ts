import { checkCallbackAgainstOrder, checkStatusAgainstOrder, type CallbackOrder } from '../../gateways/amount-claims';
import type { AmountUpdatePolicy, CallbackVerification, StatusOutcome } from '../../domain/gateway-contract';
import { amountUpdatePolicyOf } from '../../gateways/amount-updates';
import { SANDBOX_PSP_AMOUNT_UPDATES } from '../../gateways/sandbox/protocol';

const order: CallbackOrder = { direction: 'deposit', amountMinor: 10_000, currency: 'USD', method: 'card' };
const success = (amountMinor: number, currency = 'USD', requestedAmountMinor = 10_000) =>
  ({
    valid: true,
    gatewayRef: 'pay_1',
    status: 'success',
    code: '5.1.3.00',
    claim: { currency, amountMinor, requestedAmountMinor },
  }) satisfies CallbackVerification as Extract<CallbackVerification, { valid: true }>;
const check = (
  v: CallbackVerification,
  o: Partial<CallbackOrder> = {},
  policy: AmountUpdatePolicy | undefined = SANDBOX_PSP_AMOUNT_UPDATES,
) => checkCallbackAgainstOrder(v, { ...order, ...o }, policy);
const invalid = { valid: false, code: '5.2.2.17', gatewayRef: 'pay_1' };

describe('checkCallbackAgainstOrder', () => {
  test('a callback agreeing with the order passes, without its claim', () => {
    expect(check(success(10_000))).toEqual({
      verification: { valid: true, gatewayRef: 'pay_1', status: 'success', code: '5.1.3.00' },
    });
  });

  test('another currency, another requested amount, or zero is an invalid payload', () => {
    expect(check(success(10_000, 'EUR'))).toEqual({ verification: invalid, refusal: 'currency' });
    expect(check(success(1, 'USD', 1))).toEqual({ verification: invalid, refusal: 'requested-amount' });
    expect(check(success(0))).toEqual({ verification: invalid, refusal: 'zero-amount' });
    const failedInEuro: CallbackVerification = { ...success(10_000, 'EUR'), status: 'failed', code: '5.1.4.00' };
    expect(check(failedInEuro)).toEqual({ verification: invalid, refusal: 'currency' });
  });

  test('an amount update within the tolerance (rounded up to a minor unit) is 5.1.3.35 with the new amount', () => {
    expect(check(success(9_000)).verification).toEqual({
      valid: true,
      gatewayRef: 'pay_1',
      status: 'success',
      code: '5.1.3.35',
      amountMinor: 9_000,
    });
    expect(check(success(8_999)).refusal).toBe('amount-beyond-tolerance');
    expect(check(success(11_000)).verification).toMatchObject({ code: '5.1.3.35', amountMinor: 11_000 });
    // 90% of 100.73 rounded down is 90.65: 10.08 off, within 10% rounded up to the cent.
    expect(check(success(9_065, 'USD', 10_073), { amountMinor: 10_073 }).refusal).toBeUndefined();
  });

  test('only connectors and methods that allow updates; a payout never above what was held', () => {
    expect(check(success(9_500), {}, null as never).refusal).toBe('amount-updates-not-allowed');
    expect(check(success(9_500), { method: 'token' }).refusal).toBe('amount-updates-not-allowed');
    expect(check(success(10_500), { direction: 'payout' }).refusal).toBe('payout-above-held');
    expect(check(success(9_500), { direction: 'payout' }).refusal).toBeUndefined();
  });

  test('a gateway setting narrows its connector’s tolerance, and 0 turns updates off', () => {
    expect(amountUpdatePolicyOf(SANDBOX_PSP_AMOUNT_UPDATES, { amountUpdateTolerancePercent: 2 })).toEqual({
      ...SANDBOX_PSP_AMOUNT_UPDATES,
      tolerancePercent: 2,
    });
    expect(amountUpdatePolicyOf(SANDBOX_PSP_AMOUNT_UPDATES, { amountUpdateTolerancePercent: 50 })).toEqual(
      SANDBOX_PSP_AMOUNT_UPDATES,
    );
    expect(amountUpdatePolicyOf(SANDBOX_PSP_AMOUNT_UPDATES, { amountUpdateTolerancePercent: 0 })).toBeUndefined();
    expect(amountUpdatePolicyOf(undefined, { amountUpdateTolerancePercent: 5 })).toBeUndefined();
  });
});

describe('checkStatusAgainstOrder: a status check answer is held to the same rules as a callback', () => {
  const paid = (amountMinor: number, currency = 'USD', requestedAmountMinor = 10_000): StatusOutcome => ({
    kind: 'success',
    code: '4.1.3.00',
    gatewayRef: 'pay_1',
    ...(amountMinor !== requestedAmountMinor ? { amountMinor } : {}),
    claim: { currency, amountMinor, requestedAmountMinor },
  });
  const status = (o: StatusOutcome, money: Partial<CallbackOrder> = {}) =>
    checkStatusAgainstOrder(o, { ...order, ...money }, SANDBOX_PSP_AMOUNT_UPDATES);
  const invalidAnswer = { kind: 'error', code: '4.2.2.14' };

  test('an answer agreeing with the order passes without its claim; an update within the rules keeps its amount', () => {
    expect(status(paid(10_000))).toEqual({ outcome: { kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1' } });
    expect(status(paid(9_500))).toEqual({
      outcome: { kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1', amountMinor: 9_500 },
    });
  });

  test('another currency, another requested amount, zero, beyond the tolerance or above the hold is 4.2.2.14', () => {
    expect(status(paid(10_000, 'EUR'))).toEqual({ outcome: invalidAnswer, refusal: 'currency' });
    expect(status(paid(1, 'USD', 1))).toEqual({ outcome: invalidAnswer, refusal: 'requested-amount' });
    expect(status(paid(0))).toEqual({ outcome: invalidAnswer, refusal: 'zero-amount' });
    expect(status(paid(5_000))).toEqual({ outcome: invalidAnswer, refusal: 'amount-beyond-tolerance' });
    expect(status(paid(10_500), { direction: 'payout' })).toEqual({
      outcome: invalidAnswer,
      refusal: 'payout-above-held',
    });
    expect(status(paid(9_500), { method: 'token' }).refusal).toBe('amount-updates-not-allowed');
  });

  test('a connector that reports a changed amount without saying what it was asked for may not change it', () => {
    const bare: StatusOutcome = { kind: 'success', code: '4.1.3.00', gatewayRef: 'pay_1', amountMinor: 9_500 };
    expect(status(bare)).toEqual({ outcome: invalidAnswer, refusal: 'amount-updates-not-allowed' });
    const pending: StatusOutcome = { kind: 'pending', code: '4.0.2.00' };
    expect(status(pending)).toEqual({ outcome: pending });
  });
});
