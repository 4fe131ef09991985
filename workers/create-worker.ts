import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { type Activities, createActivities } from '../activities';
import { createGatewayRegistry } from '../gateways';
import type { GatewayRegistry } from '../gateways/connector';
import type { Keyring } from '../infra/security/keyring';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';

/** Path of the workflow entry point, for bundling. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * A worker running every workflow and activity of the engine on one task queue. Horizontal scale is more of
 * these processes on the same queue.
 */
export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataSource: DataSource;
  /** The master keys: Temporal payloads are encrypted under them, and the card vault is opened with them. */
  keyring: Keyring;
  maxConcurrentActivityTaskExecutions?: number;
  /** Workflows kept in memory between tasks; 0 replays every task from history. */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles the workflows itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Merchant callbacks to loopback and private networks: only for tests and the local demo. */
  allowPrivateCallbackNetworks?: boolean;
  /** The connectors; the ones this build ships when absent (tests add observing ones). */
  gateways?: GatewayRegistry;
  /** Lets fault-injection tests wrap activities (lose an answer, crash after a side effect). */
  wrapActivities?: (activities: Activities) => Activities;
}): Promise<Worker> {
  const activities = createActivities({
    dataSource: opts.dataSource,
    gateways: opts.gateways ?? createGatewayRegistry(opts.dataSource),
    allowPrivateCallbackNetworks: opts.allowPrivateCallbackNetworks ?? false,
    keyring: opts.keyring,
  });
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter: encryptedDataConverter(opts.keyring),
    activities: opts.wrapActivities ? opts.wrapActivities(activities) : activities,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions,
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
}
