import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, waitForPort } from '../../infra/net';
import {
  resolveTestServer,
  TEST_SERVER_ARCHIVE,
  TEST_SERVER_CACHE_DIR,
  TEST_SERVER_JVM_OPTIONS,
  TEST_SERVER_MAIN_CLASS,
} from '../../infra/provisioning/test-server';

/**
 * Provisioning writes a class-data-sharing archive next to the Java test server so it starts well inside the
 * SDK's fixed five-second window on a loaded machine; the launcher uses it.
 */
test('the provisioned test server has a start-up archive its JVM accepts, and the launcher passes it', async () => {
  const resolved = await resolveTestServer({ ...process.env, TEMPORAL_TEST_SERVER_PATH: '' });
  expect(resolved.value).toEqual({
    type: 'existing-path',
    path: path.join(TEST_SERVER_CACHE_DIR, 'temporal-test-server'),
  });
  const launcher = await readFile(path.join(TEST_SERVER_CACHE_DIR, 'temporal-test-server'), 'utf8');
  expect(launcher).toContain(`ARCHIVE="${TEST_SERVER_ARCHIVE}"`);
  expect(launcher).toContain('-XX:SharedArchiveFile=$ARCHIVE');

  // -Xshare:on makes a JVM that cannot map the archive (wrong class path, options or Java) exit with an error.
  const port = await freePort();
  const java = spawn(
    'java',
    [
      ...TEST_SERVER_JVM_OPTIONS,
      `-XX:SharedArchiveFile=${TEST_SERVER_ARCHIVE}`,
      '-Xshare:on',
      '-cp',
      `${TEST_SERVER_CACHE_DIR}/lib/*`,
      TEST_SERVER_MAIN_CLASS,
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  java.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => java.once('exit', resolve));
  try {
    const outcome = await Promise.race([
      waitForPort(port, 60_000).then(() => 'listening'),
      exited.then((code) => `exited ${code}: ${stderr}`),
    ]);
    expect(outcome).toBe('listening');
  } finally {
    java.kill('SIGKILL');
    await exited;
  }
}, 90_000);
