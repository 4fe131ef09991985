/**
 * A deposit and a payout through the Stripe connector, end to end on the time-skipping server with the real
 * activities: every request goes first to stripe-mock (which refuses anything Stripe's API does not have), and the
 * answers come from our fixtures of Stripe's payment lifecycle (stripe-mock is stateless). The PSP's own code and
 * message are in the details of each gateway entry, in the workflow's history and in PostgreSQL.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { verifyGatewayCallback } from '../../gateways/callback-verification';
import { orderWorkflowId } from '../../domain/order';
import { createGatewayRegistry } from '../../gateways';
import { devKeyring } from '../../infra/security/keyring';
import { gatewayCallbackSignal, type OrderInput } from '../../workflows/definitions';
import { createOrderSetup, type OrderSetup } from '../../simulation/order-setup';
import { CardVault, type VaultedData } from '../../vault/card-vault';
import {
  paymentIntent,
  payout,
  startStripeFixtureServer,
  type StripeFixtureAnswer,
  type StripeFixtureRequest,
} from '../helpers/stripe-fixtures';
import { useStripeMock } from '../helpers/stripe-mock';
import { codesOf, runOrderToEnd, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
const mock = useStripeMock();
let env: TestWorkflowEnvironment;
let ds: DataSource;
const WEBHOOK_SECRET = 'whsec_workflow_test';
let stripe: Awaited<ReturnType<typeof startStripeFixtureServer>>;

/** Stripe's lifecycle for one payment of each kind: created pending, found settled by the first status check. */
function lifecycle(req: StripeFixtureRequest): StripeFixtureAnswer {
  const amount = Number(req.params['amount'] ?? 0);
  const metadata = { paystar_idempotency_key: req.params['metadata[paystar_idempotency_key]'] };
  if (req.method === 'POST' && req.path === '/v1/payment_methods') {
    return { status: 200, body: { id: 'pm_wf', object: 'payment_method', type: 'card' } };
  }
  // An amount ending in 01: the payment stays processing until a webhook says what became of it.
  if (req.method === 'POST' && req.path === '/v1/payment_intents' && amount % 100 === 1) {
    return { status: 200, body: paymentIntent('pi_cb', 'processing', { amount, metadata }) };
  }
  if (req.method === 'GET' && req.path === '/v1/payment_intents/pi_cb') {
    return { status: 200, body: paymentIntent('pi_cb', 'processing', { amount: 100_01 }) };
  }
  if (req.method === 'POST' && req.path === '/v1/payment_intents') {
    return { status: 200, body: paymentIntent('pi_wf', 'processing', { amount, metadata }) };
  }
  if (req.method === 'GET' && req.path === '/v1/payment_intents/pi_wf') {
    return { status: 200, body: paymentIntent('pi_wf', 'succeeded', { amount: 100_00, amount_received: 100_00 }) };
  }
  if (req.method === 'POST' && req.path === '/v1/payouts') {
    return { status: 200, body: payout('po_wf', 'in_transit', { amount, metadata }) };
  }
  if (req.method === 'GET' && req.path === '/v1/payouts/po_wf') return { status: 200, body: payout('po_wf', 'paid') };
  return {
    status: 404,
    body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object' } },
  };
}

beforeAll(async () => {
  env = server.env();
  ds = server.ds();
  stripe = await startStripeFixtureServer(lifecycle, { validateAt: mock().baseUrl });
});
afterAll(() => stripe?.stop());

/** Points the setup's gateway at Stripe (the fixture server) with the connector `stripe`. */
async function onStripe(setup: OrderSetup): Promise<void> {
  await ds.query(`UPDATE gateways SET connector = 'stripe', settings = $2 WHERE id = $1`, [
    setup.gatewayIds[0],
    JSON.stringify({
      apiKey: 'sk_test_workflow',
      baseUrl: stripe.baseUrl,
      paymentMethod: 'pm_card_visa',
      webhookSecret: WEBHOOK_SECRET,
    }),
  ]);
}

/** What the API would have vaulted for the order: the gateway activity opens it right before the connector call. */
async function vaulted(setup: OrderSetup, data: VaultedData, cvc?: string): Promise<Partial<OrderInput>> {
  const input = setup.order({ orderId: randomUUID() });
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status, workflow_id,
                         pipeline_id)
     VALUES ($1, $2, $3, $4, $5, $6, 'Created', $7, $8)`,
    [
      input.orderId,
      input.merchantId,
      setup.direction,
      input.externalTransactionId,
      input.amountMinor,
      input.currency,
      orderWorkflowId(setup.direction, input.orderId),
      input.pipelineId,
    ],
  );
  await new CardVault(ds, devKeyring()).storeForOrder(input.orderId, setup.merchantId, data, cvc);
  return { orderId: input.orderId, externalTransactionId: input.externalTransactionId };
}

async function storedDetails(orderId: string) {
  return (await ds.query(`SELECT code, details FROM order_history WHERE order_id = $1 ORDER BY seq`, [
    orderId,
  ])) as Array<{
    code: string;
    details: Record<string, unknown>;
  }>;
}

test('a deposit with the vaulted card: PaymentIntent confirmed (processing), a status check finds it succeeded', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  await onStripe(setup);
  const order = await vaulted(setup, { card: { number: '4000056655665556', expiry: '11/31' } }, '737');
  const { input, result } = await runOrderToEnd(env, ds, setup, order);
  expect(result.status).toBe('Success');
  expect(codesOf(result)).toEqual(['1.1.1.00', '2.1.2.00', '4.1.3.00', '1.1.3.84']);
  const gatewaySteps = result.history.filter((h) => h.code === '2.1.2.00' || h.code === '4.1.3.00');
  expect(gatewaySteps.map((h) => [h.code, h.gatewayRef, h.details])).toEqual([
    ['2.1.2.00', 'pi_wf', { pspCode: 'processing' }],
    ['4.1.3.00', 'pi_wf', { pspCode: 'succeeded' }],
  ]);
  expect(await storedDetails(input.orderId)).toEqual([
    { code: '1.1.1.00', details: {} },
    { code: '2.1.2.00', details: { pspCode: 'processing' } },
    { code: '4.1.3.00', details: { pspCode: 'succeeded' } },
    { code: '1.1.3.84', details: expect.any(Object) },
  ]);
  const creates = stripe.requests.filter(
    (r) => r.method === 'POST' && r.params['metadata[paystar_order_id]'] === input.orderId,
  );
  expect(creates.map((r) => [r.path, r.params['amount'], r.params['currency'], r.idempotencyKey])).toEqual([
    ['/v1/payment_intents', '10000', 'usd', expect.stringMatching(/:1$/)],
  ]);
  expect(creates[0]?.params['payment_method']).toBe('pm_wf');
  const card = stripe.requests.find(
    (r) => r.path === '/v1/payment_methods' && r.idempotencyKey === `${creates[0]?.idempotencyKey}:pm:cvc`,
  );
  expect(card?.params).toMatchObject({
    'card[number]': '4000056655665556',
    'card[exp_month]': '11',
    'card[cvc]': '737',
  });
  expect(JSON.stringify(await storedDetails(input.orderId))).not.toContain('4000056655665556');
  expect(await new CardVault(ds, devKeyring()).hasCvc(input.orderId)).toBe(false);
});

test('a payout: held, sent as a Stripe payout (in transit), settled when the check finds it paid', async () => {
  const setup = await createOrderSetup(ds, { direction: 'payout', balanceMinor: 1000_00 });
  await onStripe(setup);
  const order = await vaulted(setup, { payeerIdentifier: 'ba_1Payee' });
  const { input, result } = await runOrderToEnd(env, ds, setup, order);
  expect(result.status).toBe('Success');
  expect(codesOf(result)).toEqual(['1.1.1.00', '1.1.1.81', '2.1.2.00', '4.1.3.00', '1.1.3.82']);
  const stored = await storedDetails(input.orderId);
  expect(stored.filter((s) => s.code.startsWith('2.') || s.code.startsWith('4.'))).toEqual([
    { code: '2.1.2.00', details: { pspCode: 'in_transit' } },
    { code: '4.1.3.00', details: { pspCode: 'paid' } },
  ]);
  const sent = stripe.requests.find(
    (r) => r.path === '/v1/payouts' && r.params['metadata[paystar_order_id]'] === input.orderId,
  );
  expect(sent?.params).toMatchObject({ amount: '10000', currency: 'usd', destination: 'ba_1Payee' });
});

test('a webhook (payment_intent.payment_failed) through the connector ends the order; its Stripe code is in the details', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  await onStripe(setup);
  const gatewayId = setup.gatewayIds[0]!;
  const { result } = await runOrderToEnd(
    env,
    ds,
    setup,
    { amountMinor: 100_01 },
    {
      during: async (workflowId) => {
        const handle = env.client.workflow.getHandle(workflowId);
        await env.sleep('10 minutes');
        const body = JSON.stringify({
          id: 'evt_wf',
          object: 'event',
          type: 'payment_intent.payment_failed',
          data: {
            object: paymentIntent('pi_cb', 'requires_payment_method', {
              amount: 100_01,
              last_payment_error: {
                code: 'card_declined',
                decline_code: 'insufficient_funds',
                message: 'Your card has insufficient funds.',
              },
            }),
          },
        });
        const header = new Stripe('sk_test_workflow').webhooks.generateTestHeaderString({
          payload: body,
          secret: WEBHOOK_SECRET,
        });
        const raw = { body, headers: { 'stripe-signature': header } };
        const verification = await verifyGatewayCallback(ds, createGatewayRegistry(ds), gatewayId, raw, devKeyring());
        await handle.signal(gatewayCallbackSignal, { gatewayId, verification });
      },
    },
  );
  expect(result.status).toBe('Failed');
  const last = result.history.at(-1)!;
  expect([last.code, last.gatewayRef, last.details]).toEqual([
    '5.1.4.63',
    'pi_cb',
    {
      previousAnswerRepeated: expect.any(Number), // the checks that kept finding it processing
      pspCode: 'payment_intent.payment_failed:requires_payment_method:insufficient_funds',
      pspMessage: 'Your card has insufficient funds.',
    },
  ]);
});
