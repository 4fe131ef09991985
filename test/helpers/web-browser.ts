import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/paths';
import { TEST_PASSWORD } from './session-client';

const run = promisify(execFile);

/**
 * For browser tests of the web application (docs/web-app.md): starts building the bundle the API serves (dist/web,
 * only when missing or older than web/, as npm start does) and finding the browser at once, so both go on while
 * the test sets up its stack; the answer launches headless Chromium when both are done. The browser:
 * `BROWSER_EXECUTABLE` when set, else the one `@sparticuz/chromium` ships.
 */
export function prepareWebBrowser(): () => Promise<Browser> {
  const built = run(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts', '--if-stale'], {
    cwd: PROJECT_ROOT,
    timeout: 110_000,
  });
  // @sparticuz/chromium is an ES module: its browser's path and flags come from a child process.
  const chromiumInfo = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import c from '@sparticuz/chromium'; console.log(JSON.stringify({ path: await c.executablePath(), args: c.args }))",
    ],
    { cwd: PROJECT_ROOT },
  );
  // Both are awaited by the launch; until then a failure must not count as unhandled.
  built.catch(() => undefined);
  chromiumInfo.catch(() => undefined);
  return async () => {
    await built;
    const { path, args } = JSON.parse((await chromiumInfo).stdout.trim()) as { path: string; args: string[] };
    return chromium.launch({ executablePath: process.env.BROWSER_EXECUTABLE || path, args, headless: true });
  };
}

/**
 * One browser per file and one page whose cookies are cleared for each person (the browser of @sparticuz/chromium
 * runs as a single process, whose contexts share cookies); `meanwhile` sets the test's stack up while the bundle
 * is built and the browser found.
 */
export async function webBrowser(meanwhile: () => Promise<void>) {
  const launch = prepareWebBrowser();
  await meanwhile();
  const browser: Browser = await launch();
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page: Page = await context.newPage();
  return { browser, context, page };
}

/** The sign-in screen for the next person, from `GET /`, with the cookies of the one before cleared. */
export async function openSignIn(base: string, context: BrowserContext, page: Page): Promise<void> {
  await context.clearCookies();
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/app/sign-in`);
}

/** Every visible input, select and text area not named by a label (or aria-label): none should be. */
export async function unlabelledInputs(page: Page): Promise<string[]> {
  // A string, evaluated in the page: the tests are compiled without the DOM's types.
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML)`);
}

/** Signs in with the keyboard alone: the email field has the focus, Tab to the password, Enter. */
export async function signInByKeyboard(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Email').waitFor();
  expect(await unlabelledInputs(page)).toEqual([]);
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

/** Waits for the application to show who is signed in; a refusal fails at once, with the words the screen said. */
export async function signedIn(page: Page, email: string): Promise<void> {
  const shown = page.getByTestId('signed-in-as').filter({ hasText: email });
  const refused = page.getByRole('alert');
  await shown.or(refused).first().waitFor({ timeout: 30_000 });
  if (!(await shown.isVisible())) throw new Error(`sign-in of ${email} refused: ${await refused.first().innerText()}`);
}

/** A request from the page itself: the person's cookie, and the CSRF token the application would send. */
export async function fromPage(page: Page, method: string, path: string, body?: unknown): Promise<number> {
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate(`(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('ps_csrf='))?.slice(8);
    const res = await fetch(${JSON.stringify(path)}, {
      method: ${JSON.stringify(method)},
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
      ${body === undefined ? '' : `body: ${JSON.stringify(JSON.stringify(body))},`}
    });
    return res.status;
  })()`);
}
