import path from 'node:path';
import { CACHE_DIR } from '../paths';
import { fillCacheDir } from './cache';
import { findOnPath, goInstall, isExecutable, run } from './exec';
import { resolveByRoutes, type Resolved, type Route } from './routes';
import { STRIPE_MOCK_VERSION } from './versions';

const stripeMockCacheDir = path.join(CACHE_DIR, 'stripe-mock', `v${STRIPE_MOCK_VERSION}`);

/** Whether a file is stripe-mock (its `-version` prints `stripe-mock <version>`; a `go install` build says master). */
async function stripeMockVersion(file: string): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(file, ['-version'], { timeoutMs: 15_000 });
    const out = `${stdout}${stderr}`.trim();
    return /^stripe-mock\b/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** `go install github.com/stripe/stripe-mock@vX` into the project's cache. */
async function buildWithGo(env: NodeJS.ProcessEnv): Promise<string> {
  const go = await findOnPath('go', env.PATH);
  if (!go) throw new Error('no go on PATH');
  await fillCacheDir(stripeMockCacheDir, (tmp) =>
    goInstall(go, `github.com/stripe/stripe-mock@v${STRIPE_MOCK_VERSION}`, tmp, CACHE_DIR, env),
  );
  return path.join(stripeMockCacheDir, 'stripe-mock');
}

/** The routes to a stripe-mock binary, in order: the environment, PATH, the project cache, the Go module proxy. */
export function stripeMockRoutes(env: NodeJS.ProcessEnv = process.env): Route<string>[] {
  return [
    {
      name: 'STRIPE_MOCK_PATH',
      run: async () => {
        if (!env.STRIPE_MOCK_PATH) return { ok: false, reason: 'not set' };
        return (await isExecutable(env.STRIPE_MOCK_PATH))
          ? { ok: true, value: env.STRIPE_MOCK_PATH, detail: 'from the environment' }
          : { ok: false, reason: `nothing executable at ${env.STRIPE_MOCK_PATH}` };
      },
    },
    {
      name: '`stripe-mock` on PATH',
      run: async () => {
        const found = await findOnPath('stripe-mock', env.PATH);
        if (!found) return { ok: false, reason: 'not found' };
        const version = await stripeMockVersion(found);
        return version
          ? { ok: true, value: found, detail: version }
          : { ok: false, reason: `${found} does not answer -version` };
      },
    },
    {
      name: `project cache (${path.relative(process.cwd(), stripeMockCacheDir) || stripeMockCacheDir})`,
      run: async () => {
        const file = path.join(stripeMockCacheDir, 'stripe-mock');
        return (await isExecutable(file))
          ? { ok: true, value: file, detail: `cached stripe-mock ${STRIPE_MOCK_VERSION}` }
          : { ok: false, reason: `nothing at ${file}` };
      },
    },
    {
      name: `Go module proxy (go install stripe-mock@v${STRIPE_MOCK_VERSION}) into the cache`,
      run: async () => ({ ok: true, value: await buildWithGo(env), detail: 'built with go install' }),
    },
  ];
}

/** What to do when nothing worked; shown in the error. */
export const STRIPE_MOCK_ADVICE =
  `Install stripe-mock ${STRIPE_MOCK_VERSION} (go install github.com/stripe/stripe-mock@v${STRIPE_MOCK_VERSION}) and ` +
  'set STRIPE_MOCK_PATH to it or put it on PATH, or make the Go module proxy reachable with `go` on PATH.';

/** Resolves stripe-mock by the first route that works. */
export function resolveStripeMock(env: NodeJS.ProcessEnv = process.env): Promise<Resolved<string>> {
  return resolveByRoutes('stripe-mock (Stripe API contract tests)', stripeMockRoutes(env), STRIPE_MOCK_ADVICE);
}
