/** `npm run worker`: a worker process for TEMPORAL_ADDRESS and DATABASE_URL. Stops cleanly on SIGINT/SIGTERM. */
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit, WorkerEnv } from '../config/env';
import { createDataSource } from '../entities/data-source';
import { createLogger, temporalLogger } from '../infra/logging/logger';
import { Keyring } from '../infra/security/keyring';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit(WorkerEnv);
  const log = createLogger('worker', config.LOG_LEVEL);
  // The SDK logs its workflow bundling at INFO, dozens of lines per start; its warnings are what operators need.
  // Its native core's warnings are forwarded to the same logger instead of going to the console on their own.
  const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  Runtime.install({
    logger: temporalLogger(log, verbose ? 'DEBUG' : 'WARN'),
    telemetryOptions: { logging: { filter: { core: verbose ? 'DEBUG' : 'WARN', other: 'ERROR' }, forward: {} } },
  });
  const dataSource = await createDataSource(config.DATABASE_URL, { applicationName: 'paystar-worker' }).initialize();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TASK_QUEUE,
      dataSource,
      keyring: Keyring.parse(config.MASTER_KEYS),
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      allowPrivateCallbackNetworks: config.MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS,
      ...(config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {}),
    });
    log.info({ taskQueue: config.TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker running');
    // The SDK shuts the worker down on SIGINT/SIGTERM: run() resolves once in-flight tasks are done.
    await worker.run();
    log.info('worker stopped');
  } finally {
    await connection.close();
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
