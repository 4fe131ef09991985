/**
 * The web application (docs/web-app.md) in headless Chromium, against the API, a worker and sandbox gateways: each
 * kind of person signs in and uses the screens; what the screens do lands in the server (and its audit log), and
 * what a role may not do the server refuses even when called directly. One browser for the file; one context (a
 * cookie jar) per person. Accessibility basics: every input has a label, sign-in and the black-list add are done
 * with the keyboard alone.
 */
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CODES } from '../../domain/history-codes';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { invitedPerson, TEST_PASSWORD } from '../helpers/session-client';
import {
  fromPage,
  openSignIn as openSignInFor,
  signedIn,
  signInByKeyboard,
  unlabelledInputs,
  webBrowser,
} from '../helpers/web-browser';

const CARD = '4111111111111111';
const BLOCKED_CARD = '5555555555554444';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let base: string;
let admin: HttpClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let merchantA: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let merchantB: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let orderA: string;
let orderB: string;

/** A deposit through the merchant API, waited for to its end; answers our id. */
async function deposit(key: string, card = CARD): Promise<string> {
  const created = await expectStatus(
    httpClient(base, key).post('/api/v1/integration/deposit-order', {
      amount: 12.5,
      currency: 'USD',
      externalTransactionId: `web-${randomUUID()}`,
      additionalFields: [{ key: 'cardNumber', value: card }],
    }),
    200,
  );
  const { workflowId } = await expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
  await stack.client.workflow.getHandle(workflowId).result();
  return created.externalId;
}

beforeAll(async () => {
  ({ browser, context, page } = await webBrowser(async () => {
    stack = await startDevServerStack('web-app-browser');
    base = stack.api.baseUrl;
    admin = httpClient(base);
    merchantA = await adminSetUpMerchant(admin, { gatewayScenarios: ['success-at-create'] });
    merchantB = await adminSetUpMerchant(admin, { gatewayScenarios: ['success-at-create'] });
    [orderA, orderB] = await Promise.all([
      deposit(merchantA.pipelines.main!.key),
      deposit(merchantB.pipelines.main!.key),
    ]);
  }));
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * The sign-in screen for the next person, from `GET /`. One page and one context for the file: the browser of
 * @sparticuz/chromium runs as a single process, whose contexts share cookies (and closing one ends it), so each
 * person starts from cleared cookies instead.
 */
async function openSignIn(): Promise<{ page: Page }> {
  await openSignInFor(base, context, page);
  return { page };
}

describe('Head: an operator', () => {
  let operator: { email: string };
  beforeAll(async () => {
    operator = await invitedPerson(base, admin, 'operations');
    // More older merchants than a page holds, as on a platform with history: each is still found by name.
    await stack.ds.query(
      `INSERT INTO merchants (name, created_at) SELECT 'older merchant ' || n, now() - interval '1 day' FROM generate_series(1, 600) n`,
    );
    await openSignIn();
  });

  test('a wrong password is said in words; then signs in by keyboard and lands on the orders list', async () => {
    await signInByKeyboard(page, operator.email, 'not the password at all');
    await page.getByRole('alert').filter({ hasText: 'wrong email or password' }).waitFor();
    await page.reload();
    await signInByKeyboard(page, operator.email);
    await signedIn(page, operator.email);
    await page.waitForURL(`${base}/app/orders`);
    await page.getByRole('heading', { name: 'PayStar Head' }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
  });

  test("an order's timeline shows each code in words with the gateway by name", async () => {
    await page.getByLabel('Our id').fill(orderA);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('link', { name: orderA }).click();
    await page.waitForURL(`${base}/app/orders/${orderA}`);
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await timeline.waitFor();
    const truth = await expectStatus(admin.get(`/api/v1/admin/orders/${orderA}`), 200);
    const withGateway = truth.history.filter((h: { gatewayName: string | null }) => h.gatewayName);
    expect(withGateway.length).toBeGreaterThan(0);
    expect(withGateway[0].gatewayName).toBe(merchantA.gateways[0]!.name);
    const rows = await timeline.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(truth.history.length);
    truth.history.forEach((h: { code: string; description: string; gatewayName: string | null }, i: number) => {
      expect(h.description).not.toBe('unknown code');
      expect(rows[i]).toContain(h.code);
      expect(rows[i]).toContain(h.description);
      if (h.gatewayName) expect(rows[i]).toContain(h.gatewayName);
    });
  });

  test('finds a merchant by a part of its name on the Merchants screen, among more than a page of them', async () => {
    const { name } = await expectStatus(admin.get(`/api/v1/admin/merchants/${merchantA.merchantId}`), 200);
    await page.getByRole('link', { name: 'Merchants' }).click();
    const table = page.getByRole('table', { name: 'Merchants' });
    await table.locator('tbody tr').first().waitFor();
    expect(await table.innerText()).not.toContain(name);
    const firstOfPageOne = await table.locator('tbody tr').first().innerText();
    await page.getByRole('button', { name: 'Next page' }).click();
    await table.locator('tbody tr').first().filter({ hasNotText: firstOfPageOne }).waitFor();
    await page.getByLabel('Name contains').fill(name.slice(-12));
    await table.getByRole('link', { name }).click();
    await page.waitForURL(`${base}/app/merchants/${merchantA.merchantId}`);
  });

  test('adds a black-list entry by keyboard; the next order through the merchant API is blocked (1.2.4.42)', async () => {
    await page.getByRole('link', { name: 'Black list' }).click();
    await page.getByRole('tab', { name: 'By Merch' }).waitFor();
    await page.getByRole('button', { name: '+ Add new' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Merchant').waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    // The merchant: typed into the searchable list, picked with the arrow keys.
    await dialog.getByLabel('Merchant').focus();
    const { name: merchantName } = await expectStatus(
      admin.get(`/api/v1/admin/merchants/${merchantA.merchantId}`),
      200,
    );
    await page.keyboard.type(merchantName);
    // The server searches as the name is typed; the one merchant found is picked.
    await page.getByRole('option', { name: merchantName }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await dialog.getByLabel('Merchant').inputValue()).toBe(merchantName);
    await dialog.getByLabel('Requisites').focus();
    await page.keyboard.type('5555 5555 5555 4444');
    await page.keyboard.press('Tab');
    await page.keyboard.type('chargebacks');
    await dialog.getByLabel('Requisites').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const table = page.getByRole('table', { name: 'Black-list entries' });
    await table.locator('tr', { hasText: '4444' }).filter({ hasText: 'chargebacks' }).waitFor();

    const entries = await expectStatus(admin.get(`/api/v1/admin/blacklist?merchantId=${merchantA.merchantId}`), 200);
    expect(entries.items).toEqual([
      expect.objectContaining({ scope: 'merchant', type: 'card', description: 'chargebacks' }),
    ]);
    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=blacklist-entry&entityId=${entries.items[0].id}`),
      200,
    );
    expect(audit.items).toEqual([expect.objectContaining({ action: 'create', actor: operator.email })]);

    const blocked = await expectStatus(
      admin.get(`/api/v1/admin/orders/${await deposit(merchantA.pipelines.main!.key, BLOCKED_CARD)}`),
      200,
    );
    expect(blocked.status).toBe('Failed');
    expect(blocked.history.map((h: { code: string }) => h.code)).toContain(CODES.PRECHECK_BLACKLIST);

    // The audit-log screen shows the change under the operator.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Which (id)').fill(entries.items[0].id);
    await page
      .getByRole('table', { name: 'Audit log' })
      .locator('tr', { hasText: operator.email })
      .filter({ hasText: 'blacklist-entry' })
      .waitFor();

    // Signing out ends the session: the screens lead back to sign-in, and the API no longer knows the cookie.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/app/sign-in`);
    expect(await fromPage(page, 'GET', '/api/v1/account')).toBe(401);
  });
});

describe('MerchHead: merchant users', () => {
  test("an owner sees only its own orders and their timelines; another merchant's order is refused by the server", async () => {
    const owner = await invitedPerson(base, admin, 'owner', merchantA.merchantId);
    await openSignIn();
    await signInByKeyboard(page, owner.email);
    await signedIn(page, owner.email);
    await page.getByRole('heading', { name: 'PayStar MerchHead' }).waitFor();
    const orders = page.getByRole('table', { name: 'Orders' });
    await orders.getByRole('link', { name: orderA }).waitFor();
    expect(await orders.innerText()).not.toContain(orderB);
    expect(await fromPage(page, 'GET', `/api/v1/portal/orders/${orderB}`)).toBe(404);
    expect(await fromPage(page, 'GET', `/api/v1/admin/orders/${orderB}`)).toBe(403);

    await orders.getByRole('link', { name: orderA }).click();
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await timeline.locator('tr', { hasText: merchantA.gateways[0]!.name }).first().waitFor();
    expect(await timeline.innerText()).not.toContain('unknown code');
  });

  test('an owner keeps its black list as seed 004 says: By Pipeline add, ⋮ Update, Delete with a reason, Clear Filters', async () => {
    const owner = await invitedPerson(base, admin, 'owner', merchantA.merchantId);
    await openSignIn();
    await signInByKeyboard(page, owner.email);
    await signedIn(page, owner.email);
    await page.getByRole('link', { name: 'Black list' }).click();
    await page.getByRole('tab', { name: 'By Pipeline' }).click();
    await page.getByRole('button', { name: '+ Add new' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Pipeline').click();
    await page.getByRole('option', { name: 'main (deposit)' }).click();
    await dialog.getByLabel('Type').click();
    await page.getByRole('option', { name: 'Email', exact: true }).click();
    await dialog.getByLabel('Requisites').fill('Fraud@Example.com');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const table = page.getByRole('table', { name: 'Black-list entries' });
    await table.locator('tr', { hasText: 'fraud@example.com' }).filter({ hasText: 'main' }).waitFor();
    const [entry] = (
      await expectStatus(admin.get(`/api/v1/admin/blacklist?pipelineId=${merchantA.pipelines.main!.id}`), 200)
    ).items;
    expect(entry).toMatchObject({ scope: 'pipeline', type: 'email', requisites: 'fraud@example.com' });

    // Filters narrow the list; Clear Filters brings every entry of the tab back.
    await page.getByLabel('Requisites').fill('nobody');
    await table.locator('tr', { hasText: 'fraud@example.com' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear Filters' }).click();
    await table.locator('tr', { hasText: 'fraud@example.com' }).waitFor();

    await page.getByRole('button', { name: 'Actions for fraud@example.com' }).click();
    await page.getByRole('menuitem', { name: 'Update' }).click();
    await dialog.getByLabel('Description').fill('seen in chargebacks');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await table.locator('tr', { hasText: 'seen in chargebacks' }).waitFor();

    await page.getByRole('button', { name: 'Actions for fraud@example.com' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await dialog.getByLabel('Reason').fill('customer cleared');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await table.locator('tr', { hasText: 'fraud@example.com' }).waitFor({ state: 'detached' });
    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=blacklist-entry&entityId=${entry.id}`),
      200,
    );
    expect(
      audit.items.map((a: { actor: string; action: string; note: string | null }) => [a.actor, a.action, a.note]),
    ).toEqual([
      [owner.email, 'delete', 'customer cleared'],
      [owner.email, 'update', null],
      [owner.email, 'create', null],
    ]);
  });

  test('a viewer cannot use a write action, and the server refuses it when called directly', async () => {
    const viewer = await invitedPerson(base, admin, 'viewer', merchantA.merchantId);
    await openSignIn();
    await signInByKeyboard(page, viewer.email);
    await signedIn(page, viewer.email);
    await page.getByRole('link', { name: 'Black list' }).click();
    // The operator's entry for this merchant is listed; adding is not offered.
    await page.getByRole('table', { name: 'Black-list entries' }).locator('tr', { hasText: '4444' }).waitFor();
    expect(await page.getByRole('button', { name: '+ Add new' }).isDisabled()).toBe(true);
    const before = await stack.ds.query(`SELECT count(*)::int AS n FROM blacklist_entries`);
    expect(
      await fromPage(page, 'POST', '/api/v1/portal/blacklist', {
        scope: 'merchant',
        type: 'email',
        requisites: 'payer@example.com',
      }),
    ).toBe(403);
    expect(await stack.ds.query(`SELECT count(*)::int AS n FROM blacklist_entries`)).toEqual(before);
  });

  test('a person with the second factor on is asked for the code after the password', async () => {
    const developer = await invitedPerson(base, admin, 'developer', merchantA.merchantId);
    const { secret } = await expectStatus(
      developer.client.post('/api/v1/account/totp/setup', { password: TEST_PASSWORD }),
      200,
    );
    await expectStatus(developer.client.post('/api/v1/account/totp/enable', { code: await generate({ secret }) }), 200);
    await openSignIn();
    await signInByKeyboard(page, developer.email);
    await page.getByLabel('Authenticator code').waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    // The next step's code: the one used to turn it on is spent (one step of clock drift is accepted).
    await page.keyboard.type(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.keyboard.press('Enter');
    await signedIn(page, developer.email);
  });
});
