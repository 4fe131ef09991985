import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort } from '../../infra/net';
import { cleanUp } from '../../infra/process/cleanup';
import { startThrowawayDatabase } from '../../infra/postgres/throwaway-database';
import { resolveTestServer } from '../../infra/provisioning/test-server';
import { startTemporalDevServer } from '../../infra/temporal/dev-server';
import { WORKFLOWS_PATH } from '../../workers/create-worker';
import { TEST_DATABASE_URL, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE } from './services';

/** Starts what the test run needs; globalTeardown stops it. State is shared through globalThis. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const stops: Array<() => Promise<void>> = [];
  (globalThis as { __paystarStops?: typeof stops }).__paystarStops = stops;
  let testServer: Awaited<ReturnType<typeof resolveTestServer>>;
  let temporal: Awaited<ReturnType<typeof startTemporalDevServer>>;

  try {
    // Provision the time-skipping server here, once, so parallel test files do not race to fetch it.
    testServer = await resolveTestServer();

    const db = await startThrowawayDatabase('paystar_test');
    stops.push(() => db.stop());
    process.env[TEST_DATABASE_URL] = db.url;

    temporal = await startTemporalDevServer({ port: await freePort() });
    stops.unshift(temporal.stop);
    process.env[TEST_TEMPORAL_ADDRESS] = temporal.address;

    // Bundling workflows takes seconds; do it once for every test file.
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-bundle-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    await writeFile(bundlePath, bundle.code);
    process.env[TEST_WORKFLOW_BUNDLE] = bundlePath;
  } catch (err) {
    // Jest skips globalTeardown when globalSetup fails: stop what did start.
    await cleanUp(stops).catch(() => undefined);
    throw err;
  }

  console.log(
    `\n[setup] embedded PostgreSQL; Temporal dev server ${temporal.address} (${temporal.provisioning.route}, ` +
      `${temporal.provisioning.millis} ms); time-skipping server (${testServer.route}, ${testServer.millis} ms); ` +
      `ready in ${Date.now() - started} ms`,
  );
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
