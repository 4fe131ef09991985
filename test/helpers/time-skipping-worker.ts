import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createWorker } from '../../workers/create-worker';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/** A worker with the real activities (real PostgreSQL, sandbox gateways) on a fresh task queue of `env`. */
export async function createTestWorker(env: TestWorkflowEnvironment, dataSource: DataSource) {
  const taskQueue = `test-${randomUUID()}`;
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataSource,
    workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
  });
  return { worker, taskQueue };
}
