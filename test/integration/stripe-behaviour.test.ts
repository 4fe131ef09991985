/**
 * What the Stripe connector makes of Stripe's documented answers (declines, pending, 3DS, errors, timeouts, webhooks),
 * through the real client over HTTP, served from our fixtures (test/helpers/stripe-fixtures.ts).
 */
import Stripe from 'stripe';
import { cascadeDecision } from '../../domain/cascade-policy';
import type { CreateOutcome, GatewayPaymentRequest } from '../../domain/gateway-contract';
import type { GatewayEntity } from '../../entities/gateway.entity';
import { StripeConnector } from '../../gateways/stripe/stripe-connector';
import {
  apiError,
  cardError,
  paymentIntent,
  payout,
  startStripeFixtureServer,
  type StripeFixtureAnswer,
} from '../helpers/stripe-fixtures';

const connector = new StripeConnector();
const WEBHOOK_SECRET = 'whsec_behaviour_test';
let next: StripeFixtureAnswer = 'hang';
let server: Awaited<ReturnType<typeof startStripeFixtureServer>>;
beforeAll(async () => {
  server = await startStripeFixtureServer(() => next);
});
afterAll(() => server.stop());

const gateway = (extra: Record<string, unknown> = {}) =>
  ({
    id: '00000000-0000-4000-8000-0000000beef0',
    settings: {
      apiKey: 'sk_test_behaviour',
      baseUrl: server.baseUrl,
      timeoutMs: 300,
      paymentMethod: 'pm_card_visa',
      webhookSecret: WEBHOOK_SECRET,
      ...extra,
    },
  }) as unknown as GatewayEntity;
const ctx = () => ({ gateway: gateway(), now: new Date() });
const request = (over: Partial<GatewayPaymentRequest> = {}): GatewayPaymentRequest => ({
  idempotencyKey: 'deposit-behaviour:1',
  orderId: '11111111-1111-4111-8111-111111111111',
  direction: 'deposit',
  amountMinor: 100_00,
  currency: 'USD',
  requisites: {},
  ...over,
});
const createWith = async (answer: StripeFixtureAnswer, over: Partial<GatewayPaymentRequest> = {}) => {
  next = answer;
  return connector.create(request(over), ctx());
};
const decisionOf = (o: CreateOutcome) => (o.kind === 'failed' && o.ambiguous ? 'check' : cascadeDecision(o.code));

describe('deposit creates: Stripe answer → history code → cascade decision, PSP words kept', () => {
  test.each<[string, StripeFixtureAnswer, object, string]>([
    [
      'succeeded',
      { status: 200, body: paymentIntent('pi_ok', 'succeeded') },
      { kind: 'accepted', status: 'success', code: '2.1.3.00', gatewayRef: 'pi_ok', psp: { code: 'succeeded' } },
      'none',
    ],
    [
      'processing',
      { status: 200, body: paymentIntent('pi_proc', 'processing') },
      { kind: 'accepted', status: 'pending', code: '2.1.2.00', psp: { code: 'processing' } },
      'none',
    ],
    [
      'requires_action (3DS): pending until the payer authenticates',
      { status: 200, body: paymentIntent('pi_3ds', 'requires_action', { next_action: { type: 'redirect_to_url' } }) },
      { kind: 'accepted', status: 'pending', code: '2.1.2.00', psp: { code: 'requires_action:redirect_to_url' } },
      'none',
    ],
    [
      'insufficient funds',
      cardError('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
      { kind: 'declined', code: '2.2.4.63', gatewayRef: 'pi_declined', psp: { code: 'insufficient_funds' } },
      'stop',
    ],
    [
      'fraudulent',
      cardError('card_declined', 'fraudulent', 'Your card was declined.'),
      { kind: 'declined', code: '2.2.4.41', psp: { code: 'fraudulent', message: 'Your card was declined.' } },
      'stop',
    ],
    [
      'generic decline',
      cardError('card_declined', 'generic_decline', 'Your card was declined.'),
      { kind: 'declined', code: '2.2.4.00', psp: { code: 'generic_decline' } },
      'next',
    ],
    [
      'card not supported',
      cardError('card_declined', 'card_not_supported', 'Your card does not support this type of purchase.'),
      { kind: 'declined', code: '2.2.4.62' },
      'next',
    ],
    [
      'expired card (code, no decline code)',
      cardError('expired_card', undefined, 'Your card has expired.'),
      { kind: 'declined', code: '2.2.4.61', psp: { code: 'expired_card' } },
      'stop',
    ],
    [
      '3DS failed',
      cardError(
        'payment_intent_authentication_failure',
        undefined,
        'We are unable to authenticate your payment method.',
      ),
      { kind: 'declined', code: '3.2.4.56' },
      'stop',
    ],
    [
      'invalid request',
      apiError(400, 'invalid_request_error', 'Received unknown parameter: foo', 'parameter_unknown'),
      { kind: 'declined', code: '2.2.4.15', psp: { code: 'parameter_unknown' } },
      'next',
    ],
    [
      'idempotency key reused with other parameters',
      apiError(400, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters'),
      { kind: 'failed', code: '2.0.2.14', ambiguous: true, psp: { code: 'idempotency_error' } },
      'check',
    ],
    [
      'a request with the same key still running (409)',
      apiError(409, 'invalid_request_error', 'There is currently another in-progress request using this key'),
      { kind: 'failed', code: '2.0.2.14', ambiguous: true },
      'check',
    ],
    [
      'amount too small',
      apiError(400, 'invalid_request_error', 'Amount must be at least $0.50 usd', 'amount_too_small'),
      { kind: 'declined', code: '2.2.4.32' },
      'next',
    ],
    [
      'bad API key',
      apiError(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****'),
      { kind: 'declined', code: '2.2.4.21' },
      'next',
    ],
    [
      'rate limited',
      apiError(429, 'invalid_request_error', 'Too many requests', 'rate_limit'),
      { kind: 'failed', code: '2.2.4.13', ambiguous: false },
      'check',
    ],
    [
      'Stripe 500 (may have been processed)',
      apiError(500, 'api_error', 'An unknown error occurred'),
      { kind: 'failed', code: '2.2.4.13' },
      'check',
    ],
    ['no answer in time', 'hang', { kind: 'failed', code: '2.0.2.11', ambiguous: true }, 'check'],
  ])('%s', async (_what, answer, expected, decision) => {
    const outcome = await createWith(answer);
    expect(outcome).toMatchObject(expected);
    if (decision !== 'none') expect(decisionOf(outcome)).toBe(decision);
  });

  test('a payout refused for our Stripe balance is a business decline that cascades', async () => {
    const outcome = await createWith(
      apiError(
        400,
        'invalid_request_error',
        'You have insufficient funds in your Stripe account.',
        'balance_insufficient',
      ),
      { direction: 'payout' },
    );
    expect(outcome).toMatchObject({ kind: 'declined', code: '2.2.4.31' });
    expect(decisionOf(outcome)).toBe('next');
  });

  test('card numbers in a message never reach the history details', async () => {
    const outcome = await createWith(
      cardError('card_declined', 'generic_decline', 'Card 4242 4242 4242 4242 was declined.'),
    );
    expect(outcome.psp?.message).toBe('Card [digits] was declined.');
  });

  test('no card and no payment method: refused before anything is sent', async () => {
    const before = server.requests.length;
    const outcome = await connector.create(request(), {
      gateway: gateway({ paymentMethod: undefined }),
      now: new Date(),
    });
    expect(outcome).toMatchObject({ kind: 'declined', code: '2.2.4.15', psp: { code: 'no_payment_method' } });
    expect(server.requests.length).toBe(before);
  });
});

describe('status checks', () => {
  const check = async (answer: StripeFixtureAnswer, gatewayRef?: string) => {
    next = answer;
    return connector.status({ gatewayRef, idempotencyKey: 'deposit-behaviour:1' }, ctx());
  };

  test.each<[string, StripeFixtureAnswer, string, object]>([
    [
      'succeeded',
      { status: 200, body: paymentIntent('pi_1', 'succeeded') },
      'pi_1',
      {
        kind: 'success',
        code: '4.1.3.00',
        claim: { currency: 'USD', amountMinor: 100_00, requestedAmountMinor: 100_00 },
      },
    ],
    [
      'still 3DS',
      { status: 200, body: paymentIntent('pi_1', 'requires_action') },
      'pi_1',
      { kind: 'pending', code: '4.0.2.00' },
    ],
    [
      '3DS failed: the payform verify code',
      {
        status: 200,
        body: paymentIntent('pi_1', 'requires_payment_method', {
          last_payment_error: { code: 'payment_intent_authentication_failure', message: 'Authentication failed.' },
        }),
      },
      'pi_1',
      {
        kind: 'failed',
        code: '3.2.4.56',
        psp: { code: 'requires_payment_method:payment_intent_authentication_failure' },
      },
    ],
    [
      'declined later (insufficient funds)',
      {
        status: 200,
        body: paymentIntent('pi_1', 'requires_payment_method', {
          last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
        }),
      },
      'pi_1',
      { kind: 'failed', code: '4.1.4.63' },
    ],
    [
      'canceled',
      { status: 200, body: paymentIntent('pi_1', 'canceled') },
      'pi_1',
      { kind: 'failed', code: '4.1.4.00' },
    ],
    ['payout paid', { status: 200, body: payout('po_1', 'paid') }, 'po_1', { kind: 'success', code: '4.1.3.00' }],
    ['payout in transit', { status: 200, body: payout('po_1', 'in_transit') }, 'po_1', { kind: 'pending' }],
    [
      'payout failed: account closed',
      { status: 200, body: payout('po_1', 'failed', { failure_code: 'account_closed' }) },
      'po_1',
      { kind: 'failed', code: '4.1.4.61', psp: { code: 'failed:account_closed' } },
    ],
    [
      'no such payment',
      apiError(404, 'invalid_request_error', 'No such payment_intent', 'resource_missing'),
      'pi_1',
      { kind: 'not_found', code: '4.1.1.00' },
    ],
    ['Stripe 503', apiError(503, 'api_error', 'unavailable'), 'pi_1', { kind: 'error', code: '4.2.2.13' }],
    ['no answer in time', 'hang', 'pi_1', { kind: 'error', code: '4.2.2.11' }],
  ])('%s', async (_what, answer, ref, expected) => {
    expect(await check(answer, ref)).toMatchObject(expected);
  });
});

describe('webhooks: Stripe-Signature with a tolerance window', () => {
  const stripe = new Stripe('sk_test_behaviour');
  const event = (type: string, object: unknown) =>
    JSON.stringify({ id: 'evt_1', object: 'event', type, data: { object } });
  const signed = (body: string, secret = WEBHOOK_SECRET, timestamp = Math.floor(Date.now() / 1000)) => ({
    body,
    headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) },
  });

  test('payment_intent.succeeded is a success callback with the money it claims', async () => {
    const verification = await connector.verifyCallback(
      signed(event('payment_intent.succeeded', paymentIntent('pi_w', 'succeeded'))),
      ctx(),
    );
    expect(verification).toEqual({
      valid: true,
      gatewayRef: 'pi_w',
      status: 'success',
      code: '5.1.3.00',
      claim: { currency: 'USD', amountMinor: 100_00, requestedAmountMinor: 100_00 },
      psp: { code: 'payment_intent.succeeded:succeeded' },
    });
  });

  test('payment_intent.payment_failed keeps the decline reason; a failed 3DS is the payform code', async () => {
    const failed = (lastError: object) =>
      connector.verifyCallback(
        signed(
          event(
            'payment_intent.payment_failed',
            paymentIntent('pi_w', 'requires_payment_method', { last_payment_error: lastError }),
          ),
        ),
        ctx(),
      );
    expect(await failed({ code: 'card_declined', decline_code: 'stolen_card' })).toMatchObject({
      status: 'failed',
      code: '5.1.4.61',
    });
    expect(await failed({ code: 'payment_intent_authentication_failure' })).toMatchObject({ code: '3.2.4.56' });
  });

  test('payout.paid settles a payout', async () => {
    expect(await connector.verifyCallback(signed(event('payout.paid', payout('po_w', 'paid'))), ctx())).toMatchObject({
      valid: true,
      gatewayRef: 'po_w',
      status: 'success',
    });
  });

  test('a wrong secret, an old timestamp, a missing header or a gateway without a secret: invalid signature', async () => {
    const body = event('payment_intent.succeeded', paymentIntent('pi_w', 'succeeded'));
    const refused = { valid: false, code: '5.2.2.16', gatewayRef: 'pi_w' };
    expect(await connector.verifyCallback(signed(body, 'whsec_other'), ctx())).toEqual(refused);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    expect(await connector.verifyCallback(signed(body, WEBHOOK_SECRET, tenMinutesAgo), ctx())).toEqual(refused);
    expect(await connector.verifyCallback({ body, headers: {} }, ctx())).toEqual(refused);
    const noSecret = { gateway: gateway({ webhookSecret: undefined }), now: new Date() };
    expect(await connector.verifyCallback(signed(body), noSecret)).toEqual(refused);
  });

  test('the tolerance window is measured on the engine clock, and is a setting', async () => {
    const body = event('payment_intent.succeeded', paymentIntent('pi_w', 'succeeded'));
    const signedAt = Math.floor(Date.now() / 1000) - 600;
    const wide = { gateway: gateway({ webhookToleranceSeconds: 900 }), now: new Date() };
    expect(await connector.verifyCallback(signed(body, WEBHOOK_SECRET, signedAt), wide)).toMatchObject({ valid: true });
    const atSigning = { gateway: gateway(), now: new Date(signedAt * 1000) };
    expect(await connector.verifyCallback(signed(body, WEBHOOK_SECRET, signedAt), atSigning)).toMatchObject({
      valid: true,
    });
  });

  test('a signed event we did not subscribe to is an invalid payload', async () => {
    expect(
      await connector.verifyCallback(signed(event('charge.refunded', { id: 'ch_1', object: 'charge' })), ctx()),
    ).toMatchObject({ valid: false, code: '5.2.2.17' });
  });
});
