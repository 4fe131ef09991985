import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
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
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paystar-start-'));
  await chmod(dataDir, 0o755);
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
  await rm(dataDir, { recursive: true, force: true });
});

async function start(extraEnv: NodeJS.ProcessEnv = {}): Promise<Started> {
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
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 90_000);
    const check = setInterval(() => {
      if (out.includes('Ctrl-C stops everything')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  const banner = Object.fromEntries(
    [
      ...out.matchAll(/^ {2}(API|OpenAPI|Health|Temporal UI|Codec endpoint|Deposit key|Payout key|Admin key) +(\S+)/gm),
    ].map((m) => [m[1]!, m[2]!]),
  );
  return { child, output: () => out, banner };
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
  const balance = await fetch(`${api}/api/v1/integration/balance`, {
    headers: { authorization: `Bearer ${payoutKey}` },
  });
  expect(await balance.json()).toEqual({
    balances: [
      { currency: 'EUR', amount: 5000 },
      { currency: 'RUB', amount: 100000 },
      { currency: 'USD', amount: 10000 },
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

  const ctrlCMs = await stopAndCheckNothingRemains(first, true, 'SIGINT');
  expect(ctrlCMs).toBeLessThan(15_000);

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
