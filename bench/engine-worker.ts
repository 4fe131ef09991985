/**
 * The engine's worker as the bench runs it: workers/main.ts, except that the workflows come prebuilt
 * (BENCH_WORKFLOW_BUNDLE), so two workers do not each spend seconds bundling and CPU profiles show only the work.
 * Same createWorker, same options, same environment variables.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { loadConfigOrExit, WorkerEnv } from '../config/env';
import { createDataSource } from '../entities/data-source';
import { createWorker } from '../workers/create-worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit(WorkerEnv.extend({ BENCH_WORKFLOW_BUNDLE: z.string().min(1) }));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataSource = await createDataSource(config.DATABASE_URL, { applicationName: 'paystar-worker' }).initialize();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TASK_QUEUE,
      dataSource,
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      allowPrivateCallbackNetworks: config.MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS,
      workflowBundle: { codePath: config.BENCH_WORKFLOW_BUNDLE },
    });
    // The SDK shuts the worker down on SIGINT/SIGTERM: run() resolves once in-flight tasks are done.
    await worker.run();
  } finally {
    await connection.close();
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
