/**
 * The ceiling's worker process: the ceiling workflow (prebuilt, WORKFLOW_BUNDLE) and its no-op activities on
 * the ceiling's task queue, with the worker options the engine's worker gets (workers/create-worker.ts).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { loadConfigOrExit, TemporalEnv, WorkerEnv } from '../../config/env';
import { Keyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { ceilingActivities } from './activities';

async function main(): Promise<void> {
  const config = loadConfigOrExit(
    TemporalEnv.extend({
      WORKER_MAX_CONCURRENT_ACTIVITIES: WorkerEnv.shape.WORKER_MAX_CONCURRENT_ACTIVITIES,
      WORKFLOW_BUNDLE: z.string().min(1),
      MASTER_KEYS: WorkerEnv.shape.MASTER_KEYS,
    }),
  );
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TASK_QUEUE,
      activities: ceilingActivities,
      // The engine's worker encrypts payloads: the ceiling pays the same cost.
      dataConverter: encryptedDataConverter(Keyring.parse(config.MASTER_KEYS)),
      workflowBundle: { codePath: config.WORKFLOW_BUNDLE },
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    });
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
