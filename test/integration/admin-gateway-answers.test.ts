/**
 * Gateway answers as data, end to end: an operator overrides what a Stripe decline code means through the admin API
 * (audited), and the next order's cascade follows it; the raw Stripe code is in the order's history details.
 */
import { randomUUID } from 'node:crypto';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { cardError, startStripeFixtureServer } from '../helpers/stripe-fixtures';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let admin: HttpClient;
let stripe: Awaited<ReturnType<typeof startStripeFixtureServer>>;

beforeAll(async () => {
  stack = await startDevServerStack('gateway-answers');
  admin = httpClient(stack.api.baseUrl);
  // Stripe declines every charge with `generic_decline`, a code the built-in table leaves without a reason (next).
  stripe = await startStripeFixtureServer((req) =>
    req.path === '/v1/payment_methods'
      ? { status: 200, body: { id: 'pm_answers', object: 'payment_method', type: 'card' } }
      : cardError('card_declined', 'generic_decline', 'Your card was declined.', 'pi_answers'),
  );
});
afterAll(async () => {
  await stripe?.stop();
  await stack?.stop();
});

type Order = {
  status: string;
  history: Array<{ code: string; gatewayId: string | null; details: Record<string, unknown> }>;
};

async function deposit(key: string): Promise<Order> {
  const merchant = httpClient(stack.api.baseUrl, key);
  const created = await expectStatus(
    merchant.post('/api/v1/integration/deposit-order', {
      amount: 10,
      currency: 'USD',
      externalTransactionId: `dep-${randomUUID()}`,
      additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
    }),
    200,
  );
  const { workflowId } = await expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
  await stack.client.workflow.getHandle(workflowId).result();
  return expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
}

test('an override of a Stripe decline code changes the next order: cascade before it, stop after it', async () => {
  const m = await adminSetUpMerchant(admin); // one sandbox gateway that pays
  const stripeGateway = await expectStatus(
    admin.post('/api/v1/admin/gateways', {
      code: `stripe-${randomUUID()}`,
      name: 'Stripe (fixtures)',
      connector: 'stripe',
      mode: 'sandbox',
      settings: { apiKey: 'sk_test_answers', baseUrl: stripe.baseUrl },
    }),
    201,
  );
  const pipeline = m.pipelines['main']!;
  await expectStatus(
    admin.put(`/api/v1/admin/pipelines/${pipeline.id}/routes`, {
      routes: [{ gatewayId: stripeGateway.id }, { gatewayId: m.gateways[0]!.id }],
    }),
    200,
  );
  const stripeEntries = (o: Order) =>
    o.history.filter((h) => h.gatewayId === stripeGateway.id && h.code.startsWith('2.'));

  const before = await deposit(pipeline.key);
  expect(before.status).toBe('Success');
  expect(before.history.map((h) => h.code)).toContain('1.0.1.71'); // cascaded to the sandbox gateway
  expect(stripeEntries(before).map((h) => [h.code, h.details])).toEqual([
    ['2.2.4.00', { pspCode: 'generic_decline', pspMessage: 'Your card was declined.' }],
  ]);

  const table = await expectStatus(admin.get('/api/v1/admin/gateway-answers/stripe'), 200);
  expect(table.items).toContainEqual(
    expect.objectContaining({ pspCode: 'insufficient_funds', reason: '63', decision: 'stop', source: 'built-in' }),
  );
  expect(table.items.map((r: { pspCode: string }) => r.pspCode)).not.toContain('generic_decline');
  // The decision alone: still no reason (2.2.4.00, which the table would cascade), but stop.
  const override = await expectStatus(
    admin.put('/api/v1/admin/gateway-answers/stripe/generic_decline', {
      reason: '00',
      decision: 'stop',
      note: 'this acquirer says generic_decline for cards nobody will take',
    }),
    200,
  );
  expect(override).toMatchObject({ pspCode: 'generic_decline', reason: '00', decision: 'stop', source: 'override' });

  try {
    const stopped = await deposit(pipeline.key);
    expect(stopped.status).toBe('Failed');
    expect(stopped.history.map((h) => h.code)).not.toContain('1.0.1.71'); // no cascade
    expect(stripeEntries(stopped).map((h) => [h.code, h.details])).toEqual([
      ['2.2.4.00', { pspCode: 'generic_decline', pspMessage: 'Your card was declined.' }],
    ]);

    // The reason and the decision: a blocked card (61, which the table stops on) that this operator cascades.
    await expectStatus(
      admin.put('/api/v1/admin/gateway-answers/stripe/generic_decline', { reason: '61', decision: 'next' }),
      200,
    );
    const cascaded = await deposit(pipeline.key);
    expect(cascaded.status).toBe('Success');
    expect(stripeEntries(cascaded).map((h) => h.code)).toEqual(['2.2.4.61']);
    expect(cascaded.history.map((h) => h.code)).toContain('1.0.1.71');

    const audit = await expectStatus(admin.get('/api/v1/admin/audit-log?entityId=stripe/generic_decline'), 200);
    expect(
      audit.items.map((i: { action: string; before: { decision?: string } | null; after: { decision?: string } }) => [
        i.action,
        i.before?.decision ?? null,
        i.after.decision,
      ]),
    ).toEqual([
      ['update', 'stop', 'next'],
      ['create', null, 'stop'],
    ]);
  } finally {
    await expectStatus(admin.delete('/api/v1/admin/gateway-answers/stripe/generic_decline'), 200);
  }
  const restored = await deposit(pipeline.key);
  expect(restored.status).toBe('Success');
});

test('bad overrides are refused with a 4xx naming the field, and change nothing', async () => {
  const bad = await admin.put('/api/v1/admin/gateway-answers/stripe/generic_decline', {
    reason: '99',
    decision: 'sometimes',
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json)).toMatch(/reason/);
  expect((await admin.put('/api/v1/admin/gateway-answers/nope/x', { reason: '00', decision: 'next' })).status).toBe(
    404,
  );
  expect((await admin.delete('/api/v1/admin/gateway-answers/stripe/never_overridden')).status).toBe(404);
  const table = await expectStatus(admin.get('/api/v1/admin/gateway-answers/stripe'), 200);
  expect(table.items.every((r: { source: string }) => r.source === 'built-in')).toBe(true);
});
