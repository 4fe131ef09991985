import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../infra/net';
import { PROJECT_ROOT } from '../../infra/paths';
import { descendantsOf, isAlive } from '../helpers/processes';

/** `npm start` as a user runs it: the whole stack in one process tree, on ports and a data folder of its own. */
interface Started {
  child: ChildProcess;
  output: () => string;
  banner: Record<string, string>;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: { api: number; pg: number; temporal: number; ui: number };

beforeAll(async () => {
  // Private (0700) like a clone in a home folder: as root, PostgreSQL's user cannot enter it.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paystar-start-'));
  ports = { api: await freePort(), pg: await freePort(), temporal: await freePort(), ui: await freePort() };
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    EMBEDDED_PG_PORT: String(ports.pg),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  // The cluster went where the server user can reach it (see infra/postgres/embedded-postgres.ts).
  const cluster = path.join(dataDir, 'postgres');
  if ((await lstat(cluster).catch(() => undefined))?.isSymbolicLink()) {
    await rm(await readlink(cluster), { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** Spawns `npm start`'s script; `output` collects what it prints. */
function spawnStart(extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  // Its own process group, like a shell job, so a test can send the terminal's Ctrl-C to the whole group.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...env, ...extraEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

/** Resolves once the output contains `text`; rejects if the process exits first or nothing comes in time. */
function outputShows(started: { child: ChildProcess; output: () => string }, text: string, waitMs = 90_000) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" from npm start:\n${started.output()}`)), waitMs);
    const check = setInterval(() => {
      if (started.output().includes(text)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    started.child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${started.output()}`));
    });
  });
}

async function start(extraEnv: NodeJS.ProcessEnv = {}): Promise<Started> {
  const { child, output } = spawnStart(extraEnv);
  await outputShows({ child, output }, 'Ctrl-C stops everything');
  const out = output();
  const banner = Object.fromEntries(
    [
      ...out.matchAll(
        /^ {2}(Web app|API docs|API|OpenAPI|Health|Temporal UI|Codec endpoint|Deposit key|Payout key|Admin key) +(\S+)/gm,
      ),
    ].map((m) => [m[1]!, m[2]!]),
  );
  return { child, output, banner };
}

/** Sends a signal and waits until the supervisor and everything it started are gone; returns how long it took. */
async function stopAndCheckNothingRemains(started: Started, signalGroup: boolean, signal: NodeJS.Signals) {
  const pid = started.child.pid!;
  const tree = descendantsOf(pid);
  expect(tree.length).toBeGreaterThanOrEqual(4); // PostgreSQL, Temporal, worker, API (and their helpers)
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  const t0 = Date.now();
  process.kill(signalGroup ? -pid : pid, signal);
  await exited;
  const tookMs = Date.now() - t0;
  const deadline = Date.now() + 5_000;
  while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(tree.filter(isAlive)).toEqual([]);
  return tookMs;
}

test('npm start brings every part up, stops on Ctrl-C leaving no process, and finds its data again', async () => {
  const fixedDepositKey = `ps_sandbox_deposit_${randomBytes(24).toString('base64url')}`;
  const first = await start({ DEMO_DEPOSIT_KEY: fixedDepositKey });
  expect(first.banner['Deposit key']).toBe(fixedDepositKey);
  const payoutKey = first.banner['Payout key']!;
  expect(payoutKey).toMatch(/^ps_sandbox_payout_/);

  const api = `http://localhost:${ports.api}`;
  expect(first.banner.API).toBe(api);
  const health = await fetch(`${api}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ checks: { postgres: { status: 'up' }, temporal: { status: 'up' } } });
  expect((await fetch(first.banner['Temporal UI']!)).status).toBe(200);
  // The Web UI decodes payloads through the API's codec server; the token in the endpoint is the credential.
  const codec = first.banner['Codec endpoint']!;
  expect(codec.startsWith(`${api}/codec/t/`)).toBe(true);
  const uiSettings = (await (await fetch(`${first.banner['Temporal UI']}/api/v1/settings`)).json()) as {
    Codec?: { Endpoint?: string };
  };
  expect(uiSettings.Codec?.Endpoint).toBe(codec);
  const decode = (url: string) =>
    fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
  expect((await decode(codec)).status).toBe(200);
  expect((await decode(`${api}/codec`)).status).toBe(401);
  expect((await fetch(first.banner.OpenAPI!)).status).toBe(200);
  expect(first.banner['API docs']).toBe(`${api}/docs`);
  expect((await fetch(first.banner['API docs']!)).status).toBe(200);
  // The web application is built by npm start and served by the API; GET / leads to it.
  expect(first.banner['Web app']).toBe(`${api}/app/`);
  const webApp = await fetch(first.banner['Web app']!);
  expect([webApp.status, await webApp.text()]).toEqual([200, expect.stringContaining('<div id="root">')]);
  expect((await fetch(`${api}/`, { redirect: 'manual' })).headers.get('location')).toBe('/app/');
  // One host name in what start-up prints for people: its own lines and the banner.
  const printed = first
    .output()
    .split('\n')
    .filter((line) => line.startsWith('[start]') || line.startsWith('  '));
  expect(printed.filter((line) => /\b127\.0\.0\.1\b|\[::1\]/.test(line))).toEqual([]);
  expect(first.banner['Temporal UI']).toBe(`http://localhost:${ports.ui}`);
  const balance = await fetch(`${api}/api/v1/integration/balance`, {
    headers: { authorization: `Bearer ${payoutKey}` },
  });
  expect(await balance.json()).toEqual({
    mode: 'sandbox',
    balances: [
      { currency: 'EUR', amount: 5000, available: 5000, held: 0 },
      { currency: 'RUB', amount: 100000, available: 100000, held: 0 },
      { currency: 'USD', amount: 10000, available: 10000, held: 0 },
    ],
  });

  // Something for Temporal to remember across restarts.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
  expect(namespaceInfo?.name).toBe('default');
  await connection.workflowService.startWorkflowExecution({
    namespace: 'default',
    workflowId: 'remember-me',
    requestId: 'remember-me',
    workflowType: { name: 'not-a-real-workflow' },
    taskQueue: { name: 'nobody-polls-this' },
  });
  await connection.close();

  // Every order's history is in Temporal's database file: for its owner's eyes only.
  expect((await stat(path.join(dataDir, 'temporal.db'))).mode & 0o077).toBe(0);

  await stopAndCheckNothingRemains(first, true, 'SIGINT');

  // Second start: same generated payout key, same ledger, same Temporal history; stopped with SIGTERM this time.
  const second = await start();
  expect(second.banner['Payout key']).toBe(payoutKey);
  expect(second.output()).not.toContain('migrations applied');
  const again = await fetch(`${api}/api/v1/integration/balance`, { headers: { authorization: `Bearer ${payoutKey}` } });
  expect(again.status).toBe(200);
  const connection2 = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const described = await connection2.workflowService.describeWorkflowExecution({
    namespace: 'default',
    execution: { workflowId: 'remember-me' },
  });
  expect(described.workflowExecutionInfo?.type?.name).toBe('not-a-real-workflow');
  await connection2.close();

  await stopAndCheckNothingRemains(second, false, 'SIGTERM');
}, 240_000);

/** The process below `root` whose command line contains `part` (a node entry point). */
function processRunning(root: number, part: string): number {
  const found = descendantsOf(root).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(part);
    } catch {
      return false;
    }
  });
  if (found === undefined) throw new Error(`no process runs ${part}`);
  return found;
}

async function healthIsUp(api: string, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const status = await fetch(`${api}/health`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`/health still answers ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('npm start restarts a worker, an API and a PostgreSQL killed with -9, and says so', async () => {
  const started = await start();
  const pid = started.child.pid!;
  const postmaster = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const victims: Array<[string, number]> = [
    ['worker', processRunning(pid, 'workers/main.ts')],
    ['api', processRunning(pid, 'api/main.ts')],
    ['PostgreSQL', postmaster],
  ];
  for (const [name, victim] of victims) {
    process.kill(victim, 'SIGKILL');
    await outputShows(started, `${name} restarted`);
    expect(started.output()).toContain(`${name} exited unexpectedly`);
    await healthIsUp(`http://localhost:${ports.api}`);
  }
  // The new worker polls again: the API's health is up and a new worker process runs.
  expect(processRunning(pid, 'workers/main.ts')).not.toBe(victims[0]![1]);
  expect(started.output()).not.toContain('stopping');
  await stopAndCheckNothingRemains(started, true, 'SIGINT');
}, 240_000);

test('a Ctrl-C while npm start is still starting stops it quietly', async () => {
  const starting = spawnStart();
  // The worker and the API are being started once Temporal is up.
  await outputShows(starting, 'Temporal dev server on');
  await new Promise((r) => setTimeout(r, 500));
  const exited = new Promise<number | null>((resolve) => starting.child.once('exit', resolve));
  const tree = descendantsOf(starting.child.pid!);
  process.kill(-starting.child.pid!, 'SIGINT');
  expect(await exited).toBe(0);
  // After the signal it only says what it stopped: no error, no "exited during start-up".
  const afterSignal = starting.output().split('[start] stopping (SIGINT)')[1];
  expect(afterSignal).toBeDefined();
  const said = afterSignal!.split('\n').filter((line) => line.startsWith('[start]'));
  expect(said.filter((line) => !/ stopped$/.test(line))).toEqual([]);
  expect(starting.output()).not.toMatch(/exited during start-up|start-up failed/);
  const deadline = Date.now() + 5_000;
  while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(tree.filter(isAlive)).toEqual([]);
}, 240_000);
