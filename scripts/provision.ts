/**
 * `npm run provision`: fetches (or finds) the Temporal dev server and the time-skipping test server and says
 * (and stripe-mock, for the Stripe contract tests) which route each one took and how long it took. `npm start` and `npm test` do the same on their own.
 */
import { resolveTemporalCli } from '../infra/provisioning/temporal-cli';
import type { RouteAttempt } from '../infra/provisioning/routes';
import { resolveStripeMock } from '../infra/provisioning/stripe-mock';
import { resolveTestServer } from '../infra/provisioning/test-server';

async function main(): Promise<void> {
  for (const [what, resolve] of [
    ['Temporal CLI (dev server + Web UI)', resolveTemporalCli],
    ['Temporal time-skipping test server', resolveTestServer],
  ] as const) {
    const r = await resolve();
    const where = r.value.type === 'existing-path' ? r.value.path : `SDK download into ${r.value.downloadDir}`;
    report(what, r, where);
  }
  const mock = await resolveStripeMock();
  report('stripe-mock (Stripe contract tests)', mock, mock.value);
}

function report(
  what: string,
  r: { route: string; detail: string; millis: number; tried: RouteAttempt[] },
  where: string,
) {
  console.log(`${what}: ${r.route} (${r.detail}) in ${r.millis} ms\n  ${where}`);
  for (const t of r.tried) console.log(`  skipped ${t.route}: ${t.outcome}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
