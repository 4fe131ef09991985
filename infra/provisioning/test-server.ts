import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { freePort, waitForPort } from '../net';
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

/** The JVM's options, the same when the start-up archive is written as when it is used (CDS requires it). */
export const TEST_SERVER_JVM_OPTIONS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xmx512m'];
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
/** Class-data-sharing archive of the server's classes, next to the launcher. */
const archiveName = 'test-server.jsa';
/** The provisioned server's folder: its jars in lib/, the launcher, the start-up archive. */
export const TEST_SERVER_CACHE_DIR = serverCacheDir;
export const TEST_SERVER_ARCHIVE = path.join(serverCacheDir, archiveName);

/**
 * The SDK spawns the launcher with the port as its argument and stops it with SIGKILL, so the launcher must
 * `exec` the JVM: a shell left in between would be killed and the JVM would live on.
 * Serial GC and C1-only keep the start-up short, and the start-up archive (when provisioning could write it)
 * shorter still: the SDK waits a fixed five seconds for the port, which a loaded machine can otherwise exceed.
 * A JVM that cannot use the archive (another Java version) ignores it, silently.
 */
function launcherScript(dir: string): string {
  return [
    '#!/bin/sh',
    '# Written by infra/provisioning/test-server.ts.',
    'JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"',
    `ARCHIVE="${dir}/${archiveName}"`,
    'CDS=""',
    '[ -f "$ARCHIVE" ] && CDS="-XX:SharedArchiveFile=$ARCHIVE -Xlog:cds*=off"',
    `exec "$JAVA" ${TEST_SERVER_JVM_OPTIONS.join(' ')} $CDS -cp "${dir}/lib/*" ${TEST_SERVER_MAIN_CLASS} "$@"`,
    '',
  ].join('\n');
}

/**
 * Writes the start-up archive: the server is started once with -XX:ArchiveClassesAtExit and stopped when it
 * listens, and the JVM dumps the classes it loaded. The archive records the class path, so it is written in the
 * cache's final folder. Best effort: a server without it starts as before, only slower (about 2 s instead of
 * 0.6 s here), so a failure is reported and provisioning goes on.
 */
export async function writeStartupArchive(
  dir: string = serverCacheDir,
): Promise<{ written: boolean; reason?: string }> {
  const archive = path.join(dir, archiveName);
  if (existsSync(archive)) return { written: true };
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const partial = `${archive}.partial-${process.pid}`;
  const port = await freePort();
  const child = spawn(
    java,
    [
      ...TEST_SERVER_JVM_OPTIONS,
      `-XX:ArchiveClassesAtExit=${partial}`,
      '-cp',
      `${dir}/lib/*`,
      TEST_SERVER_MAIN_CLASS,
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  try {
    await Promise.race([
      waitForPort(port, 60_000),
      exited.then((code) => Promise.reject(new Error(`the server exited (${code}) before listening`))),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(partial, { force: true });
    return { written: false, reason: (err as Error).message };
  }
  // SIGTERM is an orderly JVM exit, which is when the archive is dumped.
  child.kill('SIGTERM');
  await exited;
  if (!existsSync(partial)) return { written: false, reason: 'the JVM wrote no archive' };
  await rename(partial, archive);
  return { written: true };
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
  const archive = await writeStartupArchive(serverCacheDir);
  if (!archive.written) console.warn(`test server: no start-up archive (${archive.reason}); it starts slower`);
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
