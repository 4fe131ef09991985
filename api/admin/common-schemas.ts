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
/** A history code as a filter: orders whose history has it. */
export const HistoryCode = z
  .string()
  .regex(/^\d\.\d\.\d\.\d{2}$/, 'must be a history code such as 1.2.4.42')
  .openapi({ description: 'Orders whose history has this code (docs/history-codes.md)', example: '1.2.4.42' });
/**
 * An ISO 8601 date-time with a zone that PostgreSQL can take: a real calendar day, an offset within ±15:59. Passed
 * on as UTC, so the database never sees the client's spelling.
 */
export const Timestamp = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone' })
  .refine(isStorableTimestamp, { error: 'must be a real date-time with an offset between -15:59 and +15:59' })
  .transform((v) => new Date(v).toISOString());

function isStorableTimestamp(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T.*?(?:Z|([+-])(\d{2}):?(\d{2}))$/i.exec(value);
  if (!m) return true; // not a date-time at all: the format check above says so, once
  if (Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return false;
  return m[4] === undefined || (Number(m[5]) <= 15 && Number(m[6]) <= 59);
}

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
