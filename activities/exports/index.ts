import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import {
  chunkWriter,
  failExport,
  findExport,
  finishExport,
  ORDER_EXPORT_COLUMNS,
  orderPage,
  resetExport,
  type OrderExportRow,
  type OrderListFilters,
} from '../../data/exports';
import { writeCsv, writeXlsx, type FileTable } from '../../infra/export-files';

const PAGE = 5_000;

/** Heartbeats when run as an activity (a page at a time), so a stuck writer is retried; nothing outside one. */
function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Called directly (tests, tools): no activity context.
  }
}

/** The filtered order list, page by page (keyset on created_at, id), as the file's rows. */
async function* orderRows(dataSource: DataSource, filters: OrderListFilters): AsyncGenerator<OrderExportRow> {
  let after: { createdAt: string; id: string } | null = null;
  for (let page = 1; ; page++) {
    const rows = await orderPage(dataSource, filters, after, PAGE);
    yield* rows;
    heartbeat({ page });
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE) return;
    after = { createdAt: String(last.createdAt), id: String(last.id) };
  }
}

/**
 * The background export's activities (workflows/export.ts). `buildExport` writes the whole file: idempotent, since a
 * finished export is left as it is and an attempt that did not finish is started again from an empty file (its
 * chunks deleted first). The file is streamed from the pages into chunks in PostgreSQL (data/exports.ts).
 */
export function exportActivities(dataSource: DataSource) {
  return {
    async buildExport(exportId: string): Promise<{ rows: number; bytes: number }> {
      const row = await findExport(dataSource, exportId);
      if (!row) throw new Error(`no export ${exportId}`);
      if (row.status === 'ready') return { rows: Number(row.rows), bytes: Number(row.bytes) };
      await resetExport(dataSource, exportId);
      const out = chunkWriter(dataSource, exportId);
      const table: FileTable = {
        name: 'orders',
        columns: ORDER_EXPORT_COLUMNS,
        rows: orderRows(dataSource, row.query),
      };
      const rows = row.format === 'csv' ? await writeCsv(out, table) : await writeXlsx(out, [table]);
      await finishExport(dataSource, exportId, rows, out.bytes());
      return { rows, bytes: out.bytes() };
    },

    async failExport(exportId: string, error: string): Promise<void> {
      await failExport(dataSource, exportId, error);
    },
  };
}
