/**
 * Head's operator screens (docs/web-app.md) in headless Chromium, against the API, a worker and sandbox gateways:
 * an admin operator rechecks and releases an order with a reason (the audit log shows both under the person),
 * reorders a pipeline's route by keyboard (the next order goes to the new first gateway), issues a merchant key that
 * is shown once, and adds a gateway whose credential is never shown back; a support (read-only) operator is offered
 * no change, and the server refuses one called directly. Every input of these screens has a label.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page, Browser } from 'playwright-core';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { invitedPerson } from '../helpers/session-client';
import { fromPage, openSignIn, signedIn, signInByKeyboard, unlabelledInputs, webBrowser } from '../helpers/web-browser';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let base: string;
let admin: HttpClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let routed: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let pending: Awaited<ReturnType<typeof adminSetUpMerchant>>;
let pendingOrder: string;

/** A deposit through the merchant API; answers our id (the order runs on). */
async function deposit(key: string): Promise<string> {
  const created = await expectStatus(
    httpClient(base, key).post('/api/v1/integration/deposit-order', {
      amount: 12.5,
      currency: 'USD',
      externalTransactionId: `head-${randomUUID()}`,
      additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
    }),
    200,
  );
  return created.externalId as string;
}

/** The admin API's view of an order once `until` holds (polled: the order runs in its workflow). */
async function orderWhen(id: string, until: (o: { status: string; history: Array<{ code: string }> }) => boolean) {
  for (let i = 0; i < 150; i++) {
    const o = await expectStatus(admin.get(`/api/v1/admin/orders/${id}`), 200);
    if (until(o)) return o;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`order ${id} never got there`);
}

beforeAll(async () => {
  ({ browser, context, page } = await webBrowser(async () => {
    stack = await startDevServerStack('web-head-browser');
    base = stack.api.baseUrl;
    admin = httpClient(base);
    routed = await adminSetUpMerchant(admin, { gatewayScenarios: ['success-at-create', 'success-at-create'] });
    pending = await adminSetUpMerchant(admin, { gatewayScenarios: ['pending-forever'] });
    pendingOrder = await deposit(pending.pipelines.main!.key);
  }));
});
// A screen that throws unmounts the whole application: no test passes with an error in the page.
const pageErrors: string[] = [];
beforeAll(() => page.on('pageerror', (e) => pageErrors.push(e.message)));
afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signInAs(role: string): Promise<{ email: string }> {
  const person = await invitedPerson(base, admin, role);
  await openSignIn(base, context, page);
  await signInByKeyboard(page, person.email);
  await signedIn(page, person.email);
  return person;
}

describe('Head: an admin operator', () => {
  let operator: { email: string };
  beforeAll(async () => {
    operator = await signInAs('admin');
  });

  test('rechecks and releases an order with a reason; the audit log shows both under the operator', async () => {
    // The payment is at its gateway, waiting for an answer: both actions apply.
    await orderWhen(pendingOrder, (o) => o.status === 'Processing' && o.history.some((h) => h.code.startsWith('2.1.')));
    await page.goto(`${base}/app/orders/${pendingOrder}`);
    const actions = page.getByRole('group', { name: 'Operator actions' });
    await actions.getByRole('button', { name: 'Recheck' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    // No reason, no action.
    expect(await dialog.getByRole('button', { name: 'Recheck' }).isDisabled()).toBe(true);
    await page.keyboard.type('merchant asked for a status');
    await dialog.getByRole('button', { name: 'Recheck' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 40_000 });
    await page.getByRole('status').filter({ hasText: 'Rechecked' }).waitFor();
    await page.getByRole('table', { name: 'Timeline' }).locator('tr', { hasText: '1.0.2.77' }).first().waitFor();

    await actions.getByRole('button', { name: 'Release' }).click();
    await dialog.getByLabel('Reason').fill('payer withdrew the order');
    await dialog.getByRole('button', { name: 'Release' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 40_000 });
    await page.getByRole('status').filter({ hasText: 'Release requested' }).waitFor();

    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=order&entityId=${pendingOrder}`),
      200,
    );
    expect(
      audit.items.map((a: { actor: string; action: string; note: string | null }) => [a.actor, a.action, a.note]),
    ).toEqual([
      [operator.email, 'cancel', 'payer withdrew the order'],
      [operator.email, 'recheck', 'merchant asked for a status'],
    ]);
    // The audit-log screen shows them too.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Which (id)').fill(pendingOrder);
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.locator('tr', { hasText: 'payer withdrew the order' }).filter({ hasText: operator.email }).waitFor();
    await log.locator('tr', { hasText: 'merchant asked for a status' }).filter({ hasText: operator.email }).waitFor();
  });

  test("reorders a pipeline's route by keyboard; the next order goes to the new first gateway", async () => {
    const [first, second] = routed.gateways;
    await page.goto(`${base}/app/merchants/${routed.merchantId}`);
    const route = page.getByRole('table', { name: 'Route of main' });
    await route.locator('tbody tr').first().filter({ hasText: first!.name }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByRole('button', { name: `Move ${second!.name} up` }).focus();
    await page.keyboard.press('Enter');
    await route.locator('tbody tr').first().filter({ hasText: second!.name }).waitFor();

    const pipeline = await expectStatus(admin.get(`/api/v1/admin/pipelines/${routed.pipelines.main!.id}`), 200);
    expect(pipeline.routes.map((r: { gatewayId: string }) => r.gatewayId)).toEqual([second!.id, first!.id]);
    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=pipeline&entityId=${routed.pipelines.main!.id}&action=replace`),
      200,
    );
    expect(audit.items.map((a: { actor: string }) => a.actor)).toContain(operator.email);

    const next = await deposit(routed.pipelines.main!.key);
    const paid = await orderWhen(next, (o) => o.status === 'Success');
    expect(paid.gatewayId).toBe(second!.id);
  });

  test('issues a merchant key that is shown once, and it works', async () => {
    await page.goto(`${base}/app/merchants/${routed.merchantId}`);
    await page.getByRole('button', { name: 'Issue a key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Label').fill('checkout server');
    expect(await unlabelledInputs(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Issue' }).click();
    const secret = (await page.getByTestId('secret-once').innerText()).trim();
    expect(secret).toMatch(/^ps_sandbox_deposit_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByTestId('secret-once').waitFor({ state: 'detached' });
    const keys = page.getByRole('table', { name: 'API keys' });
    await keys.locator('tr', { hasText: 'checkout server' }).waitFor();
    // Nothing shows it again: not the screen, not the API.
    expect(await page.content()).not.toContain(secret);
    const listed = await expectStatus(admin.get(`/api/v1/admin/merchants/${routed.merchantId}/keys`), 200);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const order = await deposit(secret);
    expect((await orderWhen(order, (o) => o.status === 'Success')).status).toBe('Success');
  });

  test("sets the merchant's cascade settings, a limit and a commission; each lands in the API under the operator", async () => {
    await page.goto(`${base}/app/merchants/${routed.merchantId}`);
    const cascade = page.getByRole('form', { name: 'Cascade settings of main' });
    await cascade.getByLabel('At most this many gateways').fill('1');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/pipelines/'));
    await cascade.getByRole('button', { name: 'Save cascade settings' }).click();
    expect((await saved).status()).toBe(200);
    const limit = page.getByRole('form', { name: 'New limit' });
    await limit.getByLabel('Limit currency').fill('usd');
    await limit.getByLabel('Max (minor units)').fill('500000');
    await limit.getByRole('button', { name: 'Add limit' }).click();
    await page.getByRole('table', { name: 'Limits' }).locator('tr', { hasText: '5000.00 USD' }).waitFor();
    const commission = page.getByRole('form', { name: 'New commission' });
    await commission.getByLabel('Percent').fill('2.5');
    await commission.getByLabel('Fixed (minor units)').fill('30');
    await commission.getByRole('button', { name: 'Add commission' }).click();
    await page.getByRole('table', { name: 'Commissions' }).locator('tr', { hasText: '2.5 %' }).waitFor();

    const pipeline = await expectStatus(admin.get(`/api/v1/admin/pipelines/${routed.pipelines.main!.id}`), 200);
    expect(pipeline).toMatchObject({ cascadeEnabled: true, maxGateways: 1 });
    const limits = await expectStatus(admin.get(`/api/v1/admin/limits?merchantId=${routed.merchantId}`), 200);
    expect(limits.items).toEqual([
      expect.objectContaining({ scope: 'merchant', currency: 'USD', maxAmountMinor: 500000, minAmountMinor: null }),
    ]);
    const commissions = await expectStatus(admin.get(`/api/v1/admin/commissions?merchantId=${routed.merchantId}`), 200);
    expect(commissions.items).toEqual([
      expect.objectContaining({ pipelineId: null, currency: null, percent: '2.5', fixedMinor: 30 }),
    ]);
    for (const [entityType, entityId] of [
      ['limit', limits.items[0].id],
      ['commission', commissions.items[0].id],
      ['pipeline', routed.pipelines.main!.id],
    ]) {
      const audit = await expectStatus(
        admin.get(`/api/v1/admin/audit-log?entityType=${entityType}&entityId=${entityId}`),
        200,
      );
      expect([entityType, audit.items[0].actor]).toEqual([entityType, operator.email]);
    }
  });

  test('adds a gateway; its credential is never shown back, and a rename keeps it', async () => {
    const credential = `sk_${randomUUID()}`;
    await page.getByRole('link', { name: 'Gateways' }).click();
    await page.getByRole('button', { name: 'Add a gateway' }).click();
    const dialog = page.getByRole('dialog');
    const name = `Head gateway ${randomUUID().slice(0, 8)}`;
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Code').fill(`head-${randomUUID().slice(0, 8)}`);
    await dialog.getByRole('button', { name: 'Add a setting' }).click();
    await dialog.getByLabel('New setting 1 name').fill('scenario');
    await dialog.getByLabel('New setting 1 value').fill('success-at-create');
    await dialog.getByRole('button', { name: 'Add a setting' }).click();
    await dialog.getByLabel('New setting 2 name').fill('apiKey');
    await dialog.getByLabel('New setting 2 value').fill(credential);
    expect(await unlabelledInputs(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Gateways' }).locator('tr', { hasText: name });
    await row.filter({ hasText: 'apiKey: ***' }).waitFor();
    expect(await page.content()).not.toContain(credential);

    await row.getByRole('button', { name: `Edit ${name}` }).click();
    await dialog.getByLabel('Setting apiKey').waitFor();
    expect(await dialog.getByLabel('Setting apiKey').inputValue()).toBe('');
    await dialog.getByLabel('Name').fill(`${name} renamed`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Gateways' })
      .locator('tr', { hasText: `${name} renamed` })
      .waitFor();
    const [stored] = await stack.ds.query(`SELECT settings FROM gateways WHERE name = $1`, [`${name} renamed`]);
    expect(JSON.stringify(stored.settings)).not.toContain(credential);
    expect(stored.settings.apiKey).toBeTruthy();
    const audit = await expectStatus(
      admin.get(`/api/v1/admin/audit-log?entityType=gateway&actor=${encodeURIComponent(operator.email)}`),
      200,
    );
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['update', 'create']);
    expect(JSON.stringify(audit)).not.toContain(credential);
  });
});

describe('Head: a support (read-only) operator', () => {
  test('is offered no change, and the server refuses one called directly', async () => {
    await signInAs('support');
    await page.goto(`${base}/app/orders/${pendingOrder}`);
    await page.getByRole('table', { name: 'Timeline' }).waitFor();
    await page.getByRole('table', { name: 'Merchant callbacks' }).waitFor();
    expect(await page.getByRole('group', { name: 'Operator actions' }).count()).toBe(0);
    for (const name of ['Recheck', 'Reconcile', 'Release']) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    expect(await fromPage(page, 'POST', `/api/v1/admin/orders/${pendingOrder}/recheck`, { reason: 'try' })).toBe(403);

    await page.goto(`${base}/app/merchants/${routed.merchantId}`);
    await page.getByRole('table', { name: 'Route of main' }).locator('tbody tr').first().waitFor();
    for (const name of ['Issue a key', 'Add pipeline', 'Add limit', 'Add commission', 'Save cascade settings']) {
      expect([name, await page.getByRole('button', { name }).count()]).toEqual([name, 0]);
    }
    expect(await page.getByRole('button', { name: /^Move / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Revoke / }).count()).toBe(0);
    const before = await expectStatus(admin.get(`/api/v1/admin/pipelines/${routed.pipelines.main!.id}`), 200);
    expect(
      await fromPage(page, 'PUT', `/api/v1/admin/pipelines/${routed.pipelines.main!.id}/routes`, {
        routes: [...before.routes].reverse().map((r: { gatewayId: string }) => ({ gatewayId: r.gatewayId })),
      }),
    ).toBe(403);
    expect(
      await fromPage(page, 'POST', `/api/v1/admin/merchants/${routed.merchantId}/keys`, {
        scope: 'deposit',
        mode: 'sandbox',
      }),
    ).toBe(403);
    expect(await expectStatus(admin.get(`/api/v1/admin/pipelines/${routed.pipelines.main!.id}`), 200)).toEqual(before);

    await page.getByRole('link', { name: 'Gateways' }).click();
    await page.getByRole('table', { name: 'Gateways' }).locator('tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add a gateway' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
  });
});
