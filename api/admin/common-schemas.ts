import { z } from 'zod';
import { isCurrency } from '../../domain/money';
import { invalidField } from '../errors';

/** Building blocks shared by the admin schemas. Amounts are integer minor units, named `…Minor`. */
export const Uuid = z.uuid({ error: 'must be a UUID' });
export const IdParams = z.object({ id: Uuid.openapi({ description: 'The row id' }) });
export const Direction = z.enum(['deposit', 'payout']);
export const KeyMode = z.enum(['sandbox', 'live']);
export const Currency = z
  .string()
  .refine(isCurrency, { error: 'must be a supported ISO 4217 currency code, e.g. USD' })
  .openapi({ example: 'USD' });
export const MinorAmount = z
  .number()
  .int('must be a whole number of minor units')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ description: 'Integer minor units (cents)', example: 10000 });
export const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone' });

/** `limit` and `offset` of list endpoints; answers carry `nextOffset` (null on the last page). */
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextOffset: z.number().int().nullable() });

/** Slices one extra row to tell whether there is a next page. */
export function toPage<T>(rows: T[], page: { limit: number; offset: number }) {
  return {
    items: rows.slice(0, page.limit),
    nextOffset: rows.length > page.limit ? page.offset + page.limit : null,
  };
}

type AmountRange = { minAmountMinor?: number | null; maxAmountMinor?: number | null };
const RANGE_MESSAGE = 'must not be below minAmountMinor';
const isInverted = (v: AmountRange) =>
  v.minAmountMinor != null && v.maxAmountMinor != null && v.minAmountMinor > v.maxAmountMinor;

/** zod refinement: an amount range whose max is below its min is a 400 on `maxAmountMinor`. */
export function amountRange(v: AmountRange, ctx: z.RefinementCtx): void {
  if (isInverted(v)) ctx.addIssue({ code: 'custom', path: ['maxAmountMinor'], message: RANGE_MESSAGE });
}

/** The same check on a row merged with a partial update. */
export function assertAmountRange(v: AmountRange): void {
  if (isInverted(v)) {
    throw invalidField('maxAmountMinor', RANGE_MESSAGE);
  }
}

/** A row scoped `merchant` names only its merchant; one scoped `pipeline` only its pipeline (seed 004's two tabs). */
export function scopeOwner(
  b: { scope: 'merchant' | 'pipeline'; merchantId?: string | undefined; pipelineId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const [needed, other] =
    b.scope === 'merchant' ? (['merchantId', 'pipelineId'] as const) : (['pipelineId', 'merchantId'] as const);
  if (b[needed] === undefined)
    ctx.addIssue({ code: 'custom', path: [needed], message: `required for scope ${b.scope}` });
  if (b[other] !== undefined)
    ctx.addIssue({ code: 'custom', path: [other], message: `not allowed for scope ${b.scope}` });
}

/** A numeric(7,4) percent as PostgreSQL returns it ("2.5000") without the zeros that say nothing ("2.5"). */
export const trimPercent = (text: string): string => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
