import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { describeStoredCode } from '../../domain/history-codes';
import { Currency, Direction, Timestamp, Uuid } from './common-schemas';

/**
 * What the back office and the merchant cabinet share about orders (issue 16): the list's filters with keyset
 * paging (newest first; a page after the millionth order costs what the first does, indexes orders_created and
 * orders_merchant_created), and an order's timeline with each code in words and each gateway by name.
 */

export const OrderStatus = z.enum(['Created', 'Processing', 'Success', 'Failed']);

/**
 * The position after the last row of a page: its created_at in whole microseconds since 1970 (PostgreSQL keeps
 * microseconds; a JavaScript Date would round them to milliseconds and skip or repeat rows) and its id.
 */
const Cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    try {
      const [micros, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
      if (typeof micros === 'string' && /^\d{1,16}$/.test(micros) && Uuid.safeParse(id).success) {
        return { micros, id: id as string };
      }
    } catch {
      // not ours: below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a nextCursor of an earlier page' });
    return z.NEVER;
  })
  .openapi({ description: 'The `nextCursor` of the page before (keyset paging)', type: 'string' });
const cursorOf = (micros: string, id: string) => Buffer.from(JSON.stringify([micros, id])).toString('base64url');

/** Filters every order list takes; the admin list adds merchantId. */
export const OrderFilters = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: Cursor.optional(),
  status: OrderStatus.optional(),
  direction: Direction.optional(),
  currency: Currency.optional(),
  createdFrom: Timestamp.optional().openapi({ description: 'Created at or after' }),
  createdTo: Timestamp.optional().openapi({ description: 'Created before' }),
  id: Uuid.optional().openapi({ description: 'Our id of the order' }),
  externalTransactionId: z.string().min(1).max(255).optional().openapi({ description: "The merchant's id" }),
});
export type OrderFilters = z.infer<typeof OrderFilters> & { merchantId?: string | undefined };

export const keysetPageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Give it as `cursor` for the next page; null at the end' }),
  });

/**
 * One page of orders, newest first. `columns` are selected from `orders o`; `extraWhere` adds conditions (its
 * parameters numbered after the filters'). Every filter is a plain condition the indexes can serve.
 */
export async function listOrders<R extends { id: string }>(
  ds: DataSource,
  columns: string,
  f: OrderFilters,
  extra: { where?: (param: (v: unknown) => string) => string[] } = {},
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (f.merchantId) where.push(`o.merchant_id = ${param(f.merchantId)}`);
  if (f.status) where.push(`o.status = ${param(f.status)}`);
  if (f.direction) where.push(`o.direction = ${param(f.direction)}`);
  if (f.currency) where.push(`o.currency = ${param(f.currency)}`);
  if (f.createdFrom) where.push(`o.created_at >= ${param(f.createdFrom)}`);
  if (f.createdTo) where.push(`o.created_at < ${param(f.createdTo)}`);
  if (f.id) where.push(`o.id = ${param(f.id)}`);
  if (f.externalTransactionId) where.push(`o.external_transaction_id = ${param(f.externalTransactionId)}`);
  if (f.cursor) {
    const at = `'epoch'::timestamptz + ${param(f.cursor.micros)}::bigint * interval '1 microsecond'`;
    where.push(`(o.created_at, o.id) < (${at}, ${param(f.cursor.id)}::uuid)`);
  }
  where.push(...(extra.where?.(param) ?? []));
  const rows: Array<R & { cursor_micros: string }> = await ds.query(
    `SELECT ${columns}, (extract(epoch FROM o.created_at) * 1000000)::bigint::text AS cursor_micros FROM orders o
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.created_at DESC, o.id DESC LIMIT ${param(f.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ cursor_micros: _, ...r }) => r as unknown as R),
    nextCursor: rows.length > f.limit && last ? cursorOf(last.cursor_micros, last.id) : null,
  };
}

/** One step of an order's timeline as people read it. */
export const TimelineStep = z.object({
  seq: z.number(),
  time: z.string(),
  code: z.string(),
  action: z.string(),
  description: z.string().openapi({ description: 'The code in words' }),
  status: OrderStatus,
  gatewayId: z.string().nullable().openapi({ description: 'The gateway the step is about' }),
  gatewayName: z.string().nullable(),
});

/** The history of one order, oldest first, with each code described and each gateway named. */
export async function orderTimeline(ds: DataSource, orderId: string) {
  const rows: Array<{
    seq: number;
    occurred_at: Date;
    code: string;
    status: z.infer<typeof OrderStatus>;
    details: Record<string, unknown>;
    gateway_id: string | null;
    gateway_name: string | null;
  }> = await ds.query(
    `SELECT h.seq, h.occurred_at, h.code, h.status, h.details, h.gateway_id, g.name AS gateway_name
       FROM order_history h LEFT JOIN gateways g ON g.id = h.gateway_id
      WHERE h.order_id = $1 ORDER BY h.seq`,
    [orderId],
  );
  return rows.map((h) => ({
    step: {
      seq: h.seq,
      time: h.occurred_at.toISOString(),
      code: h.code,
      ...describeStoredCode(h.code),
      status: h.status,
      gatewayId: h.gateway_id,
      gatewayName: h.gateway_name,
    },
    details: h.details,
  }));
}
