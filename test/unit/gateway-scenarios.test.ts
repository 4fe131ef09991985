import { findHistoryCode, getHistoryCode, isHistoryCode } from '../../domain/history-codes';
import { callbackFailedCode, checkFailedCode, createDeclinedCode } from '../../gateways/codes';
import {
  buildSignedCallback,
  callbackSecretOf,
  SANDBOX_DEFAULT_CALLBACK_SECRET,
  signCallbackBody,
  verifySandboxCallback,
} from '../../gateways/sandbox/callbacks';
import { FAILURE_CODES, failureCodeOf, type PaymentView, reasonOf } from '../../gateways/sandbox/protocol';
import {
  CHECK_FAULTS,
  CREATE_FAULTS,
  checkFaultAt,
  createFaultAt,
  SANDBOX_SCENARIOS,
  scenarioFor,
  scenarioNamed,
  selectorOf,
  settledAmount,
} from '../../gateways/sandbox/scenarios';

describe('the sandbox scenario table', () => {
  test('selectors are two digits and unique, names unique', () => {
    const selectors = SANDBOX_SCENARIOS.map((s) => s.selector);
    expect(selectors.every((s) => /^\d\d$/.test(s))).toBe(true);
    expect(new Set(selectors).size).toBe(selectors.length);
    expect(new Set(SANDBOX_SCENARIOS.map((s) => s.name)).size).toBe(SANDBOX_SCENARIOS.length);
  });

  test('the last two digits of the amount select; unlisted endings behave like 00', () => {
    expect(selectorOf(10_000)).toBe('00');
    expect(selectorOf(10_007)).toBe('07');
    expect(scenarioFor(10_001).name).toBe('pending-90m-then-success');
    expect(scenarioFor(10_002).name).toBe('declined-insufficient-funds');
    expect(scenarioFor(10_099).name).toBe('success');
    expect(scenarioNamed('pending-forever').pendingForMs).toBeNull();
    expect(() => scenarioNamed('nope')).toThrow('unknown sandbox scenario');
  });

  test('keeps the three scenarios the demo and the recorded histories rely on', () => {
    expect(scenarioFor(100).create).toEqual({ answer: 'pending' });
    expect(scenarioFor(101).pendingForMs).toBe(90 * 60_000);
    expect(scenarioFor(102).final).toEqual({ status: 'failed', reason: 'ISSUER.INSUFFICIENT_FUNDS' });
  });

  test('every reason in the table has an exact catalog code for the actor that reports it', () => {
    for (const s of SANDBOX_SCENARIOS) {
      const { create } = s;
      if (create.answer === 'declined') expect(() => createDeclinedCode(create.reason)).not.toThrow();
      if (s.final.status === 'failed') {
        const reason = s.final.reason;
        // Not the reason-less fallback: the exact code must exist, or the table promises what the catalog lacks.
        expect(findHistoryCode({ actor: 'STATUS_CHECK', class: 'success', status: 'failed', reason })).toBeDefined();
        expect(
          findHistoryCode({ actor: 'GATEWAY_CALLBACK', class: 'success', status: 'failed', reason }),
        ).toBeDefined();
      }
    }
  });

  test('the create declines cover every reason the catalog has for a declined create', () => {
    const catalog = ['2.2.4.00', '2.2.4.15', '2.2.4.21', '2.2.4.22', '2.2.4.31', '2.2.4.32', '2.2.4.33'];
    const issuerAndRisk = ['2.2.4.41', '2.2.4.61', '2.2.4.62', '2.2.4.63'];
    const declined = SANDBOX_SCENARIOS.flatMap((s) =>
      s.create.answer === 'declined' ? [createDeclinedCode(s.create.reason)] : [],
    );
    expect(declined.sort()).toEqual([...catalog, ...issuerAndRisk].sort());
  });

  test('fault codes are catalog codes, ambiguous exactly when the gateway may have acted', () => {
    for (const f of Object.values(CREATE_FAULTS)) {
      expect(isHistoryCode(f.code)).toBe(true);
      const def = getHistoryCode(f.code);
      expect(def.actor).toBe('GATEWAY_CREATE');
      // Ambiguous codes are 2.0.2.x (info, processing); definitive technical failures are 2.2.4.x.
      expect(def.class).toBe(f.ambiguous ? 'info' : 'failure');
      if (f.stored) expect(f.ambiguous).toBe(true);
    }
    for (const code of Object.values(CHECK_FAULTS)) {
      expect(getHistoryCode(code)).toMatchObject({ actor: 'STATUS_CHECK', class: 'failure', status: 'processing' });
    }
  });

  test('transient faults hit the first N attempts, "always" every attempt', () => {
    const twice = scenarioNamed('connection-fail-transient');
    expect([1, 2, 3].map((n) => createFaultAt(twice, n))).toEqual([
      'connection-refused',
      'connection-refused',
      undefined,
    ]);
    const always = scenarioNamed('server-unavailable-always');
    expect(createFaultAt(always, 1_000)).toBe('server-unavailable');
    expect(createFaultAt(scenarioNamed('success'), 1)).toBeUndefined();
    const checks = scenarioNamed('check-timeout');
    expect([1, 2, 3].map((n) => checkFaultAt(checks, n))).toEqual(['timeout', 'timeout', undefined]);
  });

  test('the amount update settles 90% rounded down; every other scenario the full amount', () => {
    expect(settledAmount(scenarioNamed('callback-amount-updated'), 10_073)).toBe(9_065);
    expect(settledAmount(scenarioNamed('success'), 10_073)).toBe(10_073);
  });
});

describe('PSP failure codes', () => {
  test('round-trip every reason, and unknown codes read as a decline with no reason', () => {
    for (const [code, reason] of Object.entries(FAILURE_CODES)) {
      expect(failureCodeOf(reason)).toBe(code);
      expect(reasonOf(code)).toBe(reason);
    }
    expect(reasonOf('something_new')).toBeNull();
    expect(reasonOf('__proto__')).toBeNull();
    expect(reasonOf(undefined)).toBeNull();
  });

  test('reasons without a check or callback code fall back to the reason-less code', () => {
    expect(checkFailedCode('BUSINESS.BALANCE')).toBe('4.1.4.00');
    expect(callbackFailedCode('BUSINESS.BALANCE')).toBe('5.1.4.00');
    expect(checkFailedCode('ISSUER.CARD_BLOCKED')).toBe('4.1.4.61');
    expect(() => createDeclinedCode('USER.PAGE_VISIT')).toThrow('no create-declined code');
  });
});

describe('sandbox callbacks', () => {
  const secret = 'unit-test-secret-0123456789';
  const paid: PaymentView = {
    id: 'pay_1',
    idempotencyKey: 'k1',
    status: 'succeeded',
    amount: 10_070,
    requestedAmount: 10_070,
    currency: 'USD',
  };

  test('a signed success verifies as 5.1.3.00, an amount change as 5.1.3.35 with the amount', () => {
    expect(verifySandboxCallback(buildSignedCallback(paid, 'valid', secret), secret)).toEqual({
      valid: true,
      gatewayRef: 'pay_1',
      status: 'success',
      code: '5.1.3.00',
      claim: { currency: 'USD', amountMinor: 10_070, requestedAmountMinor: 10_070 },
    });
    const updated = buildSignedCallback({ ...paid, amount: 9_000 }, 'valid', secret);
    expect(verifySandboxCallback(updated, secret)).toEqual({
      valid: true,
      gatewayRef: 'pay_1',
      status: 'success',
      code: '5.1.3.35',
      amountMinor: 9_000,
      claim: { currency: 'USD', amountMinor: 9_000, requestedAmountMinor: 10_070 },
    });
  });

  test('failed and pending callbacks map to 5.1.4.RR and 5.0.2.00', () => {
    const failed = buildSignedCallback({ ...paid, status: 'failed', failureCode: 'card_blocked' }, 'valid', secret);
    expect(verifySandboxCallback(failed, secret)).toMatchObject({ valid: true, status: 'failed', code: '5.1.4.61' });
    const pending = buildSignedCallback({ ...paid, status: 'pending' }, 'valid', secret);
    expect(verifySandboxCallback(pending, secret)).toMatchObject({ valid: true, status: 'pending', code: '5.0.2.00' });
  });

  test('a wrong signature, a tampered body or a missing header is 5.2.2.16', () => {
    const bad = buildSignedCallback(paid, 'invalid-signature', secret);
    expect(verifySandboxCallback(bad, secret)).toEqual({ valid: false, code: '5.2.2.16', gatewayRef: 'pay_1' });
    const good = buildSignedCallback(paid, 'valid', secret);
    const tampered = { ...good, body: good.body.replace('10070,"requested', '1,"requested') };
    expect(tampered.body).not.toBe(good.body);
    expect(verifySandboxCallback(tampered, secret)).toMatchObject({ valid: false, code: '5.2.2.16' });
    expect(verifySandboxCallback({ body: good.body, headers: {} }, secret)).toMatchObject({ code: '5.2.2.16' });
    expect(verifySandboxCallback(good, undefined)).toMatchObject({ valid: false, code: '5.2.2.16' });
  });

  test('header names are matched without regard to case', () => {
    const good = buildSignedCallback(paid, 'valid', secret);
    const headers = { 'X-Sandbox-Signature': signCallbackBody(good.body, secret) };
    expect(verifySandboxCallback({ body: good.body, headers }, secret)).toMatchObject({ valid: true });
  });

  test('a signed body that is not the schema, or not JSON, is 5.2.2.17', () => {
    const malformed = buildSignedCallback(paid, 'invalid-payload', secret);
    expect(verifySandboxCallback(malformed, secret)).toEqual({ valid: false, code: '5.2.2.17', gatewayRef: 'pay_1' });
    const notJson = 'not json';
    const raw = { body: notJson, headers: { 'x-sandbox-signature': signCallbackBody(notJson, secret) } };
    expect(verifySandboxCallback(raw, secret)).toEqual({ valid: false, code: '5.2.2.17' });
  });

  test('secrets: settings first, the documented default for sandbox gateways only', () => {
    expect(callbackSecretOf({ mode: 'sandbox', settings: {} })).toBe(SANDBOX_DEFAULT_CALLBACK_SECRET);
    expect(callbackSecretOf({ mode: 'sandbox', settings: { callbackSecret: 's3' } })).toBe('s3');
    expect(callbackSecretOf({ mode: 'live', settings: {} })).toBeUndefined();
  });
});
