import type { DataSource } from 'typeorm';

/** One ledger posting; the idempotency key makes a retried posting a no-op. */
export interface LedgerPostingRequest {
  merchantId: string;
  currency: string;
  amountMinor: number;
  kind: string;
  orderId: string | null;
  idempotencyKey: string;
}

/** Ledger postings, exactly once per idempotency key. */
export function ledgerActivities(dataSource: DataSource) {
  return {
    /** Returns true when this call wrote the posting, false when an earlier attempt already had. */
    async postLedger(p: LedgerPostingRequest): Promise<boolean> {
      const rows: unknown[] = await dataSource.query(
        `INSERT INTO ledger_postings (merchant_id, currency, amount_minor, kind, order_id, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [p.merchantId, p.currency, p.amountMinor, p.kind, p.orderId, p.idempotencyKey],
      );
      return rows.length > 0;
    },
  };
}
