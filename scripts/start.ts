/**
 * `npm start`: the whole system on embedded defaults, in one process tree. PostgreSQL (unless DATABASE_URL),
 * the Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS), migrations, the demo merchant, a worker and
 * the API. It supervises them: a part that dies is started again with backoff, and says so. Only SIGINT, SIGTERM
 * or SIGHUP stop everything, API first and databases last.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEMO_MERCHANT_USER_EMAIL, FIRST_OPERATOR_EMAIL, seedPeople } from '../api/accounts/seed';
import { loadConfigOrExit, StartEnv } from '../config/env';
import { loadLocalCredentials } from '../demo/credentials';
import { DEMO_MERCHANT_ID, seedDemoMerchant } from '../demo/seed-demo-merchant';
import { createDataSource, runMigrations } from '../entities/data-source';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../infra/paths';
import { EmbeddedPostgres } from '../infra/postgres/embedded-postgres';
import { spawnNodeService } from '../infra/process/managed-child';
import { Supervised, type Running } from '../infra/process/supervisor';
import { DEV_MASTER_KEYS, Keyring } from '../infra/security/keyring';
import { startTemporalDevServer } from '../infra/temporal/dev-server';
import { rewrapEverything } from '../vault/rewrap';
import { ensureWebBuild } from './build-web';

const config = loadConfigOrExit(StartEnv);
// Unset: the development keyring, whose key is public (infra/security/keyring.ts). A local demo only.
const masterKeys = config.MASTER_KEYS ?? DEV_MASTER_KEYS;
const dataDir = path.resolve(config.DATA_DIR ?? DEFAULT_DATA_DIR);
const say = (line: string) => console.log(`[start] ${line}`);

/** The one host name the start-up output uses: every server here listens on this machine's loopback. */
const HOST = 'localhost';

/** The supervised parts in start order; shutdown stops them backwards. */
const parts: Supervised[] = [];
let shutdownDone: Promise<void> | undefined;

/**
 * Stops everything once, however many signals arrive: a terminal's Ctrl-C reaches npm and us, and npm forwards
 * it again, so a second signal must join the shutdown in progress rather than exit before the children are gone.
 */
function shutdown(reason: string, exitCode: number): Promise<void> {
  shutdownDone ??= (async () => {
    say(`stopping (${reason})`);
    for (const part of parts.reverse()) {
      try {
        await part.stop();
        say(`${part.name} stopped`);
      } catch (err) {
        say(`${part.name} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    process.exit(exitCode);
  })();
  return shutdownDone;
}

process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
// If whoever started us (npm, a shell) dies without passing a signal on, we are re-parented: stop, leave nothing.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) void shutdown('parent process exited', 0);
}, 1_000).unref();

/** Starts a part under supervision and registers it for shutdown. */
async function supervise(name: string, start: () => Promise<Running>): Promise<void> {
  // Stopping already: start nothing that the shutdown in progress would not know to stop.
  if (shutdownDone) throw new Error(`not starting ${name}: stopping`);
  const part = new Supervised({ name, start, say });
  parts.push(part);
  await part.start();
}

/** Waits for the API's health (a crashed API is being restarted meanwhile). */
async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The worker is ready once Temporal sees it polling its task queue (it bundles the workflows first). */
async function waitForWorker(address: string, namespace: string, taskQueue: string) {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if ((pollers ?? []).length > 0) return;
      if (Date.now() > deadline) throw new Error(`no worker polls ${taskQueue} after 120 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const credentials = await loadLocalCredentials(dataDir, config);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    let pg: EmbeddedPostgres | undefined;
    await supervise('PostgreSQL', async () => {
      pg = await EmbeddedPostgres.start({
        dataDir: path.join(dataDir, 'postgres'),
        port: config.EMBEDDED_PG_PORT,
        password: credentials.postgresPassword,
        ownProcessGroup: true,
      });
      return pg;
    });
    await pg!.ensureDatabase('paystar');
    databaseUrl = pg!.url('paystar');
    say(`PostgreSQL (embedded) on ${HOST}:${config.EMBEDDED_PG_PORT}, data in ${pg!.dataDir}`);
  }

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi: string | undefined;
  // The Web UI has no login here: the codec endpoint's credential is a token in its path (api/routes/codec-server.ts).
  const codecEndpoint = `http://${HOST}:${config.PORT}/codec/t/${credentials.codecToken}`;
  if (!temporalAddress) {
    let dev: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
    await supervise('Temporal dev server', async () => {
      // Restarted on the same database file: its workflows carry on where they were.
      dev = await startTemporalDevServer({
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFilename: path.join(dataDir, 'temporal.db'),
        namespace: config.TEMPORAL_NAMESPACE,
        uiCodecEndpoint: codecEndpoint,
        ownProcessGroup: true,
      });
      return dev;
    });
    temporalAddress = dev!.address;
    temporalUi = dev!.uiUrl && `http://${HOST}:${config.TEMPORAL_UI_PORT}`;
    say(`Temporal dev server on ${HOST}:${config.TEMPORAL_PORT} (${dev!.provisioning.route})`);
  }

  const dataSource = await createDataSource(databaseUrl, {
    poolSize: 1,
    applicationName: 'paystar-start',
  }).initialize();
  try {
    const applied = await runMigrations(dataSource);
    if (applied.length) say(`migrations applied: ${applied.join(', ')}`);
    await seedDemoMerchant(dataSource, credentials);
    await seedPeople(dataSource, { ...credentials, demoMerchantId: DEMO_MERCHANT_ID });
    // Secrets a data folder from before secrets at rest holds in clear, or under an older key, are encrypted now.
    const { rewrapped, secrets } = await rewrapEverything(dataSource, Keyring.parse(masterKeys));
    if (rewrapped + secrets > 0) say(`re-encrypted under master key ${Keyring.parse(masterKeys).activeId}`);
  } finally {
    await dataSource.destroy();
  }

  // The web application the API serves under /app/ (docs/web-app.md): built on a fresh clone, and after its sources change.
  if (await ensureWebBuild()) say('web application built into dist/web');

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    TASK_QUEUE: config.TASK_QUEUE,
    PORT: String(config.PORT),
    LOG_LEVEL: config.LOG_LEVEL,
    ADMIN_KEY: credentials.adminKey,
    SECRETS_KEY: credentials.secretsKey,
    MASTER_KEYS: masterKeys,
    CODEC_URL_TOKEN: credentials.codecToken,
    ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
    CODEC_CORS_ORIGINS: [
      `http://localhost:${config.TEMPORAL_UI_PORT}`,
      `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
    ].join(','),
    // The local demo's merchant endpoints live on localhost.
    MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS: process.env.MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS ?? 'true',
  };
  for (const [name, entry, graceMs] of [
    ['worker', 'workers/main.ts', 15_000],
    ['api', 'api/main.ts', 8_000],
  ] as const) {
    await supervise(name, async () => {
      const child = spawnNodeService(name, entry, env, PROJECT_ROOT);
      return { exited: child.exited, stop: () => child.stop(graceMs) };
    });
  }
  const apiUrl = `http://${HOST}:${config.PORT}`;
  await Promise.all([
    waitForHealth(`${apiUrl}/health`),
    waitForWorker(temporalAddress, config.TEMPORAL_NAMESPACE, config.TASK_QUEUE),
  ]);

  console.log(
    [
      '',
      `PayStar orchestration engine is up (${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops everything.`,
      `  Web app         ${apiUrl}/app/   (sign in with the operator or merchant user below; docs/web-app.md)`,
      `  API             ${apiUrl}`,
      `  API docs        ${apiUrl}/docs`,
      `  OpenAPI         ${apiUrl}/openapi.json`,
      `  Health          ${apiUrl}/health`,
      `  Temporal UI     ${temporalUi ?? `(external Temporal at ${temporalAddress})`}`,
      `  Codec endpoint  ${codecEndpoint}   (the UI decodes payloads with it; docs/temporal-web-ui.md)`,
      ...(config.MASTER_KEYS ? [] : ['  Master keys     development keyring (public key: a local demo only)']),
      `  Demo merchant   ${DEMO_MERCHANT_ID}`,
      `  Deposit key     ${credentials.depositKey}   (sandbox)`,
      `  Payout key      ${credentials.payoutKey}   (sandbox)`,
      `  Admin key       ${credentials.adminKey}   (admin API: ${apiUrl}/api/v1/admin, docs/admin-api.md)`,
      `  Operator        ${FIRST_OPERATOR_EMAIL} / ${credentials.operatorPassword}   (role admin; docs/accounts.md)`,
      `  Merchant user   ${DEMO_MERCHANT_USER_EMAIL} / ${credentials.merchantUserPassword}   (demo merchant owner)`,
      `  Sign in         curl -c cookies -H 'content-type: application/json' -d '{"email":"${FIRST_OPERATOR_EMAIL}","password":"…"}' ${apiUrl}/api/v1/auth/sign-in`,
      `  Try it          curl -H "Authorization: Bearer ${credentials.depositKey}" ${apiUrl}/api/v1/integration/balance`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  // A Ctrl-C during start-up stops the parts being waited for: that is the shutdown at work, not a failure.
  if (shutdownDone) return;
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  void shutdown('start-up failed', 1);
});
