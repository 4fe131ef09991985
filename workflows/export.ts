import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * A background export (docs/reports.md): one activity writes the whole file (paging the rows, streaming them into
 * chunks in PostgreSQL, heartbeating per page); a writer that stops heartbeating is retried from an empty file. When
 * it gives up, the export is marked failed so the person asking sees it. Deterministic: no I/O here.
 */
const files = wf.proxyActivities<Activities>({
  startToCloseTimeout: '2h',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});
const bookkeeping = wf.proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export interface ExportInput {
  exportId: string;
}

export async function exportFile(input: ExportInput): Promise<{ rows: number; bytes: number }> {
  try {
    return await files.buildExport(input.exportId);
  } catch (err) {
    await bookkeeping.failExport(input.exportId, 'the file could not be written; ask for it again');
    throw err;
  }
}
