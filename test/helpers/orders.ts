import type { DataSource } from 'typeorm';

/** The order's history as persisted in PostgreSQL: [seq, code, status]. */
export async function persistedHistory(ds: DataSource, orderId: string): Promise<Array<[number, string, string]>> {
  const rows = (await ds.query(`SELECT seq, code, status FROM order_history WHERE order_id = $1 ORDER BY seq`, [
    orderId,
  ])) as Array<{ seq: number; code: string; status: string }>;
  return rows.map((r) => [r.seq, r.code, r.status]);
}
