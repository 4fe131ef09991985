import type { EntityManager } from 'typeorm';
import type { KeyMode } from '../domain/order';

/** A DataSource or a transaction's EntityManager: anything that runs raw SQL. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * node-postgres returns bigint and numeric as strings; amounts beyond Number.MAX_SAFE_INTEGER are refused rather
 * than silently rounded (same rule as entities/columns.ts).
 */
export function toSafeInteger(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is not a safe integer`);
  return n;
}

/** One ledger posting, written at most once per idempotency key. */
export interface Posting {
  merchantId: string;
  mode: KeyMode;
  currency: string;
  amountMinor: number;
  kind: 'deposit' | 'payout' | 'commission';
  orderId: string;
  idempotencyKey: string;
}

/** True when this call wrote the posting, false when it already existed. */
export async function insertPosting(q: Queryable, p: Posting): Promise<boolean> {
  const rows: unknown[] = await q.query(
    `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [p.merchantId, p.mode, p.currency, p.amountMinor, p.kind, p.orderId, p.idempotencyKey],
  );
  return rows.length > 0;
}

/** The order's commission as a debit posting (`<orderId>:commission`), once; nothing when there is no commission. */
export async function postCommission(
  q: Queryable,
  order: Pick<Posting, 'merchantId' | 'mode' | 'currency' | 'orderId'>,
  commissionMinor: number,
): Promise<void> {
  if (commissionMinor <= 0) return;
  await insertPosting(q, {
    ...order,
    amountMinor: -commissionMinor,
    kind: 'commission',
    idempotencyKey: `${order.orderId}:commission`,
  });
}
