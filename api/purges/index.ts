import type { DataSource } from 'typeorm';
import { deleteExportsBefore } from '../../data/exports';
import { purgeExpiredSecrets } from '../../data/one-time-secrets';
import type { Logger } from '../../infra/logging/logger';
import { startPeriodicPurge } from './periodic-purge';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How long an export's file is kept after it was written, unless EXPORT_RETENTION_DAYS says otherwise. */
export const DEFAULT_EXPORT_RETENTION_DAYS = 7;

/**
 * What the API deletes once it has expired: one-time secrets (already refused when opened; this frees their rows,
 * docs/one-time-secrets.md) and export files older than the retention (docs/reports.md).
 */
export function startPurges(deps: {
  dataSource: DataSource;
  logger: Logger;
  exportRetentionDays?: number | undefined;
}) {
  const retentionMs = (deps.exportRetentionDays ?? DEFAULT_EXPORT_RETENTION_DAYS) * DAY;
  const purges = [
    startPeriodicPurge(deps.logger, {
      what: 'expired one-time secrets',
      everyMs: 10 * MINUTE,
      purge: () => purgeExpiredSecrets(deps.dataSource),
    }),
    startPeriodicPurge(deps.logger, {
      what: 'expired export files',
      everyMs: 60 * MINUTE,
      purge: () => deleteExportsBefore(deps.dataSource, new Date(Date.now() - retentionMs)),
    }),
  ];
  return { stop: () => Promise.all(purges.map((p) => p.stop())).then(() => undefined) };
}
