import type { DataSource } from 'typeorm';
import { purgeExpiredSecrets } from '../../data/one-time-secrets';
import type { Logger } from '../../infra/logging/logger';

/** How often expired one-time secrets are deleted. Opening refuses them at once; this only frees their rows. */
export const SECRET_PURGE_EVERY_MS = 10 * 60_000;

/**
 * The periodic purge of expired one-time secrets (docs/one-time-secrets.md): one DELETE on the expires_at index
 * every ten minutes in each API process. Several APIs purging at once is harmless (a row is deleted once). A
 * Temporal timer per secret would add a workflow for each secret to do what this one statement does.
 */
export function startSecretPurge(deps: { dataSource: DataSource; logger: Logger }, everyMs = SECRET_PURGE_EVERY_MS) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = purgeExpiredSecrets(deps.dataSource).then(
      (n) => {
        if (n > 0) deps.logger.info({ purged: n }, 'expired one-time secrets purged');
      },
      (err: unknown) => deps.logger.warn({ err: { type: (err as Error)?.name } }, 'one-time secret purge failed'),
    );
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
