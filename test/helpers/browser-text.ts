/**
 * Opens a page in headless Chromium (the `@sparticuz/chromium` route of ARCHITECTURE.md, driven by playwright-core)
 * and waits until its text contains a string. Run as a child process (`node --import tsx`): both packages are ES
 * modules, which Jest's CommonJS tests cannot load. Usage: browser-text.ts <url> <text> <timeout ms>; prints
 * `{"found":true|false}` and exits 0, or prints the error and exits 1.
 *
 * Options after the positional arguments: `--text <more>` (repeatable: every text must be there), and `--strict`:
 * every request to a host other than 127.0.0.1, localhost or [::1] is aborted, and the answer adds `blocked` (those
 * URLs), `cspViolations` (the page's securitypolicyviolation events) and `consoleErrors` (console errors and
 * uncaught page errors).
 */
import { parseArgs } from 'node:util';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Installed before any script of the page runs: CSP violations are kept where the probe can read them. */
const RECORD_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '(inline)') + ' ' + (e.sourceFile || ''));
  });
`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { text: { type: 'string', multiple: true }, strict: { type: 'boolean' } },
  });
  const [url, text, timeout] = positionals;
  if (!url || !text) throw new Error('usage: browser-text.ts <url> <text> [timeout ms] [--text more] [--strict]');
  const texts = [text, ...(values.text ?? [])];
  const strict = values.strict === true;
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  try {
    const context = await browser.newContext();
    const blocked: string[] = [];
    const consoleErrors: string[] = [];
    if (strict) {
      await context.route('**/*', (route) => {
        const requested = route.request().url();
        const { protocol, hostname } = new URL(requested);
        const local = !/^(https?|wss?):$/.test(protocol) || LOOPBACK.has(hostname);
        if (local) return route.continue();
        blocked.push(requested);
        return route.abort('blockedbyclient');
      });
      await context.addInitScript(RECORD_VIOLATIONS);
    }
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
    await page.goto(url);
    // Polled rather than awaited once: the single-page app navigates while it loads, which ends an evaluation.
    // A string is evaluated in the page (this file is compiled without the DOM's types).
    const probe = `document.body !== null && ${JSON.stringify(texts)}.every((t) => document.body.innerText.includes(t))`;
    const deadline = Date.now() + Number(timeout ?? 30_000);
    let found = false;
    while (!found && Date.now() < deadline) {
      found = await page.evaluate(probe).then(Boolean, () => false);
      if (!found) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!strict) {
      console.log(JSON.stringify({ found }));
      return;
    }
    const cspViolations = (await page.evaluate('window.__cspViolations')) as string[];
    console.log(JSON.stringify({ found, blocked, cspViolations, consoleErrors }));
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
