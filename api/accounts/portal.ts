import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../errors';
import { readBalances } from '../../data/ledger';
import type { ApiDependencies } from '../app';
import {
  blacklistOperations,
  CreateBody,
  DeleteQuery,
  Description,
  Entry,
  Filters,
  RequisiteTypeSchema,
  ScopeSchema,
  UpdateBody,
} from '../admin/blacklist';
import { pageOf, Uuid } from '../admin/common-schemas';
import { keysetPageOf, listOrders, OrderFilters, orderTimeline, TimelineStep } from '../admin/order-list';
import { portalDeveloperRoutes } from './portal-developer';
import { accountRoute, type Authenticator } from './route';
import { PortalOrder } from './schemas';

/**
 * The merchant cabinet (MerchHead, issue 16): a merchant user's own merchant only. Every query is bound to the
 * session's merchant, so another merchant's order, pipeline or black-list entry is 404 even by id.
 */

const Id = z.object({ id: Uuid });
const ORDER_COLUMNS = `o.id, o.external_transaction_id, o.direction, o.amount_minor::text AS amount_minor, o.currency,
  o.status, o.created_at, o.updated_at`;
type OrderRow = {
  id: string;
  external_transaction_id: string;
  direction: 'deposit' | 'payout';
  amount_minor: string;
  currency: string;
  status: 'Created' | 'Processing' | 'Success' | 'Failed';
  created_at: Date;
  updated_at: Date;
};
const portalOrder = (r: OrderRow) => ({
  id: r.id,
  externalTransactionId: r.external_transaction_id,
  direction: r.direction,
  amountMinor: Number(r.amount_minor),
  currency: r.currency.trim(),
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const PortalOrderDetail = PortalOrder.extend({
  history: z.array(TimelineStep.omit({ gatewayId: true })),
}).openapi('PortalOrderDetail');

const Balance = z
  .object({
    mode: z.enum(['sandbox', 'live']),
    currency: z.string(),
    availableMinor: z.number().openapi({ description: 'Ledger balance minus held, minor units' }),
    heldMinor: z.number().openapi({ description: 'Reserved for payouts in flight, minor units' }),
  })
  .openapi('PortalBalance');

const Pipeline = z
  .object({ id: Uuid, name: z.string(), direction: z.enum(['deposit', 'payout']) })
  .openapi('PortalPipeline');

/** The merchant's own black list: no merchantId anywhere (it is the session's); By Pipeline names its pipeline. */
const PortalFilters = Filters.omit({ merchantId: true });
const PortalCreateBody = z
  .strictObject({
    scope: ScopeSchema,
    pipelineId: Uuid.optional(),
    type: RequisiteTypeSchema,
    requisites: z.string().min(1).max(320),
    description: Description.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.scope === 'pipeline' && b.pipelineId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pipelineId'], message: 'required for scope pipeline' });
    }
    if (b.scope === 'merchant' && b.pipelineId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pipelineId'], message: 'not allowed for scope merchant' });
    }
  });
const PortalUpdateBody = z.strictObject({
  scope: ScopeSchema.optional(),
  pipelineId: Uuid.optional(),
  type: RequisiteTypeSchema.optional(),
  requisites: z.string().min(1).max(320).optional(),
  description: Description.optional(),
});
/** The portal's body as the admin API's, the owner being the caller's merchant. */
const withOwner = <B extends { scope?: 'merchant' | 'pipeline' | undefined }>(b: B, merchantId: string) =>
  b.scope === 'merchant' ? { ...b, merchantId } : b;

export function portalRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const ds = deps.dataSource;
  const blacklist = blacklistOperations(deps);
  const mine = { auth: 'session', merchantOnly: true } as const;

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/orders',
      summary: "My merchant's orders, newest first, filtered; keyset paging (give nextCursor as cursor)",
      ...mine,
      action: 'portal:orders:read',
      query: OrderFilters,
      response: keysetPageOf(PortalOrder),
    },
    async ({ query, caller }) => {
      const page = await listOrders<OrderRow>(ds, ORDER_COLUMNS, { ...query, merchantId: caller.merchantId! });
      return { items: page.rows.map(portalOrder), nextCursor: page.nextCursor };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/orders/{id}',
      summary: "One of my merchant's orders with its timeline (another merchant's is 404)",
      ...mine,
      action: 'portal:orders:read',
      params: Id,
      response: PortalOrderDetail,
      errors: { 404: 'No such order of my merchant' },
    },
    async ({ params, caller }) => {
      const [row]: OrderRow[] = await ds.query(
        `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 AND o.merchant_id = $2`,
        [params.id, caller.merchantId],
      );
      if (!row) throw new HttpError(404, 'NOT_FOUND', `no order ${params.id}`);
      const timeline = await orderTimeline(ds, row.id);
      return { ...portalOrder(row), history: timeline.map(({ step: { gatewayId: _, ...step } }) => step) };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/balances',
      summary: "My merchant's available and held balance per mode and currency (minor units)",
      ...mine,
      action: 'portal:balances:read',
      response: z.object({ items: z.array(Balance) }),
    },
    async ({ caller }) => {
      // The running balances (data/ledger.ts), as the merchant API's balance endpoint reads them.
      const items = [];
      for (const mode of ['live', 'sandbox'] as const) {
        for (const balance of await readBalances(ds, caller.merchantId!, mode)) {
          items.push({
            mode,
            currency: balance.currency.trim(),
            availableMinor: Number(balance.availableMinor),
            heldMinor: Number(balance.heldMinor),
          });
        }
      }
      return { items };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/pipelines',
      summary: "My merchant's pipelines (the By Pipeline tab of the black list names them)",
      ...mine,
      action: 'portal:merchant:read',
      response: z.object({ items: z.array(Pipeline) }),
    },
    async ({ caller }) => ({
      items: await ds.query(`SELECT id, name, direction FROM pipelines WHERE merchant_id = $1 ORDER BY name, id`, [
        caller.merchantId,
      ]),
    }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/blacklist',
      summary: "My merchant's black list (seed 004), filtered",
      ...mine,
      action: 'portal:blacklist:read',
      query: PortalFilters,
      response: pageOf(Entry),
    },
    async ({ query, caller }) => blacklist.list({ ...query, merchantId: caller.merchantId! }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/portal/blacklist',
      summary: 'Add an entry to my black list: By Merch (every pipeline of mine) or By Pipeline (one of mine)',
      ...mine,
      action: 'portal:blacklist:write',
      body: PortalCreateBody,
      response: Entry,
      status: 201,
      errors: { 404: 'No such pipeline of mine', 409: 'The same requisite is already blocked there' },
    },
    async ({ body, req, caller }) =>
      blacklist.create(req, CreateBody.parse(withOwner(body, caller.merchantId!)), caller.merchantId!),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'patch',
      path: '/api/v1/portal/blacklist/{id}',
      summary: 'Update an entry of my black list',
      ...mine,
      action: 'portal:blacklist:write',
      params: Id,
      body: PortalUpdateBody,
      response: Entry,
      errors: { 404: 'No such entry (or pipeline) of mine', 409: 'The same requisite is already blocked there' },
    },
    async ({ params, body, req, caller }) => {
      const parsed = UpdateBody.parse(withOwner(body, caller.merchantId!));
      return blacklist.update(req, params.id, parsed, caller.merchantId!);
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'delete',
      path: '/api/v1/portal/blacklist/{id}',
      summary: 'Delete an entry of my black list, saying why',
      ...mine,
      action: 'portal:blacklist:write',
      params: Id,
      query: DeleteQuery,
      response: Entry,
      errors: { 404: 'No such entry of mine' },
    },
    async ({ params, query, req, caller }) => blacklist.remove(req, params.id, query.reason, caller.merchantId!),
  );

  portalDeveloperRoutes(router, auth, deps);
}
