/** `npm run api`: the HTTP API for TEMPORAL_ADDRESS and DATABASE_URL. Stops cleanly on SIGINT/SIGTERM. */
import { ApiEnv, loadConfigOrExit } from '../config/env';
import { createDataSource } from '../entities/data-source';
import { createLogger } from '../infra/logging/logger';
import { Keyring } from '../infra/security/keyring';
import { createApp } from './app';
import { startPurges } from './purges';
import { startOrderReconciler } from './orders/reconciler';
import { connectTemporal } from './temporal-connections';

async function main(): Promise<void> {
  const config = loadConfigOrExit(ApiEnv);
  const logger = createLogger('api', config.LOG_LEVEL);
  const dataSource = await createDataSource(config.DATABASE_URL, { applicationName: 'paystar-api' }).initialize();
  const keyring = Keyring.parse(config.MASTER_KEYS);
  const temporal = connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, keyring);
  const payformLifetimeMs = config.PAYFORM_LIFETIME_SECONDS && config.PAYFORM_LIFETIME_SECONDS * 1000;
  const server = createApp({
    dataSource,
    temporal,
    logger,
    taskQueue: config.TASK_QUEUE,
    secretsKey: config.SECRETS_KEY,
    adminKey: config.ADMIN_KEY,
    keyring,
    codecCorsOrigins: config.CODEC_CORS_ORIGINS?.split(',').map((o) => o.trim()),
    codecUrlToken: config.CODEC_URL_TOKEN,
    payformLifetimeMs,
    payformCardTries: config.PAYFORM_CARD_TRIES,
    temporalUiUrl: config.TEMPORAL_UI_URL,
  }).listen(config.PORT, () => logger.info({ port: config.PORT }, 'api listening'));
  // Orders whose workflow never started (an API died between the insert and the start) are started from here.
  const reconciler = startOrderReconciler({
    dataSource,
    temporal,
    taskQueue: config.TASK_QUEUE,
    logger,
    keyring,
    payformLifetimeMs,
    payformCardTries: config.PAYFORM_CARD_TRIES,
  });
  // Expired one-time secrets and export files are deleted here.
  const purges = startPurges({ dataSource, logger, exportRetentionDays: config.EXPORT_RETENTION_DAYS });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    server.close(() => {
      void Promise.all([reconciler.stop(), purges.stop()])
        .then(() => Promise.allSettled([temporal.close(), dataSource.destroy()]))
        .then(() => process.exit(0));
    });
    server.closeIdleConnections();
    // Requests still in flight get a few seconds, then the process goes anyway.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
