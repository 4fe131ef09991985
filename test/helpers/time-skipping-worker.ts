import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../activities';
import { devKeyring } from '../../infra/security/keyring';
import { createWorker } from '../../workers/create-worker';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/** A worker with the real activities (real PostgreSQL, sandbox gateways) on a fresh task queue of `env`. */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  dataSource: DataSource,
  opts: {
    taskQueue?: string;
    wrapActivities?: (activities: Activities) => Activities;
    maxCachedWorkflows?: number;
  } = {},
) {
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataSource,
    keyring: devKeyring(),
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
    wrapActivities: opts.wrapActivities,
    allowPrivateCallbackNetworks: true, // the merchant endpoints of tests listen on loopback
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
  return { worker, taskQueue };
}
