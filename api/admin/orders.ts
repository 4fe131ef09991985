import { Router } from 'express';
import { z } from 'zod';
import { CODES } from '../../domain/history-codes';
import { callbackAttemptsOf } from '../../data/callback-deliveries';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { unauthenticatedTraffic } from '../unauthenticated-traffic';
import { adminRoute } from './admin-route';
import { Direction, HistoryCode, IdParams, trimPercent, Uuid } from './common-schemas';
import {
  keysetPageOf,
  listOrders,
  OrderFilters,
  OrderStatus as Status,
  orderTimeline,
  TimelineStep,
} from './order-list';
import type { OrderEntity } from '../../entities/order.entity';
import type { RowOf } from '../../entities/rows';

/**
 * The operator's view of orders: what the merchant sees plus what the engine knows — pipeline, gateway, the fee it
 * was accepted with, and each history entry's details (which gateway was tried, which limit or black-list entry
 * stopped it). Read from PostgreSQL; the Temporal Web UI shows the same order as a workflow (docs/admin-api.md).
 */

const OrderSummary = z.object({
  id: Uuid,
  merchantId: Uuid,
  pipelineId: Uuid.nullable(),
  direction: Direction,
  externalTransactionId: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  status: Status,
  mode: z.string().nullable(),
  gatewayId: Uuid.nullable().openapi({ description: 'The gateway that has (or last had) the payment' }),
  workflowId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const AdminOrder = OrderSummary.extend({
  method: z.string().nullable(),
  cardMask: z.string().nullable(),
  commission: z.object({ percent: z.string(), fixedMinor: z.number() }).nullable(),
  merchantName: z.string(),
  gatewayName: z.string().nullable(),
  history: z.array(TimelineStep.extend({ details: z.record(z.string(), z.unknown()) })),
  temporalUiUrl: z.string().nullable().openapi({
    description: "The order's workflow in the Temporal Web UI (docs/temporal-web-ui.md); null when not configured",
  }),
  unauthenticatedTraffic: z
    .array(
      z.object({
        kind: z.enum(['refused-callback', 'payform-visit', 'payform-submit', 'payform-refused', 'payform-activity']),
        count: z.number().int(),
        signalled: z.number().int().openapi({ description: "How many reached the order's workflow" }),
        firstAt: z.string(),
        lastAt: z.string(),
      }),
    )
    .openapi({
      description:
        'Requests anyone can make about the order (refused gateway callbacks, payment-page visits and ' +
        'submissions): past a small budget they no longer reach the workflow, and this is their summary',
    }),
}).openapi('AdminOrder');

const CallbackAttempt = z
  .object({
    eventId: z.string(),
    attempt: z.number().int(),
    url: z.string().openapi({ description: 'Scheme, host and path; a query string is shown as `?…`' }),
    outcome: z.enum(['delivered', 'failed']),
    code: z.string().nullable().openapi({ description: 'Why a failed attempt failed (a history code)' }),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    attemptedAt: z.string(),
  })
  .openapi('MerchantCallbackAttempt');

type OrderRow = RowOf<
  OrderEntity,
  | 'id'
  | 'merchantId'
  | 'pipelineId'
  | 'direction'
  | 'externalTransactionId'
  | 'amountMinor'
  | 'currency'
  | 'status'
  | 'mode'
  | 'gatewayId'
  | 'workflowId'
  | 'createdAt'
  | 'updatedAt'
  | 'method'
  | 'cardMask'
  | 'commissionPercent'
  | 'commissionFixedMinor',
  'amountMinor' | 'commissionFixedMinor'
>;
const COLUMNS = `id, merchant_id, pipeline_id, direction, external_transaction_id, amount_minor::text AS amount_minor,
  currency, status, mode, gateway_id, workflow_id, created_at, updated_at, method, card_mask,
  commission_percent::text AS commission_percent, commission_fixed_minor::text AS commission_fixed_minor`;
const summary = (r: OrderRow) => ({
  id: r.id,
  merchantId: r.merchant_id,
  pipelineId: r.pipeline_id,
  direction: r.direction,
  externalTransactionId: r.external_transaction_id,
  amountMinor: Number(r.amount_minor),
  currency: r.currency.trim(),
  status: r.status,
  mode: r.mode,
  gatewayId: r.gateway_id,
  workflowId: r.workflow_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * The history codes that put an order on an operator's list: `open` — it entered reconciliation (1.0.2.75) and is
 * not final yet; `review` — a gateway answer contradicted its final status (1.0.3.78 second success, 1.0.4.78
 * success on a failed order), whether the workflow flagged it or a late callback did after it closed.
 */
const RECONCILIATION_CODES = {
  open: [CODES.RECONCILIATION],
  review: [CODES.REVIEW_SECOND_SUCCESS, CODES.REVIEW_LATE_SUCCESS],
} as const;

const Minor = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const ListQuery = OrderFilters.extend({
  merchantId: Uuid.optional(),
  gatewayId: Uuid.optional().openapi({ description: 'The gateway that has (or last had) the payment' }),
  amountFrom: Minor.optional().openapi({ description: 'Amount at least this, in minor units' }),
  amountTo: Minor.optional().openapi({ description: 'Amount at most this, in minor units' }),
  historyCode: HistoryCode.optional(),
  reconciliation: z
    .enum(['open', 'review'])
    .optional()
    .openapi({
      description:
        '`open`: orders in reconciliation (outcome unknown past the deadline), `review`: orders flagged for ' +
        'operations (a gateway contradicted the final status)',
    }),
});

/**
 * Up to this many orders with a history code, the list starts from them; above, it walks the list probing each.
 * Measured at 1,000,000 orders (npm run bench:order-list): fetching a code's orders by id costs about 56 µs each,
 * walking the list about 18 µs per order walked (51 × total / matching for a page), equal near 4,000.
 */
const FEW_ORDERS_OF_A_CODE = 5_000;

/**
 * The condition of the history-code filter, chosen by how many orders have the code (counted up to a bound from
 * index order_history_code, a few milliseconds). A rare code (a black-listed card, 1 order in 1,000) is looked up
 * first and its orders fetched by id: walking the newest-first list and probing each order would read a thousand
 * orders per match (1.9 s at 1,000,000 orders, docs/web-app.md). A common code fills a page within the first few
 * thousand orders of the walk, which then costs less than fetching and sorting all of its orders.
 */
export async function historyCodeFilter(
  ds: ApiDependencies['dataSource'],
  code: string,
  few = FEW_ORDERS_OF_A_CODE,
): Promise<(param: (v: unknown) => string) => string> {
  const [counted]: Array<{ n: number }> = await ds.query(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM order_history WHERE code = $1 LIMIT $2) x`,
    [code, few + 1],
  );
  return (param) =>
    (counted?.n ?? 0) <= few
      ? `o.id = ANY(ARRAY(SELECT order_id FROM order_history WHERE code = ${param(code)}))`
      : `EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = o.id AND h.code = ${param(code)})`;
}

export function adminOrdersRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'get',
      path: '/orders',
      summary:
        'Orders across merchants, newest first, filtered; or the orders operators must look at (reconciliation). ' +
        "Keyset paging: give the answer's nextCursor as cursor",
      query: ListQuery,
      response: keysetPageOf(OrderSummary.extend({ merchantName: z.string() })),
    },
    async ({ query }) => {
      const codeFilter = query.historyCode && (await historyCodeFilter(ds, query.historyCode));
      const { rows, nextCursor } = await listOrders<OrderRow & { merchant_name: string }>(
        ds,
        `${COLUMNS}, (SELECT name FROM merchants m WHERE m.id = o.merchant_id) AS merchant_name`,
        query,
        {
          where: (param) => [
            ...(query.reconciliation
              ? [
                  `o.id IN (SELECT order_id FROM order_history WHERE code = ANY(${param(RECONCILIATION_CODES[query.reconciliation])}::text[]))`,
                  ...(query.reconciliation === 'open' ? [`o.status NOT IN ('Success', 'Failed')`] : []),
                ]
              : []),
            // Index orders_gateway_created serves the gateway's pages as orders_merchant_created a merchant's.
            ...(query.gatewayId ? [`o.gateway_id = ${param(query.gatewayId)}`] : []),
            ...(query.amountFrom !== undefined ? [`o.amount_minor >= ${param(query.amountFrom)}`] : []),
            ...(query.amountTo !== undefined ? [`o.amount_minor <= ${param(query.amountTo)}`] : []),
            ...(codeFilter ? [codeFilter(param)] : []),
          ],
        },
      );
      return { items: rows.map((r) => ({ ...summary(r), merchantName: r.merchant_name })), nextCursor };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/orders/{id}',
      summary: 'An order with its full history and the details of each step',
      params: IdParams,
      response: AdminOrder,
      errors: { 404: 'No such order' },
    },
    async ({ params }) => {
      const [row]: OrderRow[] = await ds.query(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [params.id]);
      if (!row) throw new HttpError(404, 'NOT_FOUND', `no order ${params.id}`);
      const names: Array<{ merchant: string; gateway: string | null }> = await ds.query(
        `SELECT (SELECT name FROM merchants WHERE id = $1) AS merchant, (SELECT name FROM gateways WHERE id = $2) AS gateway`,
        [row.merchant_id, row.gateway_id],
      );
      const timeline = await orderTimeline(ds, params.id);
      return {
        ...summary(row),
        unauthenticatedTraffic: await unauthenticatedTraffic(ds).summary(params.id),
        method: row.method,
        cardMask: row.card_mask,
        commission:
          row.commission_percent === null
            ? null
            : { percent: trimPercent(row.commission_percent), fixedMinor: Number(row.commission_fixed_minor ?? 0) },
        merchantName: names[0]!.merchant,
        gatewayName: names[0]!.gateway,
        history: timeline.map((h) => ({ ...h.step, details: h.details })),
        temporalUiUrl: deps.temporalUiUrl
          ? `${deps.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(
              deps.temporal.client.options.namespace,
            )}/workflows/${encodeURIComponent(row.workflow_id)}`
          : null,
      };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/orders/{id}/callbacks',
      summary: "The order's merchant-callback attempts, oldest first (what was sent where, and what came back)",
      params: IdParams,
      response: z.object({ items: z.array(CallbackAttempt) }),
      errors: { 404: 'No such order' },
    },
    async ({ params }) => {
      const [row]: Array<{ id: string }> = await ds.query(`SELECT id FROM orders WHERE id = $1`, [params.id]);
      if (!row) throw new HttpError(404, 'NOT_FOUND', `no order ${params.id}`);
      return { items: await callbackAttemptsOf(ds, params.id) };
    },
  );
  return router;
}
