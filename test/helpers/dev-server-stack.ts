import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import type { GatewayRegistry } from '../../gateways/connector';
import { cleanUp } from '../../infra/process/cleanup';
import { devKeyring, type Keyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createWorker } from '../../workers/create-worker';
import { fromSetup, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE } from '../setup/services';
import { migratedThrowawayDatabase, testDataSource } from './database';
import { startApi } from './http';

/**
 * What HTTP tests against live orders need: a worker on the run's dev server (real time), the API on loopback on
 * the same task queue, and a Temporal client. `stop` runs the given steps first (e.g. ending pending orders).
 */
export async function startDevServerStack(
  name: string,
  opts: {
    gateways?: (ds: DataSource) => GatewayRegistry;
    keyring?: Keyring;
    taskQueue?: string;
    /** A migrated database of its own instead of the run's shared one, dropped at stop. */
    ownDatabase?: boolean;
  } = {},
) {
  const keyring = opts.keyring ?? devKeyring();
  const taskQueue = opts.taskQueue ?? `${name}-${randomUUID()}`;
  const database = opts.ownDatabase
    ? await migratedThrowawayDatabase(name.replace(/[^a-z0-9]/gi, '_').toLowerCase())
    : await testDataSource().then((shared) => ({ ds: shared, destroy: () => shared.destroy() }));
  const { ds } = database;
  const address = fromSetup(TEST_TEMPORAL_ADDRESS);
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dataSource: ds,
    keyring,
    ...(opts.gateways ? { gateways: opts.gateways(ds) } : {}),
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
    allowPrivateCallbackNetworks: true,
  });
  const workerRun = worker.run();
  const clientConnection = await Connection.connect({ address });
  const client = new Client({
    connection: clientConnection,
    namespace: 'default',
    dataConverter: encryptedDataConverter(keyring),
  });
  const api = await startApi({ dataSource: ds, temporalAddress: address, taskQueue, keyring });
  return {
    taskQueue,
    ds,
    api,
    client,
    stop: (first: Array<() => Promise<unknown>> = []) =>
      cleanUp([
        async () => api.stop(),
        ...first,
        async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await workerRun;
        },
        async () => connection.close(),
        async () => clientConnection.close(),
        async () => database.destroy(),
      ]),
  };
}
