import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ISSUE_TRANSITIONS, transitionFor } from '../../domain/issues';
import { findSecretInClear, luhnValid } from '../../domain/secret-detection';
import { generateApiKey, generateOperatorKey } from '../../infra/security/api-keys';

/** Issue 17: the board's rules as data, and the detection of secrets pasted in clear. */

test('docs/issues.md lists exactly the transitions the server enforces', () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/issues.md'), 'utf8');
  const rows = doc
    .split('\n')
    .map((line) =>
      /^\|\s*(Draft|Development|Testing|Requires acceptance)\s*\|\s*([^|]+?)\s*\|\s*(\w+)\s*\|\s*`([^`]+)`/.exec(line),
    )
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ from: m[1], to: m[2], by: m[3], via: m[4] }));
  expect(rows).toEqual(ISSUE_TRANSITIONS.map((t) => ({ ...t })));
});

test('transitions: operators develop and test, merchants accept or send back, nothing else', () => {
  expect(transitionFor('Draft', 'Development', 'operator', 'move')).toEqual({ ok: true });
  expect(transitionFor('Draft', 'Development', 'merchant', 'move')).toEqual({ ok: false, reason: 'forbidden' });
  expect(transitionFor('Draft', 'Success', 'operator', 'move')).toEqual({ ok: false, reason: 'invalid' });
  expect(transitionFor('Requires acceptance', 'Success', 'merchant', 'accept')).toEqual({ ok: true });
  expect(transitionFor('Requires acceptance', 'Success', 'operator', 'accept')).toEqual({
    ok: false,
    reason: 'forbidden',
  });
  expect(transitionFor('Requires acceptance', 'Success', 'operator', 'move')).toEqual({ ok: false, reason: 'invalid' });
  expect(transitionFor('Success', 'Development', 'merchant', 'send-back')).toEqual({ ok: false, reason: 'invalid' });
});

test("this project's keys, Stripe keys and Luhn-valid card numbers are found; ordinary text is not", () => {
  for (const text of [
    `key: ${generateApiKey('deposit', 'sandbox')}`,
    `(${generateApiKey('payout', 'live')})`,
    generateOperatorKey(),
    `ps_sandbox_deposit_${'a'.repeat(43)}`, // the legacy shape
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  ]) {
    expect({ text, kind: findSecretInClear(text) }).toEqual({ text, kind: 'api key' });
  }
  for (const text of ['4242424242424242', 'card: 4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005']) {
    expect({ text, kind: findSecretInClear(text) }).toEqual({ text, kind: 'card number' });
  }
  for (const text of [
    'Order 4242424242424241 failed', // not Luhn-valid
    'amount 1000 USD at 2026-11-29 12:00',
    'external_id 0b6f1c8e-3c1a-4b8e-9a56-2f0d2b1e4c7a',
    'phone +1 415 555 0100',
    'ps_sandbox_deposit is the key kind',
    '12345678901234567890123', // a 23-digit reference: longer than any card
  ]) {
    expect({ text, kind: findSecretInClear(text) }).toEqual({ text, kind: null });
  }
  expect(luhnValid('79927398713')).toBe(true);
  expect(luhnValid('79927398710')).toBe(false);
});
