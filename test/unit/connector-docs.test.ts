import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cascadeDecision } from '../../domain/cascade-policy';
import { createDeclinedCode } from '../../gateways/codes';
import { STRIPE_DECLINE_REASONS } from '../../gateways/stripe/answers';

/** docs/connectors.md prints the Stripe mapping table: every Stripe code in it, with its create code and decision. */
test('the Stripe mapping table in docs/connectors.md says what the connector does for every Stripe code', () => {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'connectors.md'), 'utf8');
  const rowOf = (code: string) => doc.split('\n').find((l) => l.startsWith('| ') && l.includes(`\`${code}\``));
  const documented = Object.entries(STRIPE_DECLINE_REASONS).map(([code, reason]) => {
    const row = rowOf(code) ?? '';
    const create = createDeclinedCode(reason);
    return [
      code,
      row.includes(`\`${create}\``),
      new RegExp(`\\|\\s*${cascadeDecision(create)}\\s*\\|$`).test(row.trimEnd()),
    ];
  });
  expect(documented).toEqual(Object.keys(STRIPE_DECLINE_REASONS).map((code) => [code, true, true]));
});
