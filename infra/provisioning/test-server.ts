import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { CACHE_DIR, PROJECT_ROOT } from '../paths';
import { fillCacheDir } from './cache';
import { findOnPath, isExecutable, run } from './exec';
import { resolveByRoutes, type Resolved, type Route } from './routes';
import { TEMPORAL_TEST_SERVER_VERSION, TEST_SERVER_BUNDLE_REVISION } from './versions';

const serverCacheDir = path.join(
  CACHE_DIR,
  'temporal',
  `test-server-${TEMPORAL_TEST_SERVER_VERSION}-r${TEST_SERVER_BUNDLE_REVISION}`,
);
const launcherName = 'temporal-test-server';
/** Where the SDK keeps its own download when every other route failed. */
const SDK_DOWNLOAD_DIR = path.join(CACHE_DIR, 'temporal', 'sdk-download');

/**
 * The SDK spawns the launcher with the port as its argument and stops it with SIGKILL, so the launcher must
 * `exec` the JVM: a shell left in between would be killed and the JVM would live on.
 * Serial GC and C1-only keep the start-up well under the SDK's five-second wait for the port.
 */
function launcherScript(dir: string): string {
  return [
    '#!/bin/sh',
    '# Written by infra/provisioning/test-server.ts.',
    'JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"',
    `exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m -cp "${dir}/lib/*" io.temporal.testserver.TestServer "$@"`,
    '',
  ].join('\n');
}

async function fetchWithMaven(): Promise<string> {
  const mvn = await findOnPath('mvn');
  if (!mvn) throw new Error('no mvn on PATH');
  if (!(await findOnPath('java'))) throw new Error('no java on PATH');
  await fillCacheDir(serverCacheDir, async (tmp) => {
    await run(mvn, [
      '-q',
      '-B',
      '-f',
      path.join(PROJECT_ROOT, 'infra', 'provisioning', 'test-server', 'pom.xml'),
      `-Dmaven.repo.local=${path.join(CACHE_DIR, 'm2')}`,
      `-Dtemporal.test-server.version=${TEMPORAL_TEST_SERVER_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(tmp, 'lib')}`,
      '-DincludeScope=runtime',
    ]);
    // The launcher names its final folder, not the temporary one it is written in.
    await writeFile(path.join(tmp, launcherName), launcherScript(serverCacheDir));
    await chmod(path.join(tmp, launcherName), 0o755);
  });
  return path.join(serverCacheDir, launcherName);
}

/** The routes to Temporal's time-skipping test server, in the order the project promises. */
export function testServerRoutes(env: NodeJS.ProcessEnv = process.env): Route<EphemeralServerExecutable>[] {
  const asPath = (file: string, detail: string) => ({
    ok: true as const,
    value: { type: 'existing-path' as const, path: file },
    detail,
  });
  return [
    {
      name: 'TEMPORAL_TEST_SERVER_PATH',
      run: async () => {
        const file = env.TEMPORAL_TEST_SERVER_PATH;
        if (!file) return { ok: false, reason: 'not set' };
        return (await isExecutable(file))
          ? asPath(file, 'from the environment')
          : { ok: false, reason: `nothing executable at ${file}` };
      },
    },
    {
      name: `project cache (${path.relative(process.cwd(), serverCacheDir) || serverCacheDir})`,
      run: async () => {
        const file = path.join(serverCacheDir, launcherName);
        if (!(await isExecutable(file))) return { ok: false, reason: `nothing at ${file}` };
        if (!(await findOnPath('java', env.PATH)) && !env.JAVA_HOME) return { ok: false, reason: 'no java on PATH' };
        return asPath(file, `cached test server ${TEMPORAL_TEST_SERVER_VERSION}`);
      },
    },
    {
      name: `Maven Central io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION} (mvn) into the cache`,
      run: async () => asPath(await fetchWithMaven(), 'downloaded from Maven Central'),
    },
    {
      name: 'the SDK download (temporal.download)',
      run: async () => ({
        ok: true,
        value: { type: 'cached-download', downloadDir: SDK_DOWNLOAD_DIR },
        detail: 'the SDK downloads the test server when it starts',
      }),
    },
  ];
}

/** Resolves the time-skipping test server by the first route that works. */
export function resolveTestServer(env: NodeJS.ProcessEnv = process.env): Promise<Resolved<EphemeralServerExecutable>> {
  return resolveByRoutes('Temporal time-skipping test server', testServerRoutes(env), TEST_SERVER_ADVICE);
}

/** What to do when nothing worked; shown in the error. */
export const TEST_SERVER_ADVICE =
  'Install Java 11+ and Maven and make Maven Central reachable, or set TEMPORAL_TEST_SERVER_PATH to a test server ' +
  'executable (https://github.com/temporalio/sdk-java/releases), or give the SDK internet access to download it.';
