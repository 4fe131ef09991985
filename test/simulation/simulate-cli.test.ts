import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths';
import { descendantsOf, isAlive } from '../helpers/processes';

/** `npm run simulate` as an engineer runs it: its exit code, its output, and what it leaves behind. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-simulate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function scenarioFile(name: string, yaml: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
}

/** `interruptWhen`: press Ctrl-C (SIGINT to the process group) once the output matches, or send `signal` to it. */
function simulate(
  args: string[],
  opts: { interruptWhen?: RegExp; signal?: { name: NodeJS.Signals; to: 'group' | 'process' } } = {},
) {
  // Its own process group, like a shell job, so the test can send the terminal's Ctrl-C to all of it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const seen: number[] = [];
  let interrupted = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(output)) {
      interrupted = true;
      // Give it a moment to be in the middle of the run, then press Ctrl-C.
      setTimeout(() => {
        seen.push(...descendantsOf(child.pid!));
        const signal = opts.signal ?? { name: 'SIGINT', to: 'group' };
        process.kill(signal.to === 'group' ? -child.pid! : child.pid!, signal.name);
      }, 1500);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise<{ code: number | null; output: string; descendants: number[] }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output, descendants: seen })),
  );
}

const ONE_DEPOSIT = `
name: one deposit
merchants: { shop: { routes: { deposit: [gw] } } }
gateways: { gw: {} }
orders:
  - id: paid
    merchant: shop
    direction: deposit
    amount: 10.00
    expect: { status: Failed }
`;

test('an invalid scenario file: exit 2, every problem named, no server started', async () => {
  const file = await scenarioFile('invalid.yaml', ONE_DEPOSIT.replace('gw: {}', 'gw: { down: sometimes }'));
  const { code, output } = await simulate([file]);
  expect(code).toBe(2);
  expect(output).toContain('invalid scenario');
  expect(output).toMatch(/gateways\.gw\.down: /);
});

test('an expectation that does not hold: the timeline, the failure, exit 1', async () => {
  const file = await scenarioFile('failing.yaml', ONE_DEPOSIT);
  const { code, output } = await simulate([file]);
  expect(output).toMatch(/\+0d 00:00:\d\d\.\d{3} +1\.1\.1\.00 +PS \| Create — SUCCESS/);
  expect(output).toContain('1.1.3.84');
  expect(output).toContain('✗ status is Success, expected Failed');
  expect(output).toContain('FAIL: some expectations do not hold');
  expect(code).toBe(1);
});

test('Ctrl-C in the middle of a run stops PostgreSQL and the time-skipping server, exit 130', async () => {
  const file = await scenarioFile(
    'long.yaml',
    `
name: weeks of payments that never resolve
merchants: { shop: { routes: { deposit: [gw] } } }
gateways: { gw: { sandbox: pending-forever } }
orders:
  - { id: stuck, merchant: shop, direction: deposit, amount: 10.00, repeat: { count: 30, every: 1d } }
`,
  );
  const { code, output, descendants } = await simulate([file], { interruptWhen: /bundle ready/ });
  expect(output).toContain('SIGINT: stopping');
  expect(code).toBe(130);
  expect(descendants.length).toBeGreaterThan(0); // PostgreSQL at least was running
  // Members of the group got the Ctrl-C too and may take a moment more to be gone.
  const deadline = Date.now() + 5_000;
  while (descendants.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(descendants.filter(isAlive)).toEqual([]);
});

test('SIGTERM to the process alone during a fuzz run stops its time-skipping server too, exit 130', async () => {
  // After the first batch, so orders are in flight: their calls fail as the servers stop, which must not change
  // the exit code.
  const { code, output, descendants } = await simulate(['--fuzz', '100', '--seed', '1'], {
    interruptWhen: /25\/100 orders/,
    signal: { name: 'SIGTERM', to: 'process' },
  });
  expect(output).toContain('SIGTERM: stopping');
  expect(code).toBe(130);
  // PostgreSQL and the Java test server; only the process got the signal, so it had to stop them itself.
  expect(descendants.length).toBeGreaterThan(1);
  const deadline = Date.now() + 5_000;
  while (descendants.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(descendants.filter(isAlive)).toEqual([]);
});
