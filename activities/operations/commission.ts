import type { Direction } from '../../domain/order';
import { type Queryable, toSafeInteger } from './sql';

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
 * The commission of an order under the most specific row of its merchant and direction: pipeline and currency >
 * pipeline > currency > neither. The pipeline is the order's (orders.pipeline_id); without one only rows without
 * a pipeline apply. No row: 0.
 */
export async function commissionFor(q: Queryable, s: CommissionSubject): Promise<number> {
  const rows: Array<{ percent: string; fixed_minor: string }> = await q.query(
    `SELECT c.percent::text AS percent, c.fixed_minor::text AS fixed_minor
       FROM commissions c
      WHERE c.merchant_id = $1 AND c.direction = $2
        AND (c.pipeline_id IS NULL OR c.pipeline_id = (SELECT o.pipeline_id FROM orders o WHERE o.id = $3))
        AND (c.currency IS NULL OR c.currency = $4)
      ORDER BY c.pipeline_id IS NULL, c.currency IS NULL
      LIMIT 1`,
    [s.merchantId, s.direction, s.orderId, s.currency],
  );
  const row = rows[0];
  return row ? computeCommission(s.amountMinor, row.percent, toSafeInteger(row.fixed_minor)) : 0;
}
