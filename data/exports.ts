import { Writable } from 'node:stream';
import type { Queryable } from './ledger';

/**
 * Background exports (docs/reports.md): the one module that writes `exports` and `export_chunks`. A file is kept in
 * PostgreSQL as ordered chunks of at most 1 MiB: the worker that writes it and the API process that serves it share
 * the database and nothing else, a chunk is a row (no large-object bookkeeping, vacuum and backups as usual), and
 * serving streams one chunk at a time.
 */

export const CHUNK_BYTES = 1024 * 1024;

/** The order list's filters, as the export keeps them. Days are days of `timeZone`, both included. */
export interface OrderListFilters {
  merchantId: string | null;
  status?: 'Created' | 'Processing' | 'Success' | 'Failed' | undefined;
  direction?: 'deposit' | 'payout' | undefined;
  currency?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  timeZone: string;
  /** The order list screen's own filters (optional; exports asked for before them have none): created at or after,
   * created before (instants), our id, the merchant's id. */
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  id?: string | undefined;
  externalTransactionId?: string | undefined;
  /** The operators' list's filters (optional too): the gateway, the amount range in minor units, a history code. */
  gatewayId?: string | undefined;
  amountFrom?: number | undefined;
  amountTo?: number | undefined;
  historyCode?: string | undefined;
}

export interface ExportRequest {
  id: string;
  requestedBy: string;
  report: 'orders';
  format: 'csv' | 'xlsx';
  filters: OrderListFilters;
}

export interface ExportRow {
  id: string;
  requested_by: string;
  merchant_id: string | null;
  report: 'orders';
  format: 'csv' | 'xlsx';
  query: OrderListFilters;
  status: 'running' | 'ready' | 'failed';
  rows: string | null;
  bytes: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function insertExport(q: Queryable, e: ExportRequest): Promise<void> {
  await q.query(
    `INSERT INTO exports (id, requested_by, merchant_id, report, format, query) VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.id, e.requestedBy, e.filters.merchantId, e.report, e.format, JSON.stringify(e.filters)],
  );
}

export async function findExport(q: Queryable, id: string): Promise<ExportRow | undefined> {
  const rows: ExportRow[] = await q.query(`SELECT * FROM exports WHERE id = $1`, [id]);
  return rows[0];
}

/** Forgets the chunks of an attempt that did not finish (an activity retried writes the file again from the start). */
export async function resetExport(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM export_chunks WHERE export_id = $1`, [id]);
}

export async function finishExport(q: Queryable, id: string, rows: number, bytes: number): Promise<void> {
  await q.query(`UPDATE exports SET status = 'ready', rows = $2, bytes = $3, finished_at = now() WHERE id = $1`, [
    id,
    rows,
    bytes,
  ]);
}

export async function failExport(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(
    `UPDATE exports SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
    [id, error],
  );
}

/**
 * Deletes, with their chunks, up to `limit` exports that finished before `before` (or started before it and never
 * finished: their worker is long gone); returns how many. The chunks go first, in the same transaction, so a
 * download never finds an export without its file.
 */
export async function deleteExportsBefore(q: Queryable, before: Date, limit = 100): Promise<number> {
  const rows: Array<{ n: number }> = await q.query(
    `WITH expired AS (
       SELECT id FROM exports WHERE coalesce(finished_at, created_at) < $1 ORDER BY created_at LIMIT $2 FOR UPDATE
     ), chunks AS (
       DELETE FROM export_chunks WHERE export_id IN (SELECT id FROM expired)
     ), gone AS (
       DELETE FROM exports WHERE id IN (SELECT id FROM expired) RETURNING id
     )
     SELECT count(*)::int AS n FROM gone`,
    [before, limit],
  );
  return rows[0]?.n ?? 0;
}

/** A stream that stores what is written to it as the export's chunks, in order. */
export function chunkWriter(q: Queryable, id: string): Writable & { bytes: () => number } {
  let pending: Buffer[] = [];
  let size = 0;
  let seq = 0;
  let bytes = 0;
  const flush = async () => {
    if (size === 0) return;
    const data = Buffer.concat(pending);
    pending = [];
    size = 0;
    seq += 1;
    await q.query(`INSERT INTO export_chunks (export_id, seq, data) VALUES ($1, $2, $3)`, [id, seq, data]);
  };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      size += chunk.length;
      bytes += chunk.length;
      if (size < CHUNK_BYTES) return done();
      flush().then(() => done(), done);
    },
    final(done) {
      flush().then(() => done(), done);
    },
  });
  return Object.assign(stream, { bytes: () => bytes });
}

/** The export's chunks, one at a time, in order. */
export async function* readChunks(q: Queryable, id: string): AsyncGenerator<Buffer> {
  for (let seq = 1; ; seq++) {
    const rows: Array<{ data: Buffer }> = await q.query(
      `SELECT data FROM export_chunks WHERE export_id = $1 AND seq = $2`,
      [id, seq],
    );
    if (!rows[0]) return;
    yield rows[0].data;
  }
}

/** The order list's columns in a file. Never card data or the payer's requisites. */
export const ORDER_EXPORT_COLUMNS = [
  'id',
  'merchantId',
  'direction',
  'externalTransactionId',
  'amountMinor',
  'settledAmountMinor',
  'currency',
  'status',
  'mode',
  'method',
  'gatewayId',
  'createdAt',
  'updatedAt',
] as const;
export type OrderExportRow = Record<(typeof ORDER_EXPORT_COLUMNS)[number], string | number | null>;

/** One page of the filtered order list, oldest first, after the keyset (created_at, id) `after`. */
export async function orderPage(
  q: Queryable,
  f: OrderListFilters,
  after: { createdAt: string; id: string } | null,
  limit: number,
): Promise<OrderExportRow[]> {
  const rows: Array<Record<string, string | null>> = await q.query(
    `SELECT id, merchant_id, direction, external_transaction_id, amount_minor::text, settled_amount_minor::text,
            trim(currency) AS currency, status, mode, method, gateway_id,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
       FROM orders
      WHERE ($1::uuid IS NULL OR merchant_id = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR direction = $3) AND ($4::text IS NULL OR currency = $4)
        AND ($5::date IS NULL OR created_at >= ($5::date)::timestamp AT TIME ZONE $7)
        AND ($6::date IS NULL OR created_at < ($6::date + 1)::timestamp AT TIME ZONE $7)
        AND ($8::timestamptz IS NULL OR (created_at, id) > ($8::timestamptz, $9::uuid))
        AND ($11::timestamptz IS NULL OR created_at >= $11::timestamptz)
        AND ($12::timestamptz IS NULL OR created_at < $12::timestamptz)
        AND ($13::uuid IS NULL OR id = $13::uuid)
        AND ($14::text IS NULL OR external_transaction_id = $14)
        AND ($15::uuid IS NULL OR gateway_id = $15::uuid)
        AND ($16::bigint IS NULL OR amount_minor >= $16::bigint)
        AND ($17::bigint IS NULL OR amount_minor <= $17::bigint)
        AND ($18::text IS NULL OR EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = orders.id AND h.code = $18))
      ORDER BY created_at, id LIMIT $10`,
    [
      f.merchantId,
      f.status ?? null,
      f.direction ?? null,
      f.currency ?? null,
      f.from ?? null,
      f.to ?? null,
      f.timeZone,
      after?.createdAt ?? null,
      after?.id ?? null,
      limit,
      f.createdFrom ?? null,
      f.createdTo ?? null,
      f.id ?? null,
      f.externalTransactionId ?? null,
      f.gatewayId ?? null,
      f.amountFrom ?? null,
      f.amountTo ?? null,
      f.historyCode ?? null,
    ],
  );
  return rows.map((r) => ({
    id: r.id!,
    merchantId: r.merchant_id!,
    direction: r.direction!,
    externalTransactionId: r.external_transaction_id!,
    amountMinor: Number(r.amount_minor),
    settledAmountMinor: r.settled_amount_minor === null ? null : Number(r.settled_amount_minor),
    currency: r.currency!,
    status: r.status!,
    mode: r.mode ?? null,
    method: r.method ?? null,
    gatewayId: r.gateway_id ?? null,
    createdAt: r.created_at!,
    updatedAt: r.updated_at!,
  }));
}
