import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/paths';

const run = promisify(execFile);

/**
 * Starts what a browser test of the web application needs, in parallel with `setUp` (the servers, the data): the
 * bundle the API serves (dist/web, built when missing or older than web/, as npm start does) and headless Chromium
 * (@sparticuz/chromium, or BROWSER_EXECUTABLE). @sparticuz/chromium is an ES module, which Jest's CommonJS tests
 * cannot load: its browser's path and flags come from a child process.
 */
export async function builtWebAppAndBrowser<T>(setUp: () => Promise<T>): Promise<{ browser: Browser; setUp: T }> {
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
  const done = await setUp();
  await built;
  const { path, args } = JSON.parse((await chromiumInfo).stdout.trim()) as { path: string; args: string[] };
  const browser = await chromium.launch({
    executablePath: process.env.BROWSER_EXECUTABLE || path,
    args,
    headless: true,
  });
  return { browser, setUp: done };
}
