import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { CASCADE_POLICY, SAME_GATEWAY_RETRY_DELAYS_MS } from '../../domain/cascade-policy';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminRoute } from './admin-route';
import { audited } from './audit';
import { amountRange, assertAmountRange, Currency, Direction, IdParams, MinorAmount, Uuid } from './common-schemas';
import type { PipelineEntity } from '../../entities/pipeline.entity';
import type { RowOf } from '../../entities/rows';

/**
 * Pipelines and their routing: the ordered gateways an order may try, each with conditions on currency, amount and
 * method and an enabled flag, and the pipeline's cascade settings. Changes apply to orders created afterwards; an
 * order in flight keeps the route it resolved when it started.
 */

const Method = z.enum(['card', 'p2p', 'token']);
const Route = z
  .object({
    id: Uuid,
    position: z.number().int(),
    gatewayId: Uuid,
    gatewayName: z.string(),
    gatewayEnabled: z.boolean(),
    enabled: z.boolean(),
    currency: z.string().nullable(),
    minAmountMinor: z.number().nullable(),
    maxAmountMinor: z.number().nullable(),
    method: Method.nullable(),
  })
  .openapi('Route');
const Pipeline = z
  .object({
    id: Uuid,
    merchantId: Uuid,
    direction: Direction,
    name: z.string(),
    cascadeEnabled: z.boolean().openapi({ description: 'Off: an order tries only the first matching gateway' }),
    maxGateways: z.number().int().nullable().openapi({ description: 'At most this many gateways per order' }),
    createdAt: z.string(),
    routes: z.array(Route).openapi({ description: 'In cascade order' }),
  })
  .openapi('Pipeline');
type Pipeline = z.infer<typeof Pipeline>;

const CascadeSettings = {
  cascadeEnabled: z.boolean(),
  maxGateways: z.number().int().min(1).max(50).nullable(),
};
const CreateBody = z.strictObject({
  merchantId: Uuid,
  direction: Direction,
  name: z.string().trim().min(1).max(200),
  cascadeEnabled: CascadeSettings.cascadeEnabled.default(true),
  maxGateways: CascadeSettings.maxGateways.default(null),
});
const UpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  cascadeEnabled: CascadeSettings.cascadeEnabled.optional(),
  maxGateways: CascadeSettings.maxGateways.optional(),
});
const RouteConditions = {
  enabled: z.boolean(),
  currency: Currency.nullable().openapi({ description: 'null: any currency' }),
  minAmountMinor: MinorAmount.nullable().openapi({ description: 'Inclusive; null: no lower bound' }),
  maxAmountMinor: MinorAmount.nullable().openapi({ description: 'Inclusive; null: no upper bound' }),
  method: Method.nullable().openapi({ description: 'null: any method' }),
};
const RouteInput = z
  .strictObject({
    gatewayId: Uuid,
    enabled: RouteConditions.enabled.default(true),
    currency: RouteConditions.currency.default(null),
    minAmountMinor: RouteConditions.minAmountMinor.default(null),
    maxAmountMinor: RouteConditions.maxAmountMinor.default(null),
    method: RouteConditions.method.default(null),
  })
  .superRefine(amountRange);
const RoutesBody = z.strictObject({
  routes: z.array(RouteInput).max(50).openapi({ description: 'The whole route, in cascade order' }),
});
const RouteUpdateBody = z
  .strictObject({
    enabled: RouteConditions.enabled.optional(),
    currency: RouteConditions.currency.optional(),
    minAmountMinor: RouteConditions.minAmountMinor.optional(),
    maxAmountMinor: RouteConditions.maxAmountMinor.optional(),
    method: RouteConditions.method.optional(),
  })
  .superRefine(amountRange);
const RouteParams = z.object({ id: Uuid, routeId: Uuid });

type PipelineRow = RowOf<
  PipelineEntity,
  'id' | 'merchantId' | 'direction' | 'name' | 'cascadeEnabled' | 'maxGateways' | 'createdAt'
>;
interface RouteRow {
  id: string;
  position: number;
  gateway_id: string;
  gateway_name: string;
  gateway_enabled: boolean;
  enabled: boolean;
  currency: string | null;
  min_amount_minor: string | null;
  max_amount_minor: string | null;
  method: 'card' | 'p2p' | 'token' | null;
}
const amount = (v: string | null) => (v === null ? null : Number(v));

async function findPipeline(tx: EntityManager, id: string): Promise<Pipeline> {
  const [p]: PipelineRow[] = await tx.query(
    `SELECT id, merchant_id, direction, name, cascade_enabled, max_gateways, created_at FROM pipelines WHERE id = $1`,
    [id],
  );
  if (!p) throw new HttpError(404, 'NOT_FOUND', `no pipeline ${id}`);
  const routes: RouteRow[] = await tx.query(
    `SELECT r.id, r.position, r.gateway_id, g.name AS gateway_name, g.enabled AS gateway_enabled, r.enabled,
            trim(r.currency) AS currency, r.min_amount_minor::text AS min_amount_minor,
            r.max_amount_minor::text AS max_amount_minor, r.method
       FROM routes r JOIN gateways g ON g.id = r.gateway_id
      WHERE r.pipeline_id = $1 ORDER BY r.position`,
    [id],
  );
  return {
    id: p.id,
    merchantId: p.merchant_id,
    direction: p.direction,
    name: p.name,
    cascadeEnabled: p.cascade_enabled,
    maxGateways: p.max_gateways,
    createdAt: p.created_at.toISOString(),
    routes: routes.map((r) => ({
      id: r.id,
      position: r.position,
      gatewayId: r.gateway_id,
      gatewayName: r.gateway_name,
      gatewayEnabled: r.gateway_enabled,
      enabled: r.enabled,
      currency: r.currency,
      minAmountMinor: amount(r.min_amount_minor),
      maxAmountMinor: amount(r.max_amount_minor),
      method: r.method,
    })),
  };
}

export function pipelinesRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const changed = (action: 'create' | 'update' | 'replace', before: Pipeline | null, after: Pipeline) => ({
    result: after,
    changes: [{ action, entityType: 'pipeline', entityId: after.id, before, after }],
  });

  adminRoute(
    router,
    {
      method: 'post',
      path: '/pipelines',
      summary: 'Create a pipeline of a merchant for one direction',
      body: CreateBody,
      response: Pipeline,
      status: 201,
      errors: { 409: 'The merchant has a pipeline of that direction and name' },
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        const [row]: Array<{ id: string }> = await tx.query(
          `INSERT INTO pipelines (merchant_id, direction, name, cascade_enabled, max_gateways)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [body.merchantId, body.direction, body.name, body.cascadeEnabled, body.maxGateways],
        );
        return changed('create', null, await findPipeline(tx, row!.id));
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/pipelines',
      summary: "A merchant's pipelines with their routes",
      query: z.object({ merchantId: Uuid }),
      response: z.object({ items: z.array(Pipeline) }),
    },
    async ({ query }) => {
      const rows: Array<{ id: string }> = await ds.query(
        `SELECT id FROM pipelines WHERE merchant_id = $1 ORDER BY created_at, id`,
        [query.merchantId],
      );
      return { items: await Promise.all(rows.map((r) => findPipeline(ds.manager, r.id))) };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/pipelines/{id}',
      summary: 'A pipeline and its route',
      params: IdParams,
      response: Pipeline,
      errors: { 404: 'No such pipeline' },
    },
    async ({ params }) => findPipeline(ds.manager, params.id),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/pipelines/{id}',
      summary: 'Rename a pipeline or change its cascade settings',
      params: IdParams,
      body: UpdateBody,
      response: Pipeline,
      errors: { 404: 'No such pipeline' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findPipeline(tx, params.id);
        await tx.query(`UPDATE pipelines SET name = $2, cascade_enabled = $3, max_gateways = $4 WHERE id = $1`, [
          params.id,
          body.name ?? before.name,
          body.cascadeEnabled ?? before.cascadeEnabled,
          body.maxGateways === undefined ? before.maxGateways : body.maxGateways,
        ]);
        return changed('update', before, await findPipeline(tx, params.id));
      }),
  );

  adminRoute(
    router,
    {
      method: 'put',
      path: '/pipelines/{id}/routes',
      summary: 'Replace the route of a pipeline: its gateways in cascade order, with their conditions',
      params: IdParams,
      body: RoutesBody,
      response: Pipeline,
      errors: { 404: 'No such pipeline or gateway' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        // Serialises concurrent replacements of the same route.
        await tx.query(`SELECT id FROM pipelines WHERE id = $1 FOR UPDATE`, [params.id]);
        const before = await findPipeline(tx, params.id);
        await tx.query(`DELETE FROM routes WHERE pipeline_id = $1`, [params.id]);
        for (const [position, r] of body.routes.entries()) {
          await tx.query(
            `INSERT INTO routes (pipeline_id, gateway_id, position, enabled, currency, min_amount_minor,
                                 max_amount_minor, method)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [params.id, r.gatewayId, position, r.enabled, r.currency, r.minAmountMinor, r.maxAmountMinor, r.method],
          );
        }
        return changed('replace', before, await findPipeline(tx, params.id));
      }),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/pipelines/{id}/routes/{routeId}',
      summary: 'Enable or disable one route, or change its conditions',
      params: RouteParams,
      body: RouteUpdateBody,
      response: Pipeline,
      errors: { 404: 'No such route in this pipeline' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findPipeline(tx, params.id);
        const route = before.routes.find((r) => r.id === params.routeId);
        if (!route) throw new HttpError(404, 'NOT_FOUND', `no route ${params.routeId} in pipeline ${params.id}`);
        const next = { ...route, ...body };
        assertAmountRange(next);
        await tx.query(
          `UPDATE routes SET enabled = $2, currency = $3, min_amount_minor = $4, max_amount_minor = $5, method = $6
            WHERE id = $1`,
          [route.id, next.enabled, next.currency, next.minAmountMinor, next.maxAmountMinor, next.method],
        );
        return changed('update', before, await findPipeline(tx, params.id));
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/cascade-policy',
      summary: 'What the engine does after each kind of gateway decline (engine-wide, read-only)',
      response: z.object({
        declineDecisions: z.record(z.string(), z.enum(['retry', 'check', 'next', 'stop'])),
        sameGatewayRetryDelaysMs: z.array(z.number()),
        otherReasons: z.literal('stop'),
      }),
    },
    async () => ({
      declineDecisions: { ...CASCADE_POLICY },
      sameGatewayRetryDelaysMs: [...SAME_GATEWAY_RETRY_DELAYS_MS],
      otherReasons: 'stop' as const,
    }),
  );
  return router;
}
