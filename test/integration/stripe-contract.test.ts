/**
 * The Stripe connector against stripe-mock, Stripe's own mock server, which validates every request against Stripe's
 * OpenAPI document: a parameter Stripe does not know, or a wrong type, is answered 400 and fails these tests. The
 * mock is stateless (every answer is a fixture), so this suite checks what we send and that we can read what comes
 * back; what the answers mean is tested on our own fixtures (test/integration/stripe-behaviour.test.ts).
 */
import type { GatewayEntity } from '../../entities/gateway.entity';
import type { CreateOutcome, GatewayPaymentRequest, StatusOutcome } from '../../domain/gateway-contract';
import { getHistoryCode } from '../../domain/history-codes';
import { createOutcomeOfError } from '../../gateways/stripe/answers';
import { errorViewOf, stripeClientFor } from '../../gateways/stripe/client';
import { stripeSettingsOf } from '../../gateways/stripe/settings';
import { StripeConnector } from '../../gateways/stripe/stripe-connector';
import { useStripeMock } from '../helpers/stripe-mock';

const mock = useStripeMock();
const connector = new StripeConnector();

function gatewayAt(baseUrl: string, extra: Record<string, unknown> = {}): GatewayEntity {
  return {
    id: '00000000-0000-4000-8000-00000000c0de',
    settings: { apiKey: 'sk_test_contract', baseUrl, paymentMethod: 'pm_card_visa', ...extra },
  } as unknown as GatewayEntity;
}

/** The POSTs the client sent while `run` ran, with their idempotency keys. */
async function postsDuring<T>(gateway: GatewayEntity, run: () => Promise<T>) {
  const client = stripeClientFor(stripeSettingsOf(gateway));
  const posts: Array<{ path: string; key: string | undefined }> = [];
  const listener = (e: { method: string; path: string; idempotency_key?: string }) => {
    if (e.method === 'POST') posts.push({ path: e.path, key: e.idempotency_key });
  };
  client.on('request', listener);
  try {
    return { result: await run(), posts };
  } finally {
    client.off('request', listener);
  }
}

const request = (over: Partial<GatewayPaymentRequest> = {}): GatewayPaymentRequest => ({
  idempotencyKey: `deposit-${Math.random().toString(36).slice(2)}:1`,
  orderId: '11111111-1111-4111-8111-111111111111',
  direction: 'deposit',
  amountMinor: 12_34,
  currency: 'EUR',
  requisites: {},
  ...over,
});

/** An answer the mock accepted and we read: neither refused as a bad request nor unreadable. */
function expectUnderstood(outcome: CreateOutcome | StatusOutcome): void {
  // On failure the diff shows Stripe's (the mock's) own message: which parameter it refused.
  expect({ kind: outcome.kind, reason: getHistoryCode(outcome.code).reason, psp: outcome.psp }).toEqual({
    kind: expect.not.stringMatching(/^error$/),
    reason: expect.not.stringMatching(/^TECH\.INVALID_(REQUEST|RESPONSE)$/),
    psp: expect.objectContaining({ code: expect.any(String) }),
  });
}

describe('the Stripe connector against stripe-mock', () => {
  test('a deposit with a vaulted card: a PaymentMethod, then a confirmed PaymentIntent, each POST with a key', async () => {
    const gateway = gatewayAt(mock().baseUrl);
    const req = request({
      requisites: { card: { number: '4242424242424242', expiry: '12/30', holder: 'JANE DOE', cvc: '123' } },
    });
    const { result, posts } = await postsDuring(gateway, () => connector.create(req, { gateway, now: new Date() }));
    expectUnderstood(result);
    expect(result).toMatchObject({ gatewayRef: expect.stringMatching(/^pi_/) });
    expect(posts).toEqual([
      { path: '/v1/payment_methods', key: `${req.idempotencyKey}:pm:cvc` },
      { path: '/v1/payment_intents', key: req.idempotencyKey },
    ]);
  });

  test('a deposit with the gateway payment method (a token), without a card', async () => {
    const gateway = gatewayAt(mock().baseUrl, { returnUrl: 'http://127.0.0.1:9/return' });
    const req = request();
    const { result, posts } = await postsDuring(gateway, () => connector.create(req, { gateway, now: new Date() }));
    expectUnderstood(result);
    expect(posts).toEqual([{ path: '/v1/payment_intents', key: req.idempotencyKey }]);
  });

  test('a payout to a bank account from a connected account', async () => {
    const gateway = gatewayAt(mock().baseUrl, { payoutAccount: 'acct_1Contract' });
    const req = request({ direction: 'payout', requisites: { payeerIdentifier: 'ba_1Contract' } });
    const { result, posts } = await postsDuring(gateway, () => connector.create(req, { gateway, now: new Date() }));
    expectUnderstood(result);
    expect(result).toMatchObject({ kind: 'accepted', gatewayRef: expect.stringMatching(/^po_/) });
    expect(posts).toEqual([{ path: '/v1/payouts', key: req.idempotencyKey }]);
  });

  test.each([
    ['a PaymentIntent by reference', { gatewayRef: 'pi_contract', idempotencyKey: 'deposit-x:1' }],
    ['a payout by reference', { gatewayRef: 'po_contract', idempotencyKey: 'payout-x:1' }],
  ])('a status check of %s', async (_what, query) => {
    const gateway = gatewayAt(mock().baseUrl, { payoutAccount: 'acct_1Contract' });
    expectUnderstood(await connector.status(query, { gateway, now: new Date() }));
  });

  test("a status check by idempotency key searches the payments' metadata (the mock's fixtures are someone else's)", async () => {
    const gateway = gatewayAt(mock().baseUrl);
    const outcome = await connector.status({ idempotencyKey: "deposit-o'brien:1" }, { gateway, now: new Date() });
    expect(outcome).toMatchObject({ kind: 'not_found', code: '4.1.1.00' });
  });

  test('the mock refuses a parameter Stripe does not have, and the connector reads that as an invalid request', async () => {
    const gateway = gatewayAt(mock().baseUrl);
    const client = stripeClientFor(stripeSettingsOf(gateway));
    const refusal = await client
      .rawRequest('POST', '/v1/payment_intents', { amount: 100, currency: 'eur', payment_methd: 'pm_card_visa' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refusal).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
    expect(createOutcomeOfError(errorViewOf(refusal))).toMatchObject({ kind: 'declined', code: '2.2.4.15' });
  });

  test('a closed port is a connection that was never made (retry), never an ambiguous create', async () => {
    const gateway = gatewayAt('http://127.0.0.1:9');
    const outcome = await connector.create(request(), { gateway, now: new Date() });
    expect(outcome).toMatchObject({ kind: 'failed', code: '2.2.4.12', ambiguous: false });
  });
});
