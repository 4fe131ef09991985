import { DEV_MASTER_KEYS, devKeyring } from '../infra/security/keyring';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';
/**
 * The stack `npm run chaos` breaks: embedded PostgreSQL (durable, as `npm start`), the Temporal dev server on a
 * SQLite file, the migrations and the demo merchant, a merchant callback sink, and the engine as production runs
 * it — a worker process and an API process. Everything on free loopback ports and in a temporary folder; each
 * part can be killed with -9 and started again on the same port and data.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { type BenchChild, spawnBenchChild } from '../bench/children';
import { DEMO_MERCHANT_ID, seedDemoMerchant } from '../demo/seed-demo-merchant';
import { createDataSource, runMigrations } from '../entities/data-source';
import { freePort } from '../infra/net';
import { PROJECT_ROOT } from '../infra/paths';
import { EmbeddedPostgres, type EmbeddedPostgresOptions } from '../infra/postgres/embedded-postgres';
import { assembleOrCleanUp, cleanUp, type StopSteps } from '../infra/process/cleanup';
import { generateApiKey, randomSecret } from '../infra/security/api-keys';
import { startTemporalDevServer, type RunningDevServer } from '../infra/temporal/dev-server';
import { startCallbackSink } from '../simulation/callback-sink';
import { WORKFLOWS_PATH } from '../workers/create-worker';

export const CHAOS_TASK_QUEUE = 'chaos-payments';
export type Part = 'worker' | 'Temporal' | 'PostgreSQL';

export interface ChaosStack {
  apiUrl: string;
  databaseUrl: string;
  keys: { deposit: string; payout: string };
  merchantId: string;
  callbackUrl: string;
  callbacks: Array<{ body: string }>;
  /** kill -9 of the part (for PostgreSQL: the postmaster); resolves once it has gone. */
  kill(part: Part): Promise<void>;
  /** Starts the part again on the same port and data; resolves once it serves. */
  restart(part: Part): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export interface ChaosStackOptions {
  outDir: string;
  say: (line: string) => void;
  /** A workflow bundle built beforehand (the test suite has one); built here when absent. */
  workflowBundle?: string;
}

export function startChaosStack(opts: ChaosStackOptions): Promise<ChaosStack> {
  return assembleOrCleanUp((stops, stopAll) => assemble(opts, stops, stopAll));
}

async function assemble(opts: ChaosStackOptions, stops: StopSteps, stopAll: () => Promise<void>): Promise<ChaosStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-chaos-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  stops.push(() => rm(dir, { recursive: true, force: true }));

  const pgOptions: EmbeddedPostgresOptions = {
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    password: randomSecret(),
  };
  const devOptions = { port: await freePort(), dbFilename: path.join(dir, 'temporal.db'), namespace: 'default' };
  // Both servers start at once; whichever is up is stopped at the end even if the other failed.
  const [pgStarted, devStarted] = await Promise.allSettled([
    EmbeddedPostgres.start(pgOptions),
    startTemporalDevServer(devOptions),
  ]);
  let pg: EmbeddedPostgres;
  let dev: RunningDevServer;
  if (pgStarted.status === 'fulfilled') {
    pg = pgStarted.value;
    stops.push(() => pg.stop());
  }
  if (devStarted.status === 'fulfilled') {
    dev = devStarted.value;
    stops.push(() => dev.stop());
  }
  if (pgStarted.status === 'rejected') throw pgStarted.reason;
  if (devStarted.status === 'rejected') throw devStarted.reason;
  pg = pgStarted.value;
  dev = devStarted.value;
  await pg.ensureDatabase('paystar');
  const databaseUrl = pg.url('paystar');

  const ds = await createDataSource(databaseUrl, { poolSize: 1, applicationName: 'paystar-chaos' }).initialize();
  const keys = { deposit: generateApiKey('deposit', 'sandbox'), payout: generateApiKey('payout', 'sandbox') };
  try {
    await runMigrations(ds);
    await seedDemoMerchant(ds, { depositKey: keys.deposit, payoutKey: keys.payout });
  } finally {
    await ds.destroy();
  }

  let bundle = opts.workflowBundle;
  if (!bundle) {
    bundle = path.join(dir, 'workflows.js');
    const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: opts.say, error: opts.say };
    await writeFile(bundle, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet })).code);
  }

  const sink = await startCallbackSink();
  stops.push(() => sink.stop());

  const connection = await Connection.connect({ address: dev.address });
  stops.push(() => connection.close());
  // The chaos run's processes use the development keyring: its Temporal payloads are encrypted like any others.
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(devKeyring()),
  });

  const apiPort = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: dev.address,
    TEMPORAL_NAMESPACE: 'default',
    TASK_QUEUE: CHAOS_TASK_QUEUE,
    WORKFLOW_BUNDLE: bundle,
    PORT: String(apiPort),
    LOG_LEVEL: 'info',
    SECRETS_KEY: randomSecret(32),
    MASTER_KEYS: DEV_MASTER_KEYS,
    MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS: 'true',
  };
  const children: BenchChild[] = [];
  stops.push(() => cleanUp(children.map((c) => () => c.stop(5_000))));
  const spawn = (name: string, entry: string) => {
    const child = spawnBenchChild({
      name,
      entry,
      env,
      cwd: PROJECT_ROOT,
      logFile: path.join(opts.outDir, `${name}.log`),
    });
    children.push(child);
    return child;
  };

  const startWorker = async () => {
    const child = spawn('worker', 'workers/main.ts');
    await until('the worker', 60_000, async () => {
      if (child.gone) throw new Error(`the worker exited (${await child.exited}); see ${child.logFile}`);
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: CHAOS_TASK_QUEUE },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (pollers ?? []).some((p) => p.identity?.startsWith(`${child.pid}@`));
    });
    return child;
  };
  let worker = await startWorker();
  const api = spawn('api', 'api/main.ts');
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await until('the API', 60_000, async () => (await fetch(`${apiUrl}/health`)).status === 200);

  return {
    apiUrl,
    databaseUrl,
    keys,
    merchantId: DEMO_MERCHANT_ID,
    callbackUrl: sink.url,
    callbacks: sink.received,
    async kill(part) {
      if (part === 'worker') {
        process.kill(worker.pid, 'SIGKILL');
        await worker.exited;
      } else if (part === 'Temporal') {
        process.kill(dev.pid!, 'SIGKILL');
        await dev.exited;
      } else {
        process.kill((await pg.postmasterPid())!, 'SIGKILL');
        await pg.exited;
      }
    },
    async restart(part) {
      if (part === 'worker') worker = await startWorker();
      else if (part === 'Temporal') dev = await startTemporalDevServer(devOptions);
      else {
        // Backends of the killed postmaster exit on their own within moments; until then the start is refused.
        for (let tries = 1; ; tries++) {
          try {
            pg = await EmbeddedPostgres.start(pgOptions);
            break;
          } catch (err) {
            if (tries >= 20) throw err;
            await sleep(500);
          }
        }
      }
      if (api.gone) throw new Error(`the API exited (${await api.exited}); see ${api.logFile}`);
    },
    stop: stopAll,
  };
}
