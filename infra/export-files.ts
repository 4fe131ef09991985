import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

/**
 * Report and order-list files (docs/reports.md), written as they are read: CSV by csv-stringify, XLSX by exceljs'
 * streaming WorkbookWriter (each row committed, so memory stays flat for a million rows). Used by the API's direct
 * downloads and by the background export activity. A table is an async iterable of rows; its columns are given
 * (an empty table still has its header).
 */

export type FileRow = Record<string, unknown>;
export interface FileTable {
  name: string;
  columns: readonly string[];
  rows: AsyncIterable<FileRow> | Iterable<FileRow>;
}

/** Writes the table as CSV to `out` and ends it; resolves with the number of rows once `out` has finished. */
export async function writeCsv(out: Writable, table: FileTable): Promise<number> {
  const csv = stringify({ header: true, columns: [...table.columns] });
  csv.pipe(out);
  let count = 0;
  for await (const row of table.rows) {
    count += 1;
    if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
  }
  csv.end();
  await finished(out);
  return count;
}

/** Writes the tables as an XLSX workbook (one sheet each) to `out`; resolves with the number of rows. */
export async function writeXlsx(out: Writable, tables: readonly FileTable[]): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  let count = 0;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name);
    sheet.columns = table.columns.map((key) => ({ header: key, key }));
    for await (const row of table.rows) {
      count += 1;
      sheet.addRow(row).commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  await finished(out);
  return count;
}
