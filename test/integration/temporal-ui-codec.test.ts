import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { freePort } from '../../infra/net';
import { PROJECT_ROOT } from '../../infra/paths';
import { cleanUp } from '../../infra/process/cleanup';
import { devKeyring } from '../../infra/security/keyring';
import { startTemporalDevServer } from '../../infra/temporal/dev-server';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createOrderSetup } from '../../simulation/order-setup';
import { createWorker } from '../../workers/create-worker';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/**
 * The Temporal Web UI, wired to the API's codec server the way `npm start` wires it, shows an order's input
 * decoded in a real browser; the history itself holds only ciphertext, and the endpoint refuses a wrong token.
 */
const TOKEN = 'ui-codec-token-0123456789abcdef';
const EMAIL = 'ui-probe@example.test';
const run = promisify(execFile);

let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
let dev: Awaited<ReturnType<typeof startTemporalDevServer>>;
let native: NativeConnection;
let clientConnection: Connection;
let worker: Worker;
let workerRun: Promise<void>;

beforeAll(async () => {
  ds = await testDataSource();
  const [temporalPort, uiPort] = [await freePort(), await freePort()];
  api = await startApi({
    dataSource: ds,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    taskQueue: 'ui-codec',
    codecUrlToken: TOKEN,
    codecCorsOrigins: [`http://127.0.0.1:${uiPort}`],
  });
  dev = await startTemporalDevServer({
    port: temporalPort,
    uiPort,
    uiCodecEndpoint: `${api.baseUrl}/codec/t/${TOKEN}`,
  });
  native = await NativeConnection.connect({ address: dev.address });
  worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue: 'ui-codec',
    dataSource: ds,
    keyring: devKeyring(),
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
  });
  workerRun = worker.run();
  clientConnection = await Connection.connect({ address: dev.address });
}, 120_000);
afterAll(() =>
  cleanUp([
    async () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    },
    async () => native?.close(),
    async () => clientConnection?.close(),
    async () => api?.stop(),
    async () => dev?.stop(),
    async () => ds?.destroy(),
  ]),
);

test('an operator sees the decoded order input in the Web UI; Temporal keeps only ciphertext', async () => {
  const client = new Client({
    connection: clientConnection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const input = setup.order({ amountMinor: 15_09, requisites: { email: EMAIL } });
  const workflowId = orderWorkflowId('deposit', input.orderId);
  await client.workflow.execute('deposit', { taskQueue: 'ui-codec', workflowId, args: [input] });

  const raw = Buffer.from(JSON.stringify(await client.workflow.getHandle(workflowId).fetchHistory()));
  expect(raw.toString('latin1')).not.toContain(EMAIL);

  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/helpers/browser-text.ts',
      `${dev.uiUrl}/namespaces/default/workflows/${workflowId}`,
      EMAIL,
      '45000',
    ],
    { cwd: PROJECT_ROOT, timeout: 90_000 },
  );
  expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ found: true });
}, 120_000);
