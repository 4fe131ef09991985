/**
 * The merchant cabinet's developer screens (docs/web-app.md) in headless Chromium, against the API, a worker,
 * sandbox gateways and a merchant callback receiver on loopback: an owner issues an API key (its secret shown once,
 * then only its prefix), revokes it with a reason and the merchant API refuses it; sends an order's callback again
 * and a new delivery row appears; ends another of its sessions under My Account. The style of
 * web-app-browser.test.ts: one browser for the file, the built bundle via scripts/build-web.ts --if-stale.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startCallbackReceiver } from '../helpers/callback-receiver';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { invitedPerson, TEST_PASSWORD, type SessionClient } from '../helpers/session-client';
import { prepareWebBrowser, unlabelledInputs } from '../helpers/web-browser';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let base: string;
let admin: HttpClient;
let browser: Browser;
let page: Page;
let merchant: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let owner: { client: SessionClient; email: string };
let order: string;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
let callbackUrl: string;

beforeAll(async () => {
  const launch = prepareWebBrowser();
  receiver = await startCallbackReceiver();
  callbackUrl = `${receiver.base}/ok/${randomUUID()}`;

  stack = await startDevServerStack('web-merch-browser');
  base = stack.api.baseUrl;
  admin = httpClient(base);
  merchant = await adminSetUpMerchant(admin);
  const created = await expectStatus(
    httpClient(base, merchant.pipelines.main!.key).post('/api/v1/integration/deposit-order', {
      amount: 7.25,
      currency: 'USD',
      externalTransactionId: `merch-web-${randomUUID()}`,
      callbackUrl,
      additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
    }),
    200,
  );
  order = created.externalId;
  const { workflowId } = await expectStatus(admin.get(`/api/v1/admin/orders/${order}`), 200);
  await stack.client.workflow.getHandle(workflowId).result();
  // Signed in once through the API: the session the owner will end from the browser.
  owner = await invitedPerson(base, admin, 'owner', merchant.merchantId);

  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/app/sign-in`);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-as').filter({ hasText: owner.email }).waitFor({ timeout: 15_000 });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
});

const merchantApiStatus = async (key: string) =>
  (await httpClient(base, key).get('/api/v1/integration/balance')).status;

test('an owner issues a key: shown once, then only its prefix; revoked with a reason, the merchant API refuses it', async () => {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL(`${base}/app/keys`);
  const form = page.getByRole('form', { name: 'Issue a key' });
  await form.getByLabel('Label').fill('browser key');
  expect(await unlabelledInputs(page)).toEqual([]);
  await form.getByRole('button', { name: 'Issue key' }).click();
  const shown = page.getByTestId('shown-once-secret');
  await shown.waitFor();
  const secret = (await shown.innerText()).trim();
  expect(secret).toMatch(/^ps_sandbox_deposit_[a-z2-7]{10}_/);
  expect(await merchantApiStatus(secret)).toBe(200);

  const row = page.getByRole('table', { name: 'API keys' }).locator('tr', { hasText: 'browser key' });
  await row.waitFor();
  const prefix = secret.split('_').slice(0, 4).join('_');
  expect(await row.innerText()).toContain(prefix);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await shown.waitFor({ state: 'detached' });
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await row.waitFor();
  expect(await page.content()).not.toContain(secret);

  await row.getByRole('button', { name: 'Revoke browser key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('no longer used');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.getByText(/^revoked/i).waitFor();
  expect(await merchantApiStatus(secret)).toBe(401);
  const [audit] = await stack.ds.query(
    `SELECT actor, note FROM audit_log WHERE action = 'revoke' AND entity_type = 'api-key' AND actor = $1`,
    [owner.email],
  );
  expect(audit).toEqual({ actor: owner.email, note: 'no longer used' });
});

test("sends an order's callback again: the receiver is called once more and a new delivery row appears", async () => {
  await page.getByRole('link', { name: 'Callbacks' }).click();
  await page.waitForURL(`${base}/app/callbacks`);
  await page.getByLabel('Order id').fill(order);
  await page.getByRole('button', { name: 'Apply' }).click();
  const table = page.getByRole('table', { name: 'Callback deliveries' });
  const rows = table.locator('tbody tr');
  await rows.first().waitFor();
  expect(await rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain('delivered');
  expect(await unlabelledInputs(page)).toEqual([]);
  const calls = receiver.requests.length;

  await rows
    .first()
    .getByRole('button', { name: /^Send again/ })
    .click();
  const dialog = page.getByRole('dialog');
  // A double click on Send: one request key, one more callback.
  await dialog.getByRole('button', { name: 'Send' }).dblclick();
  await dialog.waitFor({ state: 'detached' });
  await rows.nth(1).waitFor({ timeout: 15_000 });
  expect(await rows.count()).toBe(2);
  const cells = rows.first().locator('td');
  expect(await cells.nth(4).innerText()).toBe('2'); // the attempt
  expect(await cells.nth(5).textContent()).toContain('delivered');
  expect(receiver.requests.slice(calls).map((r) => r.path)).toEqual([new URL(callbackUrl).pathname]);
  const audit = await stack.ds.query(
    `SELECT actor FROM audit_log WHERE action = 'resend' AND entity_type = 'order' AND entity_id = $1`,
    [order],
  );
  expect(audit).toEqual([{ actor: owner.email }]);
});

test('My Account → Sessions: the current session is marked; ending another signs that one out', async () => {
  expect((await owner.client.get('/api/v1/account')).status).toBe(200);
  await page.getByRole('link', { name: 'My Account' }).click();
  const table = page.getByRole('table', { name: 'Sessions' });
  const rows = table.locator('tbody tr');
  await rows.nth(1).waitFor();
  expect(await rows.count()).toBe(2);
  const current = table.locator('tr[data-current]');
  expect(await current.count()).toBe(1);
  expect(await current.textContent()).toContain('this session');
  expect(await current.getByRole('button').isDisabled()).toBe(true);

  await table
    .locator('tbody tr:not([data-current])')
    .getByRole('button', { name: /^End the session/ })
    .click();
  await rows.nth(1).waitFor({ state: 'detached' });
  expect(await rows.count()).toBe(1);
  expect((await owner.client.get('/api/v1/account')).status).toBe(401);
  // The browser's own session goes on.
  await page.reload();
  await page.getByTestId('signed-in-as').filter({ hasText: owner.email }).waitFor();
});
