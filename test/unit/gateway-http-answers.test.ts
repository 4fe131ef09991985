import { GatewayMisconfiguredError } from '../../gateways/connector';
import { createOutcomeOfAnswer, statusOutcomeOfAnswer } from '../../gateways/http/answers';
import { httpSettingsOf } from '../../gateways/http/settings';
import type { HttpAnswer } from '../../gateways/http/transport';

const KEY = 'deposit-x:attempt:1';
const payment = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'pay_1',
    idempotencyKey: KEY,
    status: 'pending',
    amount: 10_000,
    requestedAmount: 10_000,
    currency: 'USD',
    ...over,
  });
const response = (status: number, body = ''): HttpAnswer => ({ kind: 'response', status, body });
const decline = (code: string) => response(402, JSON.stringify({ error: { code } }));

describe('http-sim: create answers', () => {
  test.each<[string, HttpAnswer, object]>([
    ['201 pending', response(201, payment()), { kind: 'accepted', status: 'pending', code: '2.1.2.00' }],
    ['200 replay', response(200, payment()), { kind: 'accepted', status: 'pending', gatewayRef: 'pay_1' }],
    ['201 succeeded', response(201, payment({ status: 'succeeded' })), { kind: 'accepted', code: '2.1.3.00' }],
    [
      '201 failed',
      response(201, payment({ status: 'failed', failureCode: 'fraud_suspected' })),
      { kind: 'declined', code: '2.2.4.41', gatewayRef: 'pay_1' },
    ],
    ['402 insufficient funds', decline('insufficient_funds'), { kind: 'declined', code: '2.2.4.63' }],
    ['402 limit', decline('limit_exceeded'), { kind: 'declined', code: '2.2.4.32' }],
    ['402 unknown code', decline('new_reason'), { kind: 'declined', code: '2.2.4.00' }],
    ['402 unreadable', response(402, '<html>'), { kind: 'declined', code: '2.2.4.00' }],
    ['400', response(400), { kind: 'declined', code: '2.2.4.15' }],
    ['409 key reused', response(409), { kind: 'declined', code: '2.2.4.15' }],
    ['401', response(401), { kind: 'declined', code: '2.2.4.21' }],
    ['403', response(403), { kind: 'declined', code: '2.2.4.22' }],
    ['503', response(503), { kind: 'failed', code: '2.2.4.13', ambiguous: false }],
    ['500', response(500), { kind: 'failed', code: '2.2.4.13', ambiguous: false }],
    ['599', response(599), { kind: 'failed', code: '2.2.4.13', ambiguous: false }],
    ['504 from a proxy', response(504), { kind: 'failed', code: '2.0.2.11', ambiguous: true }],
    ['timeout', { kind: 'timeout' }, { kind: 'failed', code: '2.0.2.11', ambiguous: true }],
    ['lost after sending', { kind: 'network', sent: true }, { kind: 'failed', code: '2.0.2.11', ambiguous: true }],
    ['never connected', { kind: 'network', sent: false }, { kind: 'failed', code: '2.2.4.12', ambiguous: false }],
    ['201 truncated JSON', response(201, '{"id":"pay_1","st'), { kind: 'failed', code: '2.0.2.14', ambiguous: true }],
    [
      '201 for another key',
      response(201, payment({ idempotencyKey: 'other' })),
      { kind: 'failed', code: '2.0.2.14', ambiguous: true },
    ],
    ['404', response(404), { kind: 'failed', code: '2.0.2.14', ambiguous: true }],
    ['302', response(302), { kind: 'failed', code: '2.0.2.14', ambiguous: true }],
  ])('%s', (_name, answer, expected) => {
    expect(createOutcomeOfAnswer(answer, KEY)).toMatchObject(expected);
  });
});

describe('http-sim: status answers', () => {
  test.each<[string, HttpAnswer, object]>([
    ['pending', response(200, payment()), { kind: 'pending', code: '4.0.2.00' }],
    ['succeeded', response(200, payment({ status: 'succeeded' })), { kind: 'success', code: '4.1.3.00' }],
    [
      'succeeded with another amount',
      response(200, payment({ status: 'succeeded', amount: 9_000 })),
      { kind: 'success', code: '4.1.3.00', amountMinor: 9_000 },
    ],
    [
      'failed: card blocked',
      response(200, payment({ status: 'failed', failureCode: 'card_blocked' })),
      { kind: 'failed', code: '4.1.4.61', gatewayRef: 'pay_1' },
    ],
    [
      'failed: a reason checks have no code for',
      response(200, payment({ status: 'failed', failureCode: 'insufficient_balance' })),
      { kind: 'failed', code: '4.1.4.00' },
    ],
    ['404', response(404), { kind: 'not_found', code: '4.1.1.00' }],
    ['400', response(400), { kind: 'error', code: '4.2.2.15' }],
    ['401', response(401), { kind: 'error', code: '4.2.2.21' }],
    ['403', response(403), { kind: 'error', code: '4.2.2.22' }],
    ['503', response(503), { kind: 'error', code: '4.2.2.13' }],
    ['timeout', { kind: 'timeout' }, { kind: 'error', code: '4.2.2.11' }],
    ['network', { kind: 'network', sent: true }, { kind: 'error', code: '4.2.2.12' }],
    ['unreadable', response(200, 'nope'), { kind: 'error', code: '4.2.2.14' }],
    ['another key', response(200, payment({ idempotencyKey: 'x' })), { kind: 'error', code: '4.2.2.14' }],
  ])('%s', (_name, answer, expected) => {
    expect(statusOutcomeOfAnswer(answer, KEY)).toMatchObject(expected);
  });

  test('amountMinor is left out when the amount did not change', () => {
    expect(statusOutcomeOfAnswer(response(200, payment({ status: 'succeeded' })), KEY)).not.toHaveProperty(
      'amountMinor',
    );
  });
});

describe('http-sim: settings', () => {
  test('defaults the timeout to 5 s', () => {
    const s = httpSettingsOf({ id: 'g', settings: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' } });
    expect(s.timeoutMs).toBe(5_000);
  });

  test('a bad settings object names the fields, never the values', () => {
    const secretish = 'sk_live_do_not_print_me';
    const attempt = () => httpSettingsOf({ id: 'g1', settings: { baseUrl: secretish, timeoutMs: -1 } });
    expect(attempt).toThrow(GatewayMisconfiguredError);
    expect(attempt).toThrow(/baseUrl.*apiKey|apiKey.*baseUrl/);
    expect(attempt).not.toThrow(new RegExp(secretish));
  });
});
