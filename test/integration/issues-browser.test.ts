/**
 * Issue 17's Done-when in headless Chromium (docs/issues.md, docs/one-time-secrets.md, docs/web-app.md): a merchant
 * user files an Integration issue through the Add issue wizard (a required field left out is refused at that
 * field), attaches files (chosen and dropped), puts the API keys and the test card into one-time secrets with the
 * "secret" button; an operator moves the card through Development and Testing to Requires acceptance (by drag and
 * drop and by the keyboard's "Move to…" menu); the merchant accepts ("OK"); the board's filters find it; the secret
 * link opens once and then says it is gone; no table holds the secret's plaintext. One browser, one page; each
 * person starts from cleared cookies (see web-app-browser.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { SECRET_LINK } from '../../domain/issues';
import { generateApiKey } from '../../infra/security/api-keys';
import { expectStatus, useAdminApi } from '../helpers/admin-client';
import { invitedPerson, TEST_PASSWORD } from '../helpers/session-client';
import { prepareWebBrowser, unlabelledInputs } from '../helpers/web-browser';

const ctx = useAdminApi();
const TEST_KEY = generateApiKey('deposit', 'sandbox');
const PROD_KEY = generateApiKey('deposit', 'live');
const TEST_CARD = '4111 1111 1111 1111';
/** A word only this file's issue has, for the free-text search. */
const WORD = `zephyr${randomUUID().slice(0, 8)}`;

let browser: Browser;
let page: Page;
let base: string;
let merchantId: string;
let merchant: { email: string; userId: string };
let operator: { email: string };
let issueId: string;
let otherIssueId: string;

beforeAll(async () => {
  const launch = prepareWebBrowser();
  base = ctx.api.baseUrl;
  merchantId = (await expectStatus(ctx.admin.post('/api/v1/admin/merchants', { name: `issues ${randomUUID()}` }), 201))
    .id;
  const developer = await invitedPerson(base, ctx.admin, 'developer', merchantId);
  merchant = developer;
  operator = await invitedPerson(base, ctx.admin, 'operations');
  // Another issue of the merchant, for the filters to leave out.
  otherIssueId = (
    await expectStatus(
      developer.client.post('/api/v1/issues', {
        subject: 'Head: the finance report is slow',
        description: 'Context: reports',
        source: 'Head',
        sourceFields: { module: 'Finance reports' },
      }),
      201,
    )
  ).id;
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  page.setDefaultTimeout(30_000);
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${base}/app/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor();
}

/** The "secret" button next to a field: the secret is typed into its dialog, the link comes back into the field. */
async function putInSecret(wizard: Locator, field: string, secret: string): Promise<string> {
  await wizard.getByRole('button', { name: `secret: ${field}` }).click();
  const dialog = page.getByRole('dialog', { name: `One-time secret: ${field}` });
  await dialog.getByLabel(field, { exact: true }).fill(secret);
  await dialog.getByRole('button', { name: 'Encrypt and insert link' }).click();
  await dialog.waitFor({ state: 'detached' });
  const link = await wizard.getByRole('textbox', { name: field }).inputValue();
  expect(link).toMatch(SECRET_LINK);
  return link;
}

/** Picks an option of a Mantine Select by its label. */
async function choose(scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByLabel(label).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const column = (status: string) => page.getByRole('region', { name: status, exact: true });
const card = (id: string) => page.getByRole('article', { name: `Issue ${id}`, exact: true });
const issueOf = async (id: string) =>
  (await ctx.ds.query(`SELECT status, source_fields FROM issues WHERE id = $1`, [id]))[0] as {
    status: string;
    source_fields: Record<string, string>;
  };

/** Opens a secret link as a fresh visit (a link followed again, not a jump within the page it left). */
async function openLink(link: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(link);
}

/** The tables of the database whose rows hold `needle` anywhere, as text. */
async function tablesHolding(needle: string): Promise<string[]> {
  const tables = (await ctx.ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  )) as Array<{ table_name: string }>;
  const found: string[] = [];
  for (const { table_name } of tables) {
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text LIKE $1`, [
      `%${needle}%`,
    ]);
    if (n) found.push(table_name);
  }
  return found;
}

/** A request from the page: the person's cookie and the CSRF token the application would send. */
const fromPage = (method: string, path: string, body: unknown): Promise<number> =>
  page.evaluate(`(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('ps_csrf='))?.slice(8);
    const res = await fetch(${JSON.stringify(path)}, { method: ${JSON.stringify(method)},
      headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
      body: ${JSON.stringify(JSON.stringify(body))} });
    return res.status;
  })()`);

/** Drags a card onto a column with the mouse (dnd-kit's pointer sensor starts after a few pixels). */
async function drag(from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height - 8);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height - 8, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 120, { steps: 12 });
  await page.mouse.up();
}

describe('issue 17 in the browser', () => {
  test('a merchant user files an Integration issue through the wizard; a required field left out is refused at that field', async () => {
    await signIn(merchant.email);
    await page.getByRole('link', { name: 'Issues' }).click();
    await page.getByRole('button', { name: 'Add issue' }).click();
    const wizard = page.getByRole('dialog', { name: 'Add issue' });
    // The description starts as the seed's template.
    expect(await wizard.getByLabel('Description').inputValue()).toContain('Steps to reproduce');
    await choose(wizard, 'Source', 'Integration');
    expect(await unlabelledInputs(page)).toEqual([]);
    await wizard.getByLabel('Gateway name').fill('Example Bank');
    await choose(wizard, 'Direction', 'deposit');
    await wizard.getByLabel('Tech contact').fill('@example_bank_tech');
    const testKeyLink = await putInSecret(wizard, 'Test API key', TEST_KEY);
    await putInSecret(wizard, 'Prod API key', PROD_KEY);
    await putInSecret(wizard, 'Card for test', TEST_CARD);
    await wizard.getByLabel('API doc').fill('attachment:api.txt');
    await wizard.getByLabel('Attach files').setInputFiles({
      name: 'api.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('POST /deposit\n'),
    });
    await wizard.getByRole('list', { name: 'Files to attach' }).getByText('api.txt').waitFor();
    await wizard.getByLabel('Subject').fill(`Integration: Example Bank deposit ${WORD}`);
    await choose(wizard, 'Priority', 'High');

    // "Available balance for test" is left out: the server's 400 names it, and the form shows it at that field.
    await wizard.getByRole('button', { name: 'Add', exact: true }).click();
    const balance = wizard.getByLabel('Available balance for test');
    await wizard.getByText('is required for Source Integration', { exact: false }).first().waitFor();
    expect(await balance.getAttribute('aria-invalid')).toBe('true');
    expect(await wizard.getByLabel('Subject').getAttribute('aria-invalid')).not.toBe('true');
    expect(
      await ctx.ds.query(`SELECT count(*)::int AS n FROM issues WHERE merchant_id = $1 AND source = 'Integration'`, [
        merchantId,
      ]),
    ).toEqual([{ n: 0 }]);

    await balance.fill('1000 USD');
    await wizard.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL(/\/app\/issues\/\d+$/);
    issueId = page.url().split('/').pop()!;
    await page.getByTestId('issue-status').filter({ hasText: 'Draft' }).waitFor();
    const stored = await issueOf(issueId);
    expect(stored.source_fields).toMatchObject({ testApiKey: testKeyLink, testBalance: '1000 USD' });

    // A second file, dropped onto the drop zone.
    const dropped = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['gateway answered 500 at 12:00'], 'log.txt', { type: 'text/plain' }));
      return dt;
    })()`);
    await page.getByTestId('file-drop-zone').dispatchEvent('drop', { dataTransfer: dropped });
    const attachments = page.getByRole('list', { name: 'Attachments' });
    await attachments.getByText('log.txt').waitFor();
    expect(await attachments.innerText()).toContain('api.txt');
    expect(await page.getByText('Up to 2 MiB a file').isVisible()).toBe(true);

    // The key pasted in clear into a comment: the server's refusal and its hint are shown; nothing is stored.
    await page.getByLabel('Comment', { exact: true }).fill(`the key is ${TEST_KEY}`);
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByText('put it in a one-time secret', { exact: false }).first().waitFor();
    expect(await page.getByLabel('Comment', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM issue_comments WHERE issue_id = $1`, [issueId])).toEqual([
      { n: 0 },
    ]);
  });

  test('an operator moves it to Development by drag and drop, to Testing by the keyboard, then to Requires acceptance', async () => {
    await signIn(operator.email);
    await page.getByRole('link', { name: 'Issues' }).click();
    await card(issueId).waitFor();
    expect(
      await column('Draft')
        .getByRole('article', { name: `Issue ${issueId}` })
        .count(),
    ).toBe(1);

    // Only the moves an operator may make are offered: from Draft, Development.
    await page.getByRole('button', { name: `Move issue ${issueId} to…` }).click();
    expect(await page.getByRole('menuitem').allInnerTexts()).toEqual(['Development']);
    await page.keyboard.press('Escape');

    await drag(card(issueId), column('Development'));
    await column('Development')
      .getByRole('article', { name: `Issue ${issueId}` })
      .waitFor();
    expect((await issueOf(issueId)).status).toBe('Development');

    // By keyboard: focus the card's menu, open it with Enter, arrow to Testing, Enter.
    await page.getByRole('button', { name: `Move issue ${issueId} to…` }).focus();
    await page.keyboard.press('Enter');
    const testing = page.getByRole('menuitem', { name: 'Testing' });
    await testing.waitFor();
    const focused = () => testing.evaluate((el) => el === el.ownerDocument.activeElement);
    for (let i = 0; i < 6 && !(await focused()); i += 1) {
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction('document.activeElement?.getAttribute("role") === "menuitem"');
    }
    expect(await focused()).toBe(true);
    await page.keyboard.press('Enter');
    await column('Testing')
      .getByRole('article', { name: `Issue ${issueId}` })
      .waitFor();
    expect((await issueOf(issueId)).status).toBe('Testing');

    await page.getByRole('button', { name: `Move issue ${issueId} to…` }).click();
    await page.getByRole('menuitem', { name: 'Requires acceptance' }).click();
    await column('Requires acceptance')
      .getByRole('article', { name: `Issue ${issueId}` })
      .waitFor();
    // Accepting is the requester's: an operator is offered no move, and the server refuses one anyway.
    expect(await page.getByRole('button', { name: `Move issue ${issueId} to…` }).isDisabled()).toBe(true);
    expect(await fromPage('POST', `/api/v1/issues/${issueId}/accept`, {})).toBe(403);
    expect(await fromPage('POST', `/api/v1/issues/${issueId}/status`, { status: 'Success' })).toBe(409);
    expect((await issueOf(issueId)).status).toBe('Requires acceptance');
  });

  test('the merchant accepts it ("OK"); the board’s filters find it and Clear Filters brings the rest back', async () => {
    await signIn(merchant.email);
    // On the board the requester is offered only accepting or sending back, and no move of a Draft issue.
    await page.getByRole('link', { name: 'Issues', exact: true }).click();
    await page.getByRole('button', { name: `Move issue ${issueId} to…` }).click();
    expect(await page.getByRole('menuitem').allInnerTexts()).toEqual(['OK (accept)', 'Send back to Development']);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: `Move issue ${otherIssueId} to…` }).isDisabled()).toBe(true);
    expect(await fromPage('POST', `/api/v1/issues/${otherIssueId}/status`, { status: 'Development' })).toBe(403);

    await page.goto(`${base}/app/issues/${issueId}`);
    await page.getByRole('button', { name: 'OK (accept)' }).click();
    await page.getByTestId('issue-status').filter({ hasText: 'Success' }).waitFor();
    const comments = page.getByRole('list', { name: 'Comments' });
    await comments.getByText('accepted').waitFor();
    expect(await comments.innerText()).toContain('OK');
    expect((await issueOf(issueId)).status).toBe('Success');

    await page.getByRole('link', { name: 'Issues', exact: true }).click();
    await card(otherIssueId).waitFor();
    await card(issueId).waitFor();
    const filters = page.getByRole('search', { name: 'Issue filters' });
    const only = async (what: string) => {
      await card(otherIssueId).waitFor({ state: 'detached' });
      expect({ what, found: await card(issueId).isVisible() }).toEqual({ what, found: true });
    };
    await filters.getByLabel('Search').fill(WORD);
    await only('search');
    await filters.getByRole('button', { name: 'Clear Filters' }).click();
    await card(otherIssueId).waitFor();

    await filters.getByLabel('Issue ID').fill(issueId);
    await only('issue id');
    await filters.getByRole('button', { name: 'Clear Filters' }).click();
    await card(otherIssueId).waitFor();

    await choose(filters, 'Status', 'Success');
    await only('status');
    expect(
      await column('Success')
        .getByRole('article', { name: `Issue ${issueId}` })
        .count(),
    ).toBe(1);
    await filters.getByRole('button', { name: 'Clear Filters' }).click();
    await card(otherIssueId).waitFor();

    // Created: from a minute after the other issue; User: the one who filed them (both).
    const created = (await ctx.ds.query(`SELECT created_at FROM issues WHERE id = $1`, [issueId]))[0]
      .created_at as Date;
    const local = new Date(created.getTime() - created.getTimezoneOffset() * 60_000 - 1000).toISOString().slice(0, 19);
    await filters.getByLabel('Created from').fill(local);
    await only('created');
    await filters.getByRole('button', { name: 'Clear Filters' }).click();
    await choose(filters, 'User', merchant.email);
    await card(otherIssueId).waitFor();
    await card(issueId).waitFor();
  });

  test('the secret link opens once, then says it is gone; the database holds no plaintext of it', async () => {
    const { testApiKey } = (await issueOf(issueId)).source_fields;
    expect(await tablesHolding(TEST_KEY)).toEqual([]);
    expect(await tablesHolding(PROD_KEY)).toEqual([]);
    expect(await tablesHolding(TEST_CARD.replace(/ /g, ''))).toEqual([]);
    expect(await tablesHolding(TEST_CARD)).toEqual([]);

    // Whoever has the link, signed in or not.
    await page.context().clearCookies();
    await openLink(testApiKey!);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.getByTestId('secret-text').innerText()).toBe(TEST_KEY);
    await openLink(testApiKey!);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.getByRole('alert').filter({ hasText: 'This secret is gone' }).waitFor();
    const id = SECRET_LINK.exec(testApiKey!)![2];
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM one_time_secrets WHERE id = $1`, [id])).toEqual([
      { n: 0 },
    ]);
  });

  test('Secure data: a two-view secret made on the screen opens twice, then is gone', async () => {
    await signIn(merchant.email);
    await page.getByRole('link', { name: 'Secure data' }).click();
    const secret = `password ${randomUUID()}`;
    await page.getByLabel('Secret').fill(secret);
    await page.getByLabel('Views').fill('2');
    await choose(page.locator('form'), 'Lifetime', '1 hour');
    await page.getByRole('button', { name: 'Create link' }).click();
    const link = (await page.getByTestId('secret-link').innerText()).trim();
    expect(link).toMatch(SECRET_LINK);
    const [row] = (await ctx.ds.query(
      `SELECT views_left, round(extract(epoch FROM expires_at - created_at))::int AS life FROM one_time_secrets WHERE id = $1`,
      [SECRET_LINK.exec(link)![2]],
    )) as Array<{ views_left: number; life: number }>;
    expect(row?.views_left).toBe(2);
    expect(Math.abs(row!.life - 3600)).toBeLessThan(60);
    expect(await tablesHolding(secret)).toEqual([]);
    for (const expected of [secret, secret]) {
      await openLink(link);
      await page.getByRole('button', { name: 'Reveal secret' }).click();
      expect(await page.getByTestId('secret-text').innerText()).toBe(expected);
    }
    await openLink(link);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.getByRole('alert').filter({ hasText: 'This secret is gone' }).waitFor();
  });
});
