import { chmod } from 'node:fs/promises';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment, type EphemeralServerExecutable } from '@temporalio/testing';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { waitForPort } from '../net';
import { spawnManaged } from '../process/managed-child';
import { ProvisioningError, type Resolved } from '../provisioning/routes';
import { CLI_ADVICE, resolveTemporalCli } from '../provisioning/temporal-cli';

/** A Temporal dev server (CLI `server start-dev`) that this process started. */
export interface RunningDevServer {
  address: string;
  uiUrl: string | undefined;
  pid: number | undefined;
  provisioning: Resolved<EphemeralServerExecutable>;
  /** Resolves, with how it ended, if the server exits (never for a server started through the SDK). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file that keeps the server's state between runs; in memory when absent. */
  dbFilename?: string;
  namespace?: string;
  /** The Web UI decodes payloads through this remote codec endpoint (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** See EmbeddedPostgresOptions.ownProcessGroup: true for `npm start`, false for tests and tools. */
  ownProcessGroup?: boolean;
}

/**
 * Starts the Temporal CLI dev server with the order search attributes registered. With a CLI on disk we spawn
 * it ourselves, in its own process group, so a Ctrl-C reaches only our supervisor and the server stops after the
 * worker (the SDK's launcher would share our group and stop with SIGKILL). Only the SDK-download route goes
 * through the SDK's launcher, since the SDK alone knows where it put the binary.
 */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const provisioning = await resolveTemporalCli();
  const failed = (err: unknown) =>
    new ProvisioningError(
      'the Temporal dev server',
      [
        ...provisioning.tried,
        {
          route: provisioning.route,
          outcome: `chosen, but the server did not start: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
      CLI_ADVICE,
    );
  if (opts.dbFilename) await makePrivate(opts.dbFilename);
  try {
    return provisioning.value.type === 'existing-path'
      ? await spawnDevServer(provisioning.value.path, opts, provisioning)
      : await startThroughSdk(opts, provisioning);
  } catch (err) {
    throw failed(err);
  }
}

/**
 * The server's SQLite file holds every order's history: readable by its owner only. A file from an earlier run is
 * closed now; a new one is created under the umask the server is started with (spawnDevServer).
 */
async function makePrivate(file: string): Promise<void> {
  await chmod(file, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

const codecArgs = (opts: DevServerOptions) =>
  opts.uiPort !== undefined && opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [];

async function spawnDevServer(
  cli: string,
  opts: DevServerOptions,
  provisioning: Resolved<EphemeralServerExecutable>,
): Promise<RunningDevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    ...(opts.uiPort !== undefined ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.dbFilename ? ['--db-filename', opts.dbFilename] : []),
    ...codecArgs(opts),
    ...ORDER_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  // The child inherits the umask at spawn (synchronous): every file it creates is private to its owner.
  const umask = process.umask(0o077);
  let child: ReturnType<typeof spawnManaged>;
  try {
    child = spawnManaged('Temporal dev server', cli, args, {
      stdio: 'ignore',
      ownProcessGroup: opts.ownProcessGroup ?? false,
    });
  } finally {
    process.umask(umask);
  }
  const address = `127.0.0.1:${opts.port}`;
  try {
    await Promise.race([
      (async () => {
        await waitForPort(opts.port, 30_000);
        // The port opens before the namespace is ready; a successful call proves the server can take work.
        // A pool of its own: a channel to the same address elsewhere in this process (an API in a test) may be
        // waiting out gRPC's reconnection backoff from before the restart, and would make this wait with it.
        const connection = await Connection.connect({
          address,
          connectTimeout: 5_000,
          channelArgs: { 'grpc.use_local_subchannel_pool': 1 },
        });
        try {
          await connection.workflowService.describeNamespace({ namespace: opts.namespace ?? 'default' });
        } finally {
          await connection.close();
        }
        if (opts.uiPort !== undefined) await waitForPort(opts.uiPort, 30_000);
      })(),
      child.exited.then((how) => {
        throw new Error(`temporal exited during start-up (${how}); is port ${opts.port} already in use?`);
      }),
    ]);
  } catch (err) {
    await child.stop(2_000);
    throw err;
  }
  return {
    address,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    pid: child.pid,
    provisioning,
    exited: child.exited,
    stop: () => child.stop(10_000),
  };
}

async function startThroughSdk(
  opts: DevServerOptions,
  provisioning: Resolved<EphemeralServerExecutable>,
): Promise<RunningDevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: provisioning.value,
      ip: '127.0.0.1',
      port: opts.port,
      ui: opts.uiPort !== undefined,
      uiPort: opts.uiPort,
      dbFilename: opts.dbFilename,
      namespace: opts.namespace ?? 'default',
      searchAttributes: ORDER_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'warn' },
      extraArgs: codecArgs(opts),
    },
  });
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    pid: undefined,
    provisioning,
    exited: new Promise<string>(() => undefined),
    stop: () => env.teardown(),
  };
}
