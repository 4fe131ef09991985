/**
 * The hosted payment page as a payer uses it, in headless Chromium (test/helpers/browser-steps.ts) at desktop and
 * 390×844 phone sizes, against the API, a worker and the sandbox gateway. The merchant's pages are a small server
 * on 127.0.0.1. Set PAYFORM_SCREENSHOTS to a directory to keep a full-page screenshot of each page looked at.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../../infra/paths';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { startApi } from '../helpers/http';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

const run = promisify(execFile);

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
let shop: Server;
let shopUrl: string;

beforeAll(async () => {
  stack = await startDevServerStack('payment-page-browser');
  ({ ds, api } = stack);
  shop = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Shop</title><h1>Shop page ${req.url}</h1>`);
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => shop?.close(resolve));
  await stack?.stop();
});

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true };

type Step = Record<string, unknown> & { do: string };

/** Runs steps in a fresh Chromium page and answers what they read (and any CSP violation the console showed). */
async function browse(
  device: typeof DESKTOP | typeof PHONE,
  steps: Step[],
  opts: { acceptLanguage?: string; name?: string } = {},
): Promise<Record<string, unknown> & { cspViolations: string[] }> {
  const shots = process.env.PAYFORM_SCREENSHOTS;
  const withShots = shots
    ? steps.flatMap((s, i) =>
        s.do === 'waitUrl' || s.do === 'waitText' || i === 0
          ? [s, { do: 'screenshot', path: join(shots, `${opts.name ?? 'page'}-${i}.png`) }]
          : [s],
      )
    : steps;
  const script = {
    ...device,
    ...(opts.acceptLanguage ? { acceptLanguage: opts.acceptLanguage } : {}),
    steps: withShots,
  };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/browser-steps.ts', JSON.stringify(script)],
    { cwd: PROJECT_ROOT, timeout: 110_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

interface Order {
  externalId: string;
  paymentFormUrl: string;
  key: string;
}

/**
 * A host-to-client deposit; `redirects` adds the merchant's three pages on the shop server. `via` is another API
 * (of other settings) that creates it; its form is then served there.
 */
async function deposit(
  opts: { amount?: number; currency?: string; redirects?: boolean; mode?: 'sandbox' | 'live'; via?: string } = {},
): Promise<Order> {
  const currency = opts.currency ?? 'USD';
  const m = await createApiMerchant(ds, 'deposit', { currency });
  const key = m.keys[opts.mode ?? 'sandbox'].deposit;
  const redirects = opts.redirects
    ? {
        successRedirectUrl: `${shopUrl}/success`,
        failedRedirectUrl: `${shopUrl}/failed`,
        processingRedirectUrl: `${shopUrl}/processing`,
      }
    : {};
  const res = await fetch(`${opts.via ?? api.baseUrl}/api/v1/integration/deposit-order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount: opts.amount ?? 12,
      currency,
      externalTransactionId: `shop-order-${Date.now()}-${Math.floor(Math.random() * 1e6)}`,
      ...redirects,
    }),
  });
  const json = (await res.json()) as Order;
  expect(res.status).toBe(200);
  return { ...json, key };
}

async function historyOf(order: Order): Promise<{ orderStatus: string; codes: string[] }> {
  const res = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order/${order.externalId}/status`, {
    headers: { authorization: `Bearer ${order.key}` },
  });
  const json = (await res.json()) as { orderStatus: string; orderHistory: Array<{ code: string }> };
  return { orderStatus: json.orderStatus, codes: json.orderHistory.map((h) => h.code) };
}

async function waitForCode(order: Order, code: string) {
  for (let i = 0; i < 100; i++) {
    const h = await historyOf(order);
    if (h.codes.includes(code)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${code} never appeared in ${order.externalId}'s history`);
}

/** The payer types a good card, key by key. */
const typeCard = (number: string): Step[] => [
  { do: 'type', selector: '#cardNumber', text: number },
  { do: 'type', selector: '#cardExpiry', text: '1239' },
  { do: 'type', selector: '#cardCvc', text: '123' },
  { do: 'type', selector: '#cardHolder', text: 'JANE PAYER' },
];

test('on a 390 px phone the page is readable and every control is at least 44 px; paying lands on the success URL', async () => {
  const order = await deposit({ amount: 12.09, redirects: true });
  const seen = await browse(
    PHONE,
    [
      { do: 'goto', url: order.paymentFormUrl },
      { do: 'metrics', as: 'metrics' },
      { do: 'boxes', as: 'controls', selector: 'input, button, nav a' },
      { do: 'read', as: 'merchant', selector: '#merchant-name' },
      { do: 'read', as: 'reference', selector: '#order-reference' },
      { do: 'read', as: 'autocomplete', selector: '#cardExpiry', attribute: 'autocomplete' },
      ...typeCard('4111111111111111'),
      { do: 'value', as: 'grouped', selector: '#cardNumber' },
      { do: 'value', as: 'expiry', selector: '#cardExpiry' },
      { do: 'read', as: 'brand', selector: '#cardNumber-brand' },
      { do: 'click', selector: '#pay' },
      { do: 'waitUrl', startsWith: `${shopUrl}/success` },
      { do: 'url', as: 'landed' },
    ],
    { name: 'phone-pay' },
  );
  const metrics = seen.metrics as { scrollWidth: number; clientWidth: number; fontSize: number };
  expect(metrics.scrollWidth).toBeLessThanOrEqual(metrics.clientWidth);
  expect(metrics.fontSize).toBeGreaterThanOrEqual(16);
  const controls = seen.controls as Array<{ id: string; width: number; height: number }>;
  expect(controls.length).toBeGreaterThanOrEqual(7);
  expect(controls.filter((c) => c.width < 44 || c.height < 44)).toEqual([]);
  expect(seen.merchant).toMatch(/\S/);
  expect(seen.reference).toMatch(/^shop-order-/);
  expect(seen.autocomplete).toBe('cc-exp');
  expect(seen).toMatchObject({ grouped: '4111 1111 1111 1111', expiry: '12/39', brand: 'Visa' });
  expect(seen.landed).toBe(`${shopUrl}/success`);
  expect(seen.cspViolations).toEqual([]);
  expect((await historyOf(order)).orderStatus).toBe('Success');
}, 150_000);

test('on a desktop a decline that is not the card’s (antifraud) lands on the failed URL', async () => {
  // The sandbox's antifraud declines at create an amount whose minor units end in 41: no other card is offered.
  const order = await deposit({ amount: 12.41, redirects: true });
  const seen = await browse(
    DESKTOP,
    [
      { do: 'goto', url: order.paymentFormUrl },
      ...typeCard('5555555555554444'),
      { do: 'click', selector: '#pay' },
      { do: 'waitUrl', startsWith: `${shopUrl}/failed` },
      { do: 'url', as: 'landed' },
    ],
    { name: 'desktop-decline' },
  );
  expect(seen.landed).toBe(`${shopUrl}/failed`);
  expect((await historyOf(order)).orderStatus).toBe('Failed');
}, 150_000);

test('decline and retry: the bank declines the first card, the page offers another, the second card pays', async () => {
  const order = await deposit({ amount: 12.09, redirects: true });
  const seen = await browse(
    DESKTOP,
    [
      { do: 'goto', url: order.paymentFormUrl },
      // The sandbox's declined card (docs/sandbox.md).
      ...typeCard('4000000000000002'),
      { do: 'click', selector: '#pay' },
      { do: 'waitText', selector: '#declined', contains: 'declined' },
      { do: 'read', as: 'declined', selector: '#declined' },
      { do: 'read', as: 'heading', selector: 'h1' },
      { do: 'value', as: 'numberAfterDecline', selector: '#cardNumber' },
      { do: 'value', as: 'cvcAfterDecline', selector: '#cardCvc' },
      { do: 'boxes', as: 'controls', selector: 'input, button' },
      ...typeCard('5555555555554444'),
      { do: 'click', selector: '#pay' },
      { do: 'waitUrl', startsWith: `${shopUrl}/success` },
      { do: 'url', as: 'landed' },
    ],
    { name: 'desktop-decline-retry' },
  );
  expect(seen.declined).toContain('Your card was declined by its bank. No money was taken.');
  expect(seen.declined).toContain('Cards you can still try: 2');
  expect(seen.heading).toBe('Card declined');
  expect(seen).toMatchObject({ numberAfterDecline: '', cvcAfterDecline: '', landed: `${shopUrl}/success` });
  expect((seen.controls as unknown[]).length).toBeGreaterThanOrEqual(6);
  expect(seen.cspViolations).toEqual([]);
  const res = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order/${order.externalId}/status`, {
    headers: { authorization: `Bearer ${order.key}` },
  });
  const status = (await res.json()) as {
    orderStatus: string;
    externalParams: { cardNumber: string };
    orderHistory: Array<{ code: string }>;
  };
  expect(status.orderStatus).toBe('Success');
  expect(status.externalParams.cardNumber).toBe('555555******4444');
  const codes = status.orderHistory.map((h) => h.code);
  // Each card: the form opens (3.1.1.00), the payer types (3.0.1.53) and pays (3.1.1.55); the first is declined.
  expect(codes.filter((c) => ['3.1.1.00', '3.0.1.53', '3.1.1.55', '2.2.4.00'].includes(c))).toEqual([
    '3.1.1.00',
    '3.0.1.53',
    '3.1.1.55',
    '2.2.4.00',
    '3.1.1.00',
    '3.0.1.53',
    '3.1.1.55',
  ]);
}, 150_000);

test('a payer who types, then leaves the page for the shop, is recorded (3.0.1.53, 3.0.1.52); the form still waits', async () => {
  const order = await deposit({ redirects: true });
  await browse(
    PHONE,
    [
      { do: 'goto', url: order.paymentFormUrl },
      { do: 'type', selector: '#cardNumber', text: '4111' },
      { do: 'goto', url: `${shopUrl}/elsewhere` },
      { do: 'waitText', selector: 'h1', contains: 'Shop page' },
    ],
    { name: 'phone-leave' },
  );
  const h = await waitForCode(order, '3.0.1.52');
  expect(h.codes.filter((c) => c.startsWith('3.0.1.'))).toEqual(['3.0.1.51', '3.0.1.53', '3.0.1.52']);
  expect(h.orderStatus).toBe('Created');
}, 150_000);

test('a payer who cancels is taken back to the failed URL, and the page then sends them there again', async () => {
  const order = await deposit({ redirects: true });
  const seen = await browse(
    PHONE,
    [
      { do: 'goto', url: order.paymentFormUrl },
      { do: 'click', selector: '#cancel' },
      { do: 'waitUrl', startsWith: `${shopUrl}/failed` },
      { do: 'url', as: 'landed' },
    ],
    { name: 'phone-cancel' },
  );
  expect(seen.landed).toBe(`${shopUrl}/failed`);
  const h = await waitForCode(order, '3.0.4.54');
  expect(h.orderStatus).toBe('Failed');
  // The ended page (cancelled, expired or failed) no longer shows a form: it redirects to the merchant's page.
  const again = await fetch(order.paymentFormUrl, { redirect: 'manual' });
  expect(again.status).toBe(303);
  expect(again.headers.get('location')).toBe(`${shopUrl}/failed`);
}, 150_000);

test('without merchant URLs the page shows the live result, then the outcome', async () => {
  const order = await deposit({ amount: 12 });
  const seen = await browse(
    DESKTOP,
    [
      { do: 'goto', url: order.paymentFormUrl },
      ...typeCard('4111111111111111'),
      { do: 'click', selector: '#pay' },
      { do: 'waitText', selector: 'h1', contains: 'Payment successful' },
      { do: 'read', as: 'amount', selector: '#amount' },
    ],
    { name: 'desktop-no-urls' },
  );
  expect(seen.amount).toBe('12.00 USD');
}, 150_000);

test('a Luhn-failing number is refused in place, what was typed is kept, and the refusal is recorded', async () => {
  const order = await deposit({ redirects: true });
  const seen = await browse(
    PHONE,
    [
      { do: 'goto', url: order.paymentFormUrl },
      ...typeCard('4111111111111112'),
      { do: 'click', selector: '#pay' },
      { do: 'waitText', selector: '#cardNumber-error', contains: 'not valid' },
      { do: 'read', as: 'invalid', selector: '#cardNumber', attribute: 'aria-invalid' },
      { do: 'read', as: 'describedBy', selector: '#cardNumber', attribute: 'aria-describedby' },
      { do: 'value', as: 'number', selector: '#cardNumber' },
      { do: 'value', as: 'holder', selector: '#cardHolder' },
      { do: 'url', as: 'url' },
    ],
    { name: 'phone-luhn' },
  );
  expect(seen).toMatchObject({
    invalid: 'true',
    describedBy: 'cardNumber-error',
    number: '4111 1111 1111 1112',
    holder: 'JANE PAYER',
    url: order.paymentFormUrl,
  });
  const h = await waitForCode(order, '3.2.1.59');
  // The payer is still on the form: the order waits for a card.
  expect(h.orderStatus).toBe('Created');

  // Without the script (or past it), the server refuses the same card, in the page, the same way, sandbox or not.
  const res = await fetch(order.paymentFormUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'pay', cardNumber: '4111111111111112', cardHolder: 'JANE PAYER' }).toString(),
  });
  const html = await res.text();
  expect(res.status).toBe(400);
  expect(html).toContain('This card number is not valid');
  expect(html).toContain('aria-invalid="true"');
  expect(html).toContain('value="JANE PAYER"');
  expect(html).not.toContain('4111111111111112');
  expect(await ds.query(`SELECT id FROM card_vault WHERE order_id = $1`, [order.externalId])).toEqual([]);
}, 150_000);

test('amounts are shown in the minor units of their currency: JPY 0 decimals, KWD 3', async () => {
  const yen = await deposit({ amount: 1500, currency: 'JPY' });
  const dinar = await deposit({ amount: 1.234, currency: 'KWD' });
  const seen = await browse(DESKTOP, [
    { do: 'goto', url: yen.paymentFormUrl },
    { do: 'read', as: 'yen', selector: '#amount' },
    { do: 'read', as: 'yenButton', selector: '#pay' },
    { do: 'goto', url: dinar.paymentFormUrl },
    { do: 'read', as: 'dinar', selector: '#amount' },
  ]);
  expect(seen).toMatchObject({ yen: '1,500 JPY', yenButton: 'Pay 1,500 JPY', dinar: '1.234 KWD' });
}, 150_000);

test('Accept-Language ru gets the page in Russian, with a switch to English', async () => {
  const order = await deposit({ amount: 1234.5 });
  const seen = await browse(
    PHONE,
    [
      { do: 'goto', url: order.paymentFormUrl },
      { do: 'read', as: 'lang', selector: 'html', attribute: 'lang' },
      { do: 'read', as: 'title', selector: 'h1' },
      { do: 'read', as: 'pay', selector: '#pay' },
      { do: 'read', as: 'label', selector: 'label[for=cardNumber]' },
      { do: 'click', selector: 'nav a[lang=en]' },
      { do: 'waitText', selector: 'h1', contains: 'Payment' },
      { do: 'read', as: 'english', selector: '#pay' },
    ],
    { acceptLanguage: 'ru-RU,ru;q=0.9,en;q=0.5', name: 'phone-ru' },
  );
  expect(seen).toMatchObject({ lang: 'ru', title: 'Оплата', label: 'Номер карты', english: 'Pay 1,234.50 USD' });
  // Russian groups with a (no-break) space and uses a decimal comma.
  expect(String(seen.pay).replace(/\s/g, ' ')).toBe('Оплатить 1 234,50 USD');
}, 150_000);

test('the page cannot be framed and runs under a strict policy of its own', async () => {
  const order = await deposit();
  const res = await fetch(order.paymentFormUrl);
  expect(res.status).toBe(200);
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  const html = await res.text();
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).not.toMatch(/\son[a-z]+=/i);
}, 60_000);

test('a live order that no gateway can route does not ask for a card', async () => {
  // The merchant's only gateway is a sandbox one: a live-key order has no route.
  const order = await deposit({ mode: 'live' });
  const page = await fetch(order.paymentFormUrl);
  const html = await page.text();
  expect(page.status).toBe(409);
  expect(html).toContain('cannot be made by card');
  expect(html).not.toContain('cardNumber');
  const posted = await fetch(order.paymentFormUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'pay', cardNumber: '4111111111111111' }).toString(),
  });
  expect(posted.status).toBe(409);
  expect(await ds.query(`SELECT id FROM card_vault WHERE order_id = $1`, [order.externalId])).toEqual([]);
}, 60_000);

test('two tabs paying with different cards at once: one is charged, the other is told, and the status shows the one', async () => {
  const order = await deposit({ amount: 12.09, redirects: true });
  const seen = await browse(
    DESKTOP,
    [
      { do: 'goto', url: order.paymentFormUrl },
      ...typeCard('4111111111111111'),
      { do: 'page', index: 1 },
      { do: 'goto', url: order.paymentFormUrl },
      ...typeCard('5555555555554444'),
      { do: 'clickAll', selector: '#pay' },
      { do: 'waitAll', urlPrefix: `${shopUrl}/success`, orText: 'Payment already submitted' },
      { do: 'urls', as: 'urls' },
      { do: 'readAll', as: 'titles', selector: 'h1' },
    ],
    { name: 'two-tabs' },
  );
  const urls = seen.urls as string[];
  const winner = urls.findIndex((u) => u === `${shopUrl}/success`);
  expect(urls.filter((u) => u === `${shopUrl}/success`)).toHaveLength(1);
  expect((seen.titles as string[])[1 - winner]).toBe('Payment already submitted');
  const res = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order/${order.externalId}/status`, {
    headers: { authorization: `Bearer ${order.key}` },
  });
  const status = (await res.json()) as { orderStatus: string; externalParams: { cardNumber: string } };
  expect(status.orderStatus).toBe('Success');
  expect(status.externalParams.cardNumber).toBe(winner === 0 ? '411111******1111' : '555555******4444');
}, 150_000);

test.each([
  ['3-D Secure', '4000000000003220', '123456', 'success', []],
  ['3-D Secure', '4000000000003220', '654321', 'failed', ['3.2.4.56']],
  ['OTP', '4000000000000036', '654321', 'failed', ['3.2.4.57']],
])(
  '%s: the sandbox challenge card %s asks for a code; %s lands on the %s URL',
  async (_kind, card, code, outcome, codes) => {
    const order = await deposit({ amount: 12.09, redirects: true });
    const seen = await browse(
      PHONE,
      [
        { do: 'goto', url: order.paymentFormUrl },
        ...typeCard(card),
        { do: 'click', selector: '#pay' },
        { do: 'waitText', selector: 'h1', contains: 'Confirm the payment' },
        { do: 'read', as: 'hint', selector: '#challenge-hint' },
        { do: 'read', as: 'autocomplete', selector: '#code', attribute: 'autocomplete' },
        { do: 'type', selector: '#code', text: code },
        { do: 'click', selector: '#confirm' },
        { do: 'waitUrl', startsWith: `${shopUrl}/${outcome}` },
        { do: 'url', as: 'landed' },
      ],
      { name: `phone-challenge-${card.slice(-4)}-${outcome}` },
    );
    expect(seen).toMatchObject({
      hint: 'Sandbox: the code is 123456',
      autocomplete: 'one-time-code',
      landed: `${shopUrl}/${outcome}`,
    });
    const h = await historyOf(order);
    expect(h.codes.filter((c) => c.startsWith('3.2.4.'))).toEqual(codes);
    expect(h.orderStatus).toBe(outcome === 'success' ? 'Success' : 'Failed');
  },
  150_000,
);

test('a page left open past its lifetime says it expired and links back to the failed URL', async () => {
  // An API whose forms live 3 seconds, on the same worker: the workflow times the form out (1.2.4.73).
  const shortLived = await startApi({
    dataSource: ds,
    temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
    taskQueue: stack.taskQueue,
    payformLifetimeMs: 3_000,
  });
  try {
    const order = await deposit({ redirects: true, via: shortLived.baseUrl });
    const seen = await browse(
      DESKTOP,
      [
        { do: 'goto', url: order.paymentFormUrl },
        ...typeCard('4111111111111111'),
        // The payer leaves the tab open until the form's lifetime is over, then presses Pay.
        { do: 'waitJson', url: `${order.paymentFormUrl}/status`, field: 'status', equals: 'failed' },
        { do: 'click', selector: '#pay' },
        { do: 'waitText', selector: 'h1', contains: 'Payment page expired' },
        { do: 'read', as: 'said', selector: 'main' },
        { do: 'read', as: 'link', selector: '#back-to-shop', attribute: 'href' },
        { do: 'click', selector: '#back-to-shop' },
        { do: 'waitUrl', startsWith: `${shopUrl}/failed` },
        { do: 'url', as: 'landed' },
      ],
      { name: 'desktop-expired' },
    );
    expect(seen.said).toContain('This payment page has expired');
    expect(seen).toMatchObject({ link: `${shopUrl}/failed`, landed: `${shopUrl}/failed` });
    const h = await historyOf(order);
    expect(h.orderStatus).toBe('Failed');
    expect(h.codes).toContain('1.2.4.73');
    expect(h.codes).not.toContain('3.1.1.55'); // the card typed too late was not taken
    // Opened again, the page says the same (not a redirect without a word).
    const again = await fetch(order.paymentFormUrl, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain(`href="${shopUrl}/failed"`);
  } finally {
    await shortLived.stop();
  }
}, 150_000);
