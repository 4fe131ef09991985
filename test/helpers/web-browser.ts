import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/paths';

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

/** Every visible input, select and text area not named by a label (or aria-label): none should be. */
export async function unlabelledInputs(page: Page): Promise<string[]> {
  // A string, evaluated in the page: the tests are compiled without the DOM's types.
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML)`);
}
