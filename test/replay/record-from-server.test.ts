import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { PROJECT_ROOT } from '../../infra/paths';
import { cleanUp } from '../../infra/process/cleanup';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createOrderSetup, type OrderSetup } from '../../simulation/order-setup';
import { createWorker } from '../../workers/create-worker';
import { testDataSource } from '../helpers/database';
import { fromSetup, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/**
 * `npm run record-histories -- --address …` against a running server (the run's dev server, real time): closed
 * workflows become fixtures the replay suite can replay; running ones are left alone.
 */
const run = promisify(execFile);
let ds: DataSource;
let client: Client;
let clientConnection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
let setup: OrderSetup;
let dir: string;
const taskQueue = `record-from-server-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  const address = fromSetup(TEST_TEMPORAL_ADDRESS);
  ds = await testDataSource();
  dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-record-'));
  workerConnection = await NativeConnection.connect({ address });
  worker = await createWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    dataSource: ds,
    keyring: devKeyring(),
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
  });
  workerRun = worker.run();
  clientConnection = await Connection.connect({ address });
  client = new Client({
    connection: clientConnection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  setup = await createOrderSetup(ds, { direction: 'deposit' });
});

afterAll(() =>
  cleanUp([
    async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    },
    async () => workerConnection.close(),
    async () => clientConnection.close(),
    async () => ds.destroy(),
    async () => rm(dir, { recursive: true, force: true }),
  ]),
);

const record = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/record-histories.ts', '--dir', dir, ...args], {
    cwd: PROJECT_ROOT,
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);

test('closed workflows by id or by query become fixtures that replay; a running one is skipped', async () => {
  // .09: paid in the answer to the create, so the order closes within a second of real time.
  const paid = setup.order({ amountMinor: 10_09 });
  const paidId = orderWorkflowId('deposit', paid.orderId);
  await client.workflow.execute('deposit', { taskQueue, workflowId: paidId, args: [paid] });
  // .08: pending for ever, still running while it is recorded.
  const pending = setup.order({ amountMinor: 10_08 });
  const pendingId = orderWorkflowId('deposit', pending.orderId);
  const pendingHandle = await client.workflow.start('deposit', { taskQueue, workflowId: pendingId, args: [pending] });
  try {
    const address = fromSetup(TEST_TEMPORAL_ADDRESS);
    const byId = await record(['--address', address, paidId, pendingId]);
    expect(byId.stdout).toContain(`recorded ${path.relative(PROJECT_ROOT, path.join(dir, `${paidId}.json`))}`);
    expect(byId.stdout).toContain(`skipped ${pendingId}: still running`);

    // Visibility (what --query searches) may lag a closed workflow by a moment.
    let byQuery = { stdout: '' };
    for (let i = 0; i < 10 && !byQuery.stdout.includes('recorded'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      byQuery = await record([
        '--address',
        address,
        '--query',
        `WorkflowId = "${paidId}" AND ExecutionStatus = "Completed"`,
        '--overwrite',
      ]);
    }
    expect(byQuery.stdout).toContain(`recorded`);
    expect(await readdir(dir)).toEqual([`${paidId}.json`]);

    const history: unknown = JSON.parse(await readFile(path.join(dir, `${paidId}.json`), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        {
          workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
          dataConverter: encryptedDataConverter(devKeyring()),
        },
        history,
        paidId,
      ),
    ).resolves.toBeUndefined();
  } finally {
    await pendingHandle.terminate('test over');
  }
});

test('workflow ids without --address are refused', async () => {
  const result = (await record(['deposit-x'])) as { code?: number; stderr: string };
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('workflow ids need --address');
});
