import type { Direction } from '../domain/order';
import { type Queryable, toSafeInteger } from './ledger';

const PERCENT_SCALE = 10_000n; // numeric(7,4): four decimal places

/**
 * `amountMinor × percent / 100`, rounded half-up to a whole minor unit, plus `fixedMinor`. Exact: the percent
 * stays a decimal string and the arithmetic is done in integers.
 */
export function computeCommission(amountMinor: number, percent: string, fixedMinor: number): number {
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(percent.trim());
  if (!match) throw new RangeError(`commission percent ${percent} is not a decimal with at most 4 places`);
  const scaled = BigInt(match[1]!) * PERCENT_SCALE + BigInt((match[2] ?? '').padEnd(4, '0'));
  const numerator = BigInt(amountMinor) * scaled;
  const denominator = 100n * PERCENT_SCALE;
  let minor = numerator / denominator;
  if ((numerator % denominator) * 2n >= denominator) minor += 1n;
  return toSafeInteger(String(minor)) + fixedMinor;
}

/** The order whose commission is asked for. */
export interface CommissionSubject {
  orderId: string;
  merchantId: string;
  direction: Direction;
  currency: string;
  amountMinor: number;
}

/**
 * The most specific commission row of a merchant and direction for a pipeline and currency: pipeline and currency >
 * pipeline > currency > neither. A lateral subquery, so that order creation can fix the terms in its own INSERT.
 * The placeholders name the SQL expressions of the merchant, direction, pipeline (may be NULL) and currency.
 */
export function mostSpecificCommissionSql(merchant: string, direction: string, pipeline: string, currency: string) {
  return `SELECT c.percent, c.fixed_minor
            FROM commissions c
           WHERE c.merchant_id = ${merchant} AND c.direction = ${direction}
             AND (c.pipeline_id IS NULL OR c.pipeline_id = ${pipeline})
             AND (c.currency IS NULL OR c.currency = ${currency})
           ORDER BY c.pipeline_id IS NULL, c.currency IS NULL
           LIMIT 1`;
}

/**
 * The commission of an order. Its terms are those fixed when the order was accepted (orders.commission_percent and
 * commission_fixed_minor, written by the API), so a commission changed while the order is in flight does not
 * change its price. Orders without fixed terms (created before they existed, or not through the API) use the most
 * specific row now in force for the order's pipeline; without a pipeline only rows without one apply. No row: 0.
 */
export async function commissionFor(q: Queryable, s: CommissionSubject): Promise<number> {
  const rows: Array<{ percent: string | null; fixed_minor: string | null }> = await q.query(
    `SELECT coalesce(o.commission_percent, c.percent)::text AS percent,
            coalesce(o.commission_fixed_minor, c.fixed_minor)::text AS fixed_minor
       FROM (SELECT 1) AS one
       LEFT JOIN orders o ON o.id = $3
       LEFT JOIN LATERAL (${mostSpecificCommissionSql('$1', '$2', 'o.pipeline_id', '$4')}) c ON true`,
    [s.merchantId, s.direction, s.orderId, s.currency],
  );
  const row = rows[0];
  if (!row || row.percent === null || row.fixed_minor === null) return 0;
  return computeCommission(s.amountMinor, row.percent, toSafeInteger(row.fixed_minor));
}
