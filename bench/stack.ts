/**
 * The embedded stack of `npm start`, assembled for a bench run from the same building blocks: embedded PostgreSQL
 * (with pg_stat_statements loaded, to count statements), the Temporal CLI dev server (SQLite file, as `npm start`),
 * the migrations, the demo merchant, a merchant callback sink on loopback, and — as child processes — the API, the
 * engine's workers and the ceiling's worker. Everything lives in a temporary folder and on free loopback ports, so
 * a bench never touches `npm start`'s data or another run's servers; `stop` ends exactly what was started.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import { insertPosting } from '../data/ledger';
import { DEMO_MERCHANT_ID, seedDemoMerchant } from '../demo/seed-demo-merchant';
import { createDataSource, runMigrations } from '../entities/data-source';
import { freePort } from '../infra/net';
import { PROJECT_ROOT } from '../infra/paths';
import { EmbeddedPostgres } from '../infra/postgres/embedded-postgres';
import { assembleOrCleanUp, cleanUp, type StopSteps } from '../infra/process/cleanup';
import { generateApiKey, randomSecret } from '../infra/security/api-keys';
import { Keyring } from '../infra/security/keyring';
import { startTemporalDevServer, type RunningDevServer } from '../infra/temporal/dev-server';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';
import { startCallbackSink } from '../simulation/callback-sink';
import { WORKFLOWS_PATH } from '../workers/create-worker';
import { type BenchChild, spawnBenchChild } from './children';

export const ENGINE_TASK_QUEUE = 'bench-payments';
export const CEILING_TASK_QUEUE = 'bench-ceiling';
const CEILING_WORKFLOWS_PATH = require.resolve('./ceiling/workflows');

/** Bench orders are small (1.09): a balance no run can exhaust keeps every payout on the happy path. */
const BENCH_BALANCE_MINOR = 1_000_000_000_00;

export interface StackOptions {
  /** Where logs and CPU profiles go. */
  outDir: string;
  /** LOG_LEVEL of the API and workers (`info` by default, as in production). */
  logLevel: string;
  /** Write V8 CPU profiles of the API and workers into outDir/profiles (node --cpu-prof). */
  profile: boolean;
  /** PostgreSQL without fsync (like the test suite's throw-away clusters); default durable, like `npm start`. */
  pgEphemeral: boolean;
  /** The dev server's SQLite in memory or in a file (`npm start`). */
  temporalDb: 'memory' | 'file';
  say: (line: string) => void;
}

export interface BenchStack {
  databaseUrl: string;
  temporalAddress: string;
  /** The bench's own client (ceiling starts, histories, visibility counts). */
  client: Client;
  /** The bench's own database connection (time to final status, statement counts). */
  ds: DataSource;
  keys: { deposit: string; payout: string };
  merchantId: string;
  /** Where merchant callbacks go: the sink on loopback. */
  callbackUrl: string;
  /** Who gets each callback body the sink receives. */
  onCallback(listener: (body: string) => void): void;
  pids: { temporal: number | undefined; postgres: number | undefined };
  profileDir: string;
  startCeilingWorker(): Promise<BenchChild>;
  startEngineWorker(name: string): Promise<BenchChild>;
  startApi(): Promise<{ child: BenchChild; baseUrl: string }>;
  /** Snapshot of pg_stat_statements and transaction counters of the bench database. */
  pgCounters(): Promise<PgCounters>;
  stop(): Promise<void>;
}

/**
 * Cumulative statement counters of the paystar database (pg_stat_statements). Transaction counters
 * (pg_stat_database) are not used: they also count the bench's own polling, which statements can leave out.
 */
export interface PgCounters {
  statements: Map<string, { query: string; calls: number; totalMs: number }>;
}

export function startBenchStack(opts: StackOptions): Promise<BenchStack> {
  return assembleOrCleanUp((stops, stopAll) => assemble(opts, stops, stopAll));
}

async function assemble(opts: StackOptions, stops: StopSteps, stopAll: () => Promise<void>): Promise<BenchStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-bench-'));
  // PostgreSQL runs as its own user when we are root; it must be able to reach its data folder.
  await chmod(dir, 0o755);
  stops.push(() => rm(dir, { recursive: true, force: true }));
  const profileDir = path.join(opts.outDir, 'profiles');
  if (opts.profile) await mkdir(profileDir, { recursive: true });

  const t0 = Date.now();
  const pgOptions = { dataDir: path.join(dir, 'pg'), port: await freePort(), password: randomSecret() };
  // pg_stat_statements must be preloaded: set it, then restart once. The restart costs about a second.
  const first = await EmbeddedPostgres.start(pgOptions);
  try {
    const admin = new PgClient({ connectionString: first.url() });
    await admin.connect();
    await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await admin.query(`ALTER SYSTEM SET pg_stat_statements.max = 1000`);
    if (opts.pgEphemeral) {
      for (const setting of ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']) {
        await admin.query(`ALTER SYSTEM SET ${setting}`);
      }
    }
    await admin.end();
  } finally {
    await first.stop();
  }
  const pg = await EmbeddedPostgres.start(pgOptions);
  stops.push(() => pg.stop());
  await pg.ensureDatabase('paystar');
  const databaseUrl = pg.url('paystar');
  opts.say(`PostgreSQL ${opts.pgEphemeral ? '(fsync off)' : '(durable, as npm start)'} up in ${Date.now() - t0} ms`);

  const t1 = Date.now();
  const dev: RunningDevServer = await startTemporalDevServer({
    port: await freePort(),
    ...(opts.temporalDb === 'file' ? { dbFilename: path.join(dir, 'temporal.db') } : {}),
    namespace: 'default',
  });
  stops.push(() => dev.stop());
  opts.say(
    `Temporal dev server ${dev.address}, SQLite ${opts.temporalDb === 'file' ? 'in a file' : 'in memory'} ` +
      `(${dev.provisioning.route}), up in ${Date.now() - t1} ms`,
  );

  const ds = await createDataSource(databaseUrl, { poolSize: 2, applicationName: 'paystar-bench' }).initialize();
  stops.push(() => ds.destroy());
  await runMigrations(ds);
  await ds.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const keys = { deposit: generateApiKey('deposit', 'sandbox'), payout: generateApiKey('payout', 'sandbox') };
  await seedDemoMerchant(ds, { depositKey: keys.deposit, payoutKey: keys.payout });
  await insertPosting(ds, {
    merchantId: DEMO_MERCHANT_ID,
    mode: 'sandbox',
    currency: 'USD',
    amountMinor: BENCH_BALANCE_MINOR,
    kind: 'sandbox_opening_balance',
    orderId: null,
    idempotencyKey: 'bench:opening-balance:USD',
  });

  const t2 = Date.now();
  const quiet = {
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (m: string) => opts.say(m),
    error: (m: string) => opts.say(m),
  };
  const bundles = {
    engine: path.join(dir, 'engine-workflows.js'),
    ceiling: path.join(dir, 'ceiling-workflows.js'),
  };
  await writeFile(bundles.engine, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet })).code);
  await writeFile(
    bundles.ceiling,
    (await bundleWorkflowCode({ workflowsPath: CEILING_WORKFLOWS_PATH, logger: quiet })).code,
  );
  opts.say(`workflow bundles (engine, ceiling) built in ${Date.now() - t2} ms`);

  let listener: (body: string) => void = () => undefined;
  const callbacks = await startCallbackSink((n) => {
    const received = callbacks.received[n - 1];
    if (received) listener(received.body);
    return 200;
  });
  stops.push(() => callbacks.stop());

  const connection = await Connection.connect({ address: dev.address });
  stops.push(() => connection.close());
  // A keyring of this run: the engine's processes, the ceiling worker and this client encrypt payloads under it.
  const masterKeys = `bench:${randomBytes(32).toString('base64')}`;
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(Keyring.parse(masterKeys)),
  });

  const secretsKey = randomSecret(32);
  const baseEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: dev.address,
    TEMPORAL_NAMESPACE: 'default',
    LOG_LEVEL: opts.logLevel,
    MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS: 'true',
    MASTER_KEYS: masterKeys,
  };
  const children: BenchChild[] = [];
  // Children stop before the servers they use: they were pushed last, so they run first.
  const spawn = (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const child = spawnBenchChild({
      name,
      entry,
      env,
      cwd: PROJECT_ROOT,
      logFile: path.join(opts.outDir, `${name}.log`),
      nodeArgs: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : [],
    });
    children.push(child);
    return child;
  };
  stops.push(() => cleanUp(children.map((c) => () => c.stop())));

  const startWorker = async (name: string, entry: string, taskQueue: string, bundle: string) => {
    const child = spawn(name, entry, { ...baseEnv, TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE: bundle });
    // The SDK's default identity is `<pid>@<host>`: ready once that PID polls both workflow and activity tasks.
    await waitFor(`${name} polling ${taskQueue}`, 60_000, child, () => pollsBoth(client, taskQueue, `${child.pid}@`));
    return child;
  };

  return {
    databaseUrl,
    temporalAddress: dev.address,
    client,
    ds,
    keys,
    merchantId: DEMO_MERCHANT_ID,
    callbackUrl: callbacks.url,
    onCallback: (l) => (listener = l),
    pids: { temporal: dev.pid, postgres: pg.pid },
    profileDir,
    startCeilingWorker: () =>
      startWorker('ceiling-worker', 'bench/ceiling/worker.ts', CEILING_TASK_QUEUE, bundles.ceiling),
    startEngineWorker: (name) => startWorker(name, 'workers/main.ts', ENGINE_TASK_QUEUE, bundles.engine),
    async startApi() {
      const port = await freePort();
      const child = spawn('api', 'api/main.ts', {
        ...baseEnv,
        TASK_QUEUE: ENGINE_TASK_QUEUE,
        PORT: String(port),
        SECRETS_KEY: secretsKey,
      });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitFor('the API', 60_000, child, async () => {
        const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
        return res?.status === 200;
      });
      return { child, baseUrl };
    },
    async pgCounters() {
      const rows: Array<{ queryid: string; query: string; calls: string; total_exec_time: number }> = await ds.query(
        `SELECT s.queryid::text AS queryid, s.query, s.calls::text AS calls, s.total_exec_time
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE d.datname = current_database()
            AND s.query NOT LIKE '%pg_stat_statements%' AND s.query NOT LIKE '%pg_stat_database%'
            AND s.query NOT LIKE '%bench_probe%'`,
      );
      return {
        statements: new Map(
          rows.map((r) => [r.queryid, { query: r.query, calls: Number(r.calls), totalMs: r.total_exec_time }]),
        ),
      };
    },
    stop: stopAll,
  };
}

async function pollsBoth(client: Client, taskQueue: string, identityPrefix: string): Promise<boolean> {
  for (const taskQueueType of [
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  ]) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    if (!(pollers ?? []).some((p) => p.identity?.startsWith(identityPrefix))) return false;
  }
  return true;
}

async function waitFor(what: string, timeoutMs: number, child: BenchChild, ready: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.gone)
      throw new Error(`${child.name} exited while starting (${await child.exited}); see ${child.logFile}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms; see ${child.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
