import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertPosting } from '../../data/ledger';
import type { Direction, KeyMode, OrderStatus } from '../../domain/order';

export { createGateway, createMerchant, createPipeline } from './merchants';

/** An order row as the order-recording activity would write it, with an explicit creation time if given. */
export async function insertOrder(
  ds: DataSource,
  o: {
    merchantId: string;
    pipelineId?: string | null;
    direction: Direction;
    amountMinor: number;
    currency?: string;
    status?: OrderStatus;
    createdAt?: string;
    mode?: KeyMode;
  },
): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, merchant_id, pipeline_id, direction, external_transaction_id, amount_minor, currency,
                         status, workflow_id, created_at, mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()), $11)`,
    [
      id,
      o.merchantId,
      o.pipelineId ?? null,
      o.direction,
      `ext-${id}`,
      o.amountMinor,
      o.currency ?? 'USD',
      o.status ?? 'Created',
      `${o.direction}-${id}`,
      o.createdAt ?? null,
      o.mode ?? null,
    ],
  );
  return id;
}

/** Puts money on a merchant's ledger (an opening balance, not tied to an order), sandbox unless said. */
export async function fundMerchant(
  ds: DataSource,
  merchantId: string,
  currency: string,
  amountMinor: number | bigint,
  mode: KeyMode = 'sandbox',
) {
  // Through the ledger's owner, so the running balance moves with the posting.
  await insertPosting(ds, {
    merchantId,
    mode,
    currency,
    amountMinor,
    kind: 'adjustment',
    orderId: null,
    idempotencyKey: `test-funding:${randomUUID()}`,
  });
}

/** The merchant's ledger postings, oldest first. */
export async function postingsOf(ds: DataSource, merchantId: string) {
  const rows: Array<{ kind: string; amount_minor: string; idempotency_key: string; order_id: string | null }> =
    await ds.query(
      `SELECT kind, amount_minor, idempotency_key, order_id FROM ledger_postings WHERE merchant_id = $1 ORDER BY id`,
      [merchantId],
    );
  return rows.map((r) => ({ ...r, amount_minor: Number(r.amount_minor) }));
}
