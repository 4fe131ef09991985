/**
 * Drives one headless Chromium page through a list of steps and prints what the steps read, as JSON. Run as a child
 * process (`node --import tsx`): `@sparticuz/chromium` and playwright-core are ES modules, which Jest's CommonJS
 * tests cannot load. Usage: browser-steps.ts '<json>' where the JSON is {@link Script}.
 *
 * The browser: `BROWSER_EXECUTABLE` when set (a system Chromium or Playwright's own install), else the one the
 * `@sparticuz/chromium` package ships (ARCHITECTURE.md; no apt, no download).
 */
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

type Step =
  | { do: 'goto'; url: string }
  | { do: 'type'; selector: string; text: string }
  | { do: 'click'; selector: string }
  | { do: 'waitUrl'; startsWith: string; timeout?: number }
  | { do: 'waitText'; selector: string; contains: string; timeout?: number }
  | { do: 'read'; as: string; selector: string; attribute?: string }
  | { do: 'value'; as: string; selector: string }
  | { do: 'url'; as: string }
  | { do: 'boxes'; as: string; selector: string }
  | { do: 'metrics'; as: string }
  | { do: 'screenshot'; path: string }
  // Outside the page: polls a JSON endpoint (the page's status) until `field` equals `equals`, e.g. while the
  // payer leaves the tab open.
  | { do: 'waitJson'; url: string; field: string; equals: unknown; timeout?: number }
  // Several tabs of one browser: `page` switches to tab `index` (opening it); the `All` steps act on every tab.
  | { do: 'page'; index: number }
  | { do: 'clickAll'; selector: string }
  | { do: 'waitAll'; urlPrefix: string; orText: string; timeout?: number }
  | { do: 'urls'; as: string }
  | { do: 'readAll'; as: string; selector: string };

interface Script {
  viewport: { width: number; height: number };
  acceptLanguage?: string;
  isMobile?: boolean;
  steps: Step[];
}

async function main(): Promise<void> {
  const script = JSON.parse(process.argv[2] ?? '') as Script;
  const browser = await playwright.launch({
    executablePath: process.env.BROWSER_EXECUTABLE || (await chromium.executablePath()),
    args: chromium.args,
    headless: true,
  });
  const out: Record<string, unknown> = {};
  try {
    const context = await browser.newContext({
      viewport: script.viewport,
      isMobile: script.isMobile ?? false,
      hasTouch: script.isMobile ?? false,
      ...(script.acceptLanguage ? { extraHTTPHeaders: { 'accept-language': script.acceptLanguage } } : {}),
    });
    const violations: string[] = [];
    const open = async () => {
      const tab = await context.newPage();
      tab.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      return tab;
    };
    const pages = [await open()];
    let page = pages[0]!;
    const textOf = (tab: typeof page, selector: string) =>
      tab
        .locator(selector)
        .first()
        .innerText({ timeout: 1_000 })
        .then(
          (t) => t.trim(),
          () => null,
        );
    for (const step of script.steps) {
      switch (step.do) {
        case 'goto':
          await page.goto(step.url);
          break;
        case 'type':
          // Key by key, as a payer types: the page's input handlers run.
          await page.locator(step.selector).pressSequentially(step.text);
          break;
        case 'click':
          await page.locator(step.selector).click();
          break;
        case 'waitUrl':
          await page.waitForURL((url) => url.href.startsWith(step.startsWith), { timeout: step.timeout ?? 30_000 });
          break;
        case 'waitText':
          await page
            .locator(step.selector)
            .filter({ hasText: step.contains })
            .first()
            .waitFor({ timeout: step.timeout ?? 30_000 });
          break;
        case 'waitJson': {
          const until = Date.now() + (step.timeout ?? 30_000);
          for (;;) {
            const json = (await (await fetch(step.url)).json()) as Record<string, unknown>;
            if (json[step.field] === step.equals) break;
            if (Date.now() > until) throw new Error(`${step.url}: ${step.field} never became ${String(step.equals)}`);
            await new Promise((r) => setTimeout(r, 250));
          }
          break;
        }
        case 'read': {
          const locator = page.locator(step.selector).first();
          out[step.as] = step.attribute
            ? await locator.getAttribute(step.attribute)
            : (await locator.innerText()).trim();
          break;
        }
        case 'value':
          out[step.as] = await page.locator(step.selector).inputValue();
          break;
        case 'url':
          out[step.as] = page.url();
          break;
        case 'boxes': {
          const boxes = [];
          for (const locator of await page.locator(step.selector).all()) {
            const box = await locator.boundingBox();
            if (box) boxes.push({ id: (await locator.getAttribute('id')) ?? (await locator.innerText()), ...box });
          }
          out[step.as] = boxes;
          break;
        }
        case 'metrics':
          // Strings are evaluated in the page: this file is compiled without the DOM's types.
          out[step.as] = await page.evaluate(
            `({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
                fontSize: parseFloat(getComputedStyle(document.querySelector('label') || document.body).fontSize) })`,
          );
          break;
        case 'screenshot':
          await page.screenshot({ path: step.path, fullPage: true });
          break;
        case 'page':
          while (pages.length <= step.index) pages.push(await open());
          page = pages[step.index]!;
          break;
        case 'clickAll':
          await Promise.all(pages.map((tab) => tab.locator(step.selector).click()));
          break;
        case 'waitAll': {
          const deadline = Date.now() + (step.timeout ?? 30_000);
          const done = async (tab: typeof page) =>
            tab.url().startsWith(step.urlPrefix) || ((await textOf(tab, 'h1')) ?? '').includes(step.orText);
          while (!(await Promise.all(pages.map(done))).every(Boolean)) {
            if (Date.now() > deadline) throw new Error('waitAll: not every tab got there');
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
          break;
        }
        case 'urls':
          out[step.as] = pages.map((tab) => tab.url());
          break;
        case 'readAll':
          out[step.as] = await Promise.all(pages.map((tab) => textOf(tab, step.selector)));
          break;
      }
    }
    out.cspViolations = violations;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
