/**
 * The merchant cabinet's developer screens (docs/web-app.md) in headless Chromium, against the API, a worker,
 * sandbox gateways and a merchant callback receiver on loopback: an owner issues an API key (its secret shown once,
 * then only its prefix), revokes it with a reason and the merchant API refuses it; sends an order's callback again
 * and a new delivery row appears; ends another of its sessions under My Account. The style of
 * web-app-browser.test.ts: one browser for the file, the built bundle via scripts/build-web.ts --if-stale.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/paths';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { invitedPerson, TEST_PASSWORD, type SessionClient } from '../helpers/session-client';

const run = promisify(execFile);

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let base: string;
let admin: HttpClient;
let browser: Browser;
let page: Page;
let merchant: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let owner: { client: SessionClient; email: string };
let order: string;
const received: string[] = [];
let receiver: http.Server;
let callbackUrl: string;

beforeAll(async () => {
  const built = run(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts', '--if-stale'], {
    cwd: PROJECT_ROOT,
    timeout: 110_000,
  });
  const chromiumInfo = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import c from '@sparticuz/chromium'; console.log(JSON.stringify({ path: await c.executablePath(), args: c.args }))",
    ],
    { cwd: PROJECT_ROOT },
  );
  // The merchant's callback endpoint, on loopback: answers 200 and keeps the paths it was called on.
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paystar/${randomUUID()}`;

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

  await built;
  const { path, args } = JSON.parse((await chromiumInfo).stdout.trim()) as { path: string; args: string[] };
  browser = await chromium.launch({ executablePath: process.env.BROWSER_EXECUTABLE || path, args, headless: true });
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
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Every visible input is named by a label (or aria-label). */
async function unlabelledInputs(): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML)`);
}

const merchantApiStatus = async (key: string) =>
  (await httpClient(base, key).get('/api/v1/integration/balance')).status;

test('an owner issues a key: shown once, then only its prefix; revoked with a reason, the merchant API refuses it', async () => {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL(`${base}/app/keys`);
  const form = page.getByRole('form', { name: 'Issue a key' });
  await form.getByLabel('Label').fill('browser key');
  expect(await unlabelledInputs()).toEqual([]);
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
  expect(await unlabelledInputs()).toEqual([]);
  const calls = received.length;

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
  expect(received.slice(calls)).toEqual([new URL(callbackUrl).pathname]);
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
