/**
 * Opens a page in headless Chromium (`@sparticuz/chromium`, driven by playwright-core)
 * and waits until its text contains a string. Run as a child process (`node --import tsx`): both packages are ES
 * modules, which Jest's CommonJS tests cannot load. Usage: browser-text.ts <url> <text> <timeout ms>; prints
 * `{"found":true|false}` and exits 0, or prints the error and exits 1.
 */
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

async function main(): Promise<void> {
  const [url, text, timeout] = process.argv.slice(2);
  if (!url || !text) throw new Error('usage: browser-text.ts <url> <text> [timeout ms]');
  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    // Polled rather than awaited once: the single-page app navigates while it loads, which ends an evaluation.
    // A string is evaluated in the page (this file is compiled without the DOM's types).
    const probe = `document.body !== null && document.body.innerText.includes(${JSON.stringify(text)})`;
    const deadline = Date.now() + Number(timeout ?? 30_000);
    let found = false;
    while (!found && Date.now() < deadline) {
      found = await page.evaluate(probe).then(Boolean, () => false);
      if (!found) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(JSON.stringify({ found }));
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
