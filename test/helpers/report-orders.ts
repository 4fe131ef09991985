import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Final orders as the engine leaves them, written directly (test set-up, docs/data-ownership.md): the order row, its
 * history (created, the hosted form's payer codes, a create per gateway of the cascade with a decline before each
 * cascade, the final answer with the PSP's code) and, for a success, the ledger's postings at the final time.
 */
export interface ReportOrderSpec {
  merchantId: string;
  direction: 'deposit' | 'payout';
  currency: string;
  amountMinor: number;
  commissionMinor: number;
  status: 'Success' | 'Failed';
  /** The route's gateways tried, in order; the last decides. */
  gateways: string[];
  createdAt: Date;
  finalAt: Date;
  /** A Failed order's final decline code and the PSP's raw code. */
  declineCode?: string;
  pspCode?: string;
  form?: { visited: boolean; submitted: boolean; cancelled: boolean; refusals: number };
}

export async function writeFinalOrder(ds: DataSource, s: ReportOrderSpec): Promise<string> {
  const id = randomUUID();
  const last = s.gateways[s.gateways.length - 1] ?? null;
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                         workflow_id, gateway_id, created_at, updated_at, mode, method, flow)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'live', 'card', $12)`,
    [
      id,
      s.merchantId,
      s.direction,
      `ext-${id}`,
      s.amountMinor,
      s.currency,
      s.status,
      `${s.direction}-${id}`,
      last,
      s.createdAt,
      s.finalAt,
      s.form ? 'h2c' : 'h2h',
    ],
  );
  const entries: Array<[string, string, string | null, Record<string, string>]> = [['1.1.1.00', 'Created', null, {}]];
  if (s.form) {
    entries.push(['3.1.1.00', 'Created', null, {}]);
    if (s.form.visited) entries.push(['3.0.1.51', 'Created', null, {}]);
    for (let i = 0; i < s.form.refusals; i++) entries.push(['3.2.1.59', 'Created', null, {}]);
    if (s.form.submitted) entries.push(['3.1.1.55', 'Created', null, {}]);
    if (s.form.cancelled) entries.push(['3.0.4.54', 'Failed', null, {}]);
    else if (!s.form.submitted) entries.push(['1.2.4.73', 'Failed', null, {}]);
  }
  s.gateways.forEach((gw, i) => {
    entries.push(['2.1.2.00', 'Processing', gw, {}]);
    if (i < s.gateways.length - 1) {
      entries.push(['2.2.4.62', 'Processing', gw, { pspCode: 'card_not_supported' }]);
      entries.push(['1.0.1.71', 'Processing', gw, {}]);
    }
  });
  if (last && s.status === 'Success') entries.push(['5.1.3.00', 'Success', last, {}]);
  if (last && s.status === 'Failed') {
    entries.push([s.declineCode ?? '2.2.4.63', 'Failed', last, s.pspCode ? { pspCode: s.pspCode } : {}]);
  }
  for (const [i, [code, status, gw, details]] of entries.entries()) {
    const final = status === s.status && i === entries.findIndex(([, st]) => st === s.status);
    await ds.query(
      `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`,
      [id, i + 1, code, status, final || i === entries.length - 1 ? s.finalAt : s.createdAt, details, gw],
    );
  }
  if (s.status === 'Success') await postMoney(ds, id, s);
  return id;
}

/** The ledger's postings of a successful order, at its final time. */
export async function postMoney(ds: DataSource, orderId: string, s: ReportOrderSpec): Promise<void> {
  const principal = s.direction === 'deposit' ? s.amountMinor : -s.amountMinor;
  for (const [kind, amount] of [
    [s.direction, principal],
    ['commission', -s.commissionMinor],
  ] as const) {
    if (amount === 0) continue;
    await ds.query(
      `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key,
                                    created_at)
       VALUES ($1, 'live', $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
      [s.merchantId, s.currency, amount, kind, orderId, `${orderId}:${kind}`, s.finalAt],
    );
  }
}
