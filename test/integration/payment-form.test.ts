import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { devKeyring } from '../../infra/security/keyring';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { type startApi, TEST_ADMIN_KEY } from '../helpers/http';
import { previousReleaseOrder } from './previous-release-workflows';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
const pages: string[] = [];

beforeAll(async () => {
  stack = await startDevServerStack('payment-form');
  ({ ds, api } = stack);
});
afterAll(() => stack?.stop());

const CARD = '4111 1111 1111 1111';

/** A host-to-client deposit (no card in the request): the answer carries the payment form's URL. */
async function hostToClientDeposit(amount = 12.09) {
  const m = await createApiMerchant(ds, 'deposit');
  const res = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${m.keys.sandbox.deposit}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount, currency: 'USD', externalTransactionId: `h2c-${Date.now()}-${Math.random()}` }),
  });
  const json = (await res.json()) as { externalId: string; orderStatus: string; paymentFormUrl: string };
  expect(res.status).toBe(200);
  return { ...json, key: m.keys.sandbox.deposit };
}

async function statusOf(externalId: string, key: string) {
  const res = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order/${externalId}/status`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const text = await res.text();
  pages.push(text);
  return JSON.parse(text) as {
    orderStatus: string;
    externalParams: { cardNumber: string | null };
    orderHistory: Array<{ code: string }>;
  };
}

async function waitFor(externalId: string, key: string, done: (s: Awaited<ReturnType<typeof statusOf>>) => boolean) {
  for (let i = 0; i < 200; i++) {
    const s = await statusOf(externalId, key);
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${externalId} did not get there`);
}

const submit = async (url: string, fields: Record<string, string>) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  pages.push(text);
  return { status: res.status, text };
};

test('the payer opens the hosted form, pays by card, and the order completes with the card masked', async () => {
  const order = await hostToClientDeposit();
  expect(order.paymentFormUrl).toBe(`${api.baseUrl}/pay/${order.externalId}`);

  const form = await fetch(order.paymentFormUrl);
  const html = await form.text();
  expect(form.status).toBe(200);
  expect(html).toContain('<form method="post"');
  expect(html).toContain('Pay 12.09 USD');
  await waitFor(order.externalId, order.key, (s) => s.orderHistory.some((h) => h.code === '3.0.1.51'));

  const paid = await submit(order.paymentFormUrl, { cardNumber: CARD, cardHolder: 'JANE PAYER', action: 'pay' });
  expect(paid.status).toBe(202);
  // Success shows as soon as the gateway paid; the ledger entry follows a moment later.
  const final = await waitFor(order.externalId, order.key, (s) => s.orderHistory.some((h) => h.code === '1.1.3.84'));
  expect(final.orderStatus).toBe('Success');
  expect(final.orderHistory.map((h) => h.code)).toEqual([
    '1.1.1.00',
    '3.1.1.00',
    '3.0.1.51',
    '3.1.1.55',
    '2.1.3.00',
    '1.1.3.84',
  ]);
  expect(final.externalParams.cardNumber).toBe('411111******1111');

  // Once paid, the form does not take a second card.
  expect((await submit(order.paymentFormUrl, { cardNumber: CARD, action: 'pay' })).status).toBe(409);
  // The card number itself is in no page, no status answer, no log line and no order row.
  const digits = CARD.replace(/ /g, '');
  expect(pages.join('\n')).not.toContain(digits);
  expect(api.logLines.join('\n')).not.toContain(digits);
  const rows = await ds.query(`SELECT row_to_json(o)::text AS j FROM orders o WHERE id = $1`, [order.externalId]);
  expect(rows[0].j).not.toContain(digits);
});

test('a payer who cancels fails the order; a bad card number can be corrected; unknown forms are 404', async () => {
  const order = await hostToClientDeposit(30);
  expect((await submit(order.paymentFormUrl, { cardNumber: '12ab', action: 'pay' })).status).toBe(400);
  // A bad expiry or CVC is refused the same way, and nothing is vaulted for the order.
  expect((await submit(order.paymentFormUrl, { cardNumber: CARD, cardExpiry: '13/29', action: 'pay' })).status).toBe(
    400,
  );
  expect((await submit(order.paymentFormUrl, { cardNumber: CARD, cardCvc: '12', action: 'pay' })).status).toBe(400);
  expect(await ds.query(`SELECT id FROM card_vault WHERE order_id = $1`, [order.externalId])).toEqual([]);
  expect((await submit(order.paymentFormUrl, { action: 'cancel' })).status).toBe(200);
  const final = await waitFor(order.externalId, order.key, (s) => s.orderStatus === 'Failed');
  // Each refused submit is counted for payment-form analytics (3.2.1.59), and the order kept waiting for a card.
  expect(final.orderHistory.map((h) => h.code)).toEqual([
    '1.1.1.00',
    '3.1.1.00',
    '3.2.1.59',
    '3.2.1.59',
    '3.2.1.59',
    '3.0.4.54',
  ]);

  expect((await fetch(`${api.baseUrl}/pay/00000000-0000-4000-8000-00000000dead`)).status).toBe(404);
  expect((await fetch(`${api.baseUrl}/pay/not-a-uuid`)).status).toBe(404);
});

test('page visits beyond a small budget no longer reach the workflow (issue 20)', async () => {
  const order = await hostToClientDeposit();
  const workflowId = `deposit-${order.externalId}`;
  // A signal that comes while a workflow task is in flight becomes a history event only when that task completes
  // (Temporal buffers it): count once the last task scheduled has completed.
  const signals = async () => {
    for (let i = 0; i < 200; i++) {
      const events = (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const lastTask = events.map((e) => Boolean(e.workflowTaskScheduledEventAttributes)).lastIndexOf(true);
      if (events.slice(lastTask).some((e) => e.workflowTaskCompletedEventAttributes)) {
        return events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`workflow ${workflowId} kept a workflow task in flight`);
  };
  for (let i = 0; i < 12; i++) expect((await fetch(order.paymentFormUrl)).status).toBe(200);
  // A card number that is not one is refused and counted (a budget of its own): the payer corrects it.
  expect((await submit(order.paymentFormUrl, { action: 'pay', cardNumber: 'not a card' })).status).toBe(400);
  // 3 visits were signalled, whatever came after, and the one refusal.
  expect(await signals()).toBe(4);
  const admin = await fetch(`${api.baseUrl}/api/v1/admin/orders/${order.externalId}`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
  });
  const summary = ((await admin.json()) as { unauthenticatedTraffic: unknown[] }).unauthenticatedTraffic;
  expect(summary).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'payform-visit', count: 12, signalled: 3 }),
      expect.objectContaining({ kind: 'payform-refused', count: 1, signalled: 1 }),
    ]),
  );
});

const SECOND_CARD = '5555 5555 5555 4444';

test('finding 9: of two concurrent submits with different cards one is accepted, and the status shows the card charged', async () => {
  const order = await hostToClientDeposit(14.09);
  const [first, second] = await Promise.all([
    submit(order.paymentFormUrl, { cardNumber: CARD, cardHolder: 'JANE PAYER', action: 'pay' }),
    submit(order.paymentFormUrl, { cardNumber: SECOND_CARD, cardHolder: 'JOHN OTHER', action: 'pay' }),
  ]);
  expect({ statuses: [first.status, second.status].sort(), pages: [first.text, second.text] }).toMatchObject({
    statuses: [202, 409],
  });
  const refused = first.status === 409 ? first : second;
  expect(refused.text).toContain('no longer takes a card');
  const accepted =
    first.status === 202
      ? { mask: '411111******1111', holder: 'J*** P***' }
      : { mask: '555555******4444', holder: 'J*** O***' };

  const final = await waitFor(order.externalId, order.key, (s) => s.orderHistory.some((h) => h.code === '1.1.3.84'));
  expect(final.orderStatus).toBe('Success');
  // The workflow took one card, and the card on record is that one: the workflow wrote it, nobody else did.
  expect(final.orderHistory.filter((h) => h.code === '3.1.1.55')).toHaveLength(1);
  expect(final.externalParams.cardNumber).toBe(accepted.mask);
  // The name on the card is kept masked (the vault keeps it whole, for the gateway).
  const [row] = await ds.query(`SELECT card_mask, card_holder FROM orders WHERE id = $1`, [order.externalId]);
  expect(row).toEqual({ card_mask: accepted.mask, card_holder: accepted.holder });

  // Once the order has moved on, no card is taken.
  expect((await submit(order.paymentFormUrl, { cardNumber: SECOND_CARD, action: 'pay' })).status).toBe(409);
});

test('issue 15: after a decline the form takes another card, once: of two tabs one is charged, and the status shows it', async () => {
  const order = await hostToClientDeposit(14.09);
  // The sandbox's declined card (docs/sandbox.md).
  expect((await submit(order.paymentFormUrl, { cardNumber: '4000 0000 0000 0002', action: 'pay' })).status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const page = (await (await fetch(`${order.paymentFormUrl}/status`)).json()) as { cardDeclined?: boolean };
    if (page.cardDeclined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await (await fetch(`${order.paymentFormUrl}/status`)).json()).toEqual({
    status: 'awaiting-card',
    final: false,
    redirectUrl: null,
    cardDeclined: true,
  });
  expect((await statusOf(order.externalId, order.key)).orderStatus).toBe('Processing');
  const form = await fetch(order.paymentFormUrl);
  const html = await form.text();
  expect(form.status).toBe(200);
  expect(html).toContain('id="declined"');
  expect(html).toContain('Cards you can still try: 2');
  expect(html).not.toContain('4000000000000002');

  const [first, second] = await Promise.all([
    submit(order.paymentFormUrl, { cardNumber: CARD, action: 'pay' }),
    submit(order.paymentFormUrl, { cardNumber: SECOND_CARD, action: 'pay' }),
  ]);
  expect([first.status, second.status].sort()).toEqual([202, 409]);
  const mask = first.status === 202 ? '411111******1111' : '555555******4444';
  const final = await waitFor(order.externalId, order.key, (s) => s.orderHistory.some((h) => h.code === '1.1.3.84'));
  expect(final.orderStatus).toBe('Success');
  expect(final.externalParams.cardNumber).toBe(mask);
  expect(final.orderHistory.filter((h) => h.code === '3.1.1.55')).toHaveLength(2);
  // One payment at the sandbox for the order: the charged card is the one on record.
  const payments = (await ds.query(
    `SELECT p.idempotency_key AS key FROM sandbox_payments p JOIN orders o ON p.idempotency_key LIKE o.workflow_id || ':%'
      WHERE o.id = $1`,
    [order.externalId],
  )) as Array<{ key: string }>;
  expect(payments.map((p) => p.key.replace(/^.*?:/, ''))).toEqual(['2:1']);
});

test('an order of the previous release (no submit Update) gets the card by signal, first card only', async () => {
  const order = await hostToClientDeposit(15.09);
  const [{ workflow_id: workflowId }] = await ds.query(`SELECT workflow_id FROM orders WHERE id = $1`, [
    order.externalId,
  ]);
  // The order's workflow is replaced by one of the previous release's shape, under the same workflow id.
  await stack.client.workflow.getHandle(workflowId).terminate('replaced by a previous-release workflow');
  const taskQueue = `${stack.taskQueue}-previous`;
  const connection = await NativeConnection.connect({ address: fromSetup(TEST_TEMPORAL_ADDRESS) });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./previous-release-workflows'),
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const run = worker.run();
  try {
    const handle = await stack.client.workflow.start(previousReleaseOrder, { taskQueue, workflowId });
    const [first, second] = await Promise.all([
      submit(order.paymentFormUrl, { cardNumber: CARD, cardHolder: 'JANE PAYER', action: 'pay' }),
      submit(order.paymentFormUrl, { cardNumber: SECOND_CARD, action: 'pay' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const mask = first.status === 202 ? '411111******1111' : '555555******4444';
    const told = await handle.result();
    expect(told.filter((e) => e.type === 'submitted')).toEqual([expect.objectContaining({ cardMask: mask })]);
    // The previous release's workflow never writes the card: the route recorded the one it signalled.
    const [row] = await ds.query(`SELECT card_mask FROM orders WHERE id = $1`, [order.externalId]);
    expect(row.card_mask).toBe(mask);
  } finally {
    worker.shutdown();
    await run;
    await connection.close();
  }
});

test('issue 15: a form posted from another site is refused; the status and refusal endpoints carry no card data', async () => {
  const order = await hostToClientDeposit(16.09);
  const crossSite = await fetch(order.paymentFormUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    body: new URLSearchParams({ action: 'cancel' }).toString(),
  });
  expect(crossSite.status).toBe(403);
  const sameSite = await fetch(order.paymentFormUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ action: 'pay', cardNumber: 'not a card' }).toString(),
  });
  expect(sameSite.status).toBe(400);

  const status = await fetch(`${order.paymentFormUrl}/status`);
  expect(await status.json()).toEqual({ status: 'awaiting-card', final: false, redirectUrl: null });
  const report = (body: unknown) =>
    fetch(`${order.paymentFormUrl}/refused`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await report({ fields: ['cardNumber', 'cardCvc'] })).status).toBe(204);
  expect((await report({ fields: ['4111111111111111'] })).status).toBe(400);
  expect((await report({ fields: [] })).status).toBe(400);
  const final = await waitFor(
    order.externalId,
    order.key,
    (s) => s.orderHistory.filter((h) => h.code === '3.2.1.59').length === 2,
  );
  // Nothing was cancelled by the cross-site post.
  expect(final.orderStatus).toBe('Created');
  expect((await fetch(`${api.baseUrl}/pay/00000000-0000-4000-8000-00000000dead/status`)).status).toBe(404);
  // No challenge waits for this order: an answer to one goes back to the form.
  const answer = await fetch(`${order.paymentFormUrl}/challenge`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'confirm', code: '123456' }).toString(),
  });
  expect(answer.status).toBe(303);
  expect(answer.headers.get('location')).toBe(`/pay/${order.externalId}`);
});
