import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../../infra/paths';
import { cleanUp } from '../../infra/process/cleanup';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/**
 * Issue 20: `/docs/reference` draws `/openapi.json` with a renderer bundled into the project (Redoc), served from our
 * own origin under a strict Content-Security-Policy; it works with no network beyond loopback.
 */
const run = promisify(execFile);

let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  ds = await testDataSource();
  api = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS) });
});
afterAll(() => cleanUp([async () => api?.stop(), async () => ds?.destroy()]));

/** The page's policy, directive name → sources. */
function policy(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

test('/docs/reference answers HTML under a strict CSP, its script served from our origin as JavaScript', async () => {
  const res = await fetch(`${api.baseUrl}/docs/reference`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = policy(res.headers.get('content-security-policy'));
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  for (const sources of csp.values()) {
    expect(sources).not.toContain("'unsafe-eval'");
    expect(sources.some((s) => s === '*' || /^https?:/.test(s))).toBe(false);
  }
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');

  const html = await res.text();
  expect(html).toContain('spec-url="/openapi.json"');
  // Every script of the page is a file of ours: no inline script, nothing from another origin.
  const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]!);
  expect(scripts).toHaveLength(1);
  const src = /\bsrc="([^"]+)"/.exec(scripts[0]!)?.[1];
  expect(src).toMatch(/^\/[^/]/);

  const bundle = await fetch(`${api.baseUrl}${src}`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
  const code = await bundle.text();
  expect(code).toContain('Redoc');
  expect(code).not.toContain('cdn.redoc.ly');
});

test('/docs links to the reference page', async () => {
  const html = await (await fetch(`${api.baseUrl}/docs`)).text();
  expect(html).toContain('href="/docs/reference"');
});

test('in a browser with only loopback reachable, the reference shows our operations and no CSP violation', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/helpers/browser-text.ts',
      `${api.baseUrl}/docs/reference`,
      'Create a deposit order (deposit keys only)',
      '60000',
      '--text',
      'Create a payout order (payout keys only)',
      '--text',
      "Sent to the order's callbackUrl when it reaches Success or Failed",
      '--strict',
    ],
    { cwd: PROJECT_ROOT, timeout: 100_000 },
  );
  expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
    found: true,
    blocked: [],
    cspViolations: [],
    consoleErrors: [],
  });
}, 120_000);
