import type { Logger } from '../../infra/logging/logger';

/** One kind of row that expires: what it is called in the log, how often it is purged, and the purge itself. */
export interface PurgeJob {
  what: string;
  everyMs: number;
  /** Deletes what has expired; returns how many rows went. */
  purge(): Promise<number>;
}

/**
 * Runs a purge on an interval in each API process: one DELETE statement by time, so several APIs purging at once
 * is harmless (a row is deleted once). A Temporal timer per row would add a workflow for each row to do what one
 * statement does. A failed purge is logged and tried again at the next interval.
 */
export function startPeriodicPurge(logger: Logger, job: PurgeJob) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = job.purge().then(
      (n) => {
        if (n > 0) logger.info({ purged: n }, `${job.what} purged`);
      },
      (err: unknown) => logger.warn({ err: { type: (err as Error)?.name } }, `${job.what} purge failed`),
    );
  }, job.everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
