import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { RoutingRuleEntity } from '../../entities/routing-rule.entity';
import type { RowOf } from '../../entities/rows';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { adminRoute } from './admin-route';
import { audited, auditedDelete } from './audit';
import { Direction, IdParams, scopeOwner, Uuid } from './common-schemas';

/**
 * Routing rules with time windows (seed 004 §7, docs/routing-rules.md): temporary restrictions that lift by
 * themselves when their window ends, unlike the permanent black list. "More than `threshold` failed orders (or
 * attempts) by one card / email / IP / phone / PayeerIdentifier in the last `windowSeconds`", and an action: block
 * (1.2.4.43), lower a gateway to the end of the route, or route to another pipeline or gateway.
 */

const ACTIONS = ['block', 'lower-gateway', 'to-pipeline', 'to-gateway'] as const;
const Requisite = z.enum(['card', 'email', 'ip', 'phone', 'payeerIdentifier']);
const Counts = z
  .enum(['failed', 'attempts'])
  .openapi({ description: '`failed`: orders that ended Failed (blocked ones excepted); `attempts`: every order' });
const Action = z.enum(ACTIONS).openapi({
  description:
    '`block`: fail with 1.2.4.43; `lower-gateway`: move targetGatewayId to the end of the route; ' +
    '`to-pipeline`: route with targetPipelineId; `to-gateway`: route to targetGatewayId alone',
});
const Threshold = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .openapi({ description: 'The rule acts when the count in the window is more than this', example: 3 });
const WindowSeconds = z
  .number()
  .int()
  .min(60)
  .max(30 * 24 * 3600)
  .openapi({ description: 'The window ending at the order, in seconds (1 minute to 30 days)', example: 86400 });
const Description = z.string().trim().max(500).nullable();

const Rule = z
  .object({
    id: Uuid,
    scope: z.enum(['merchant', 'pipeline']),
    merchantId: Uuid.nullable(),
    pipelineId: Uuid.nullable(),
    direction: Direction.nullable().openapi({ description: 'null: both directions' }),
    requisite: Requisite,
    counts: Counts,
    threshold: z.number().int(),
    windowSeconds: z.number().int(),
    action: Action,
    targetGatewayId: Uuid.nullable(),
    targetPipelineId: Uuid.nullable(),
    enabled: z.boolean(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RoutingRule');
type Rule = z.infer<typeof Rule>;

const CreateBody = z
  .strictObject({
    scope: z.enum(['merchant', 'pipeline']),
    merchantId: Uuid.optional(),
    pipelineId: Uuid.optional(),
    direction: Direction.nullable().default(null),
    requisite: Requisite,
    counts: Counts,
    threshold: Threshold,
    windowSeconds: WindowSeconds,
    action: Action,
    targetGatewayId: Uuid.nullable().default(null),
    targetPipelineId: Uuid.nullable().default(null),
    enabled: z.boolean().default(true),
    description: Description.default(null),
  })
  .superRefine((b, ctx) => {
    scopeOwner(b, ctx);
    const problem = targetProblem(b);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

const UpdateBody = z.strictObject({
  direction: Direction.nullable().optional(),
  requisite: Requisite.optional(),
  counts: Counts.optional(),
  threshold: Threshold.optional(),
  windowSeconds: WindowSeconds.optional(),
  action: Action.optional(),
  targetGatewayId: Uuid.nullable().optional(),
  targetPipelineId: Uuid.nullable().optional(),
  enabled: z.boolean().optional(),
  description: Description.optional(),
});

const DeleteQuery = z.object({
  reason: z.string().trim().min(1).max(500).optional().openapi({ description: 'Why the rule is removed (audit log)' }),
});

type Targets = Pick<Rule, 'action' | 'targetGatewayId' | 'targetPipelineId'>;

/** Each action names exactly the target it needs: a gateway, a pipeline, or nothing for `block`. */
function targetProblem(t: Targets): { field: string; message: string } | null {
  const needsGateway = t.action === 'lower-gateway' || t.action === 'to-gateway';
  const needsPipeline = t.action === 'to-pipeline';
  if (needsGateway && t.targetGatewayId === null)
    return { field: 'targetGatewayId', message: `required for ${t.action}` };
  if (!needsGateway && t.targetGatewayId !== null) {
    return { field: 'targetGatewayId', message: `not allowed for ${t.action}` };
  }
  if (needsPipeline && t.targetPipelineId === null) {
    return { field: 'targetPipelineId', message: `required for ${t.action}` };
  }
  if (!needsPipeline && t.targetPipelineId !== null) {
    return { field: 'targetPipelineId', message: `not allowed for ${t.action}` };
  }
  return null;
}

/** A whole row (`SELECT *`). */
type RuleRow = RowOf<RoutingRuleEntity, keyof RoutingRuleEntity>;

const view = (r: RuleRow): Rule => ({
  id: r.id,
  scope: r.scope,
  merchantId: r.merchant_id,
  pipelineId: r.pipeline_id,
  direction: r.direction,
  requisite: r.requisite,
  counts: r.counts,
  threshold: r.threshold,
  windowSeconds: r.window_seconds,
  action: r.action,
  targetGatewayId: r.target_gateway_id,
  targetPipelineId: r.target_pipeline_id,
  enabled: r.enabled,
  description: r.description,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

async function findRule(tx: EntityManager, id: string): Promise<Rule> {
  const [row]: RuleRow[] = await tx.query(`SELECT * FROM routing_rules WHERE id = $1`, [id]);
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no routing rule ${id}`);
  return view(row);
}

/**
 * A rule sends orders only to a pipeline of the merchant whose orders it matches: another merchant's pipeline
 * would pay that merchant's gateways with this merchant's orders.
 */
async function assertOwnPipeline(
  tx: EntityManager,
  rule: Pick<Rule, 'merchantId' | 'pipelineId' | 'targetPipelineId'>,
): Promise<void> {
  if (rule.targetPipelineId === null) return;
  const [row]: Array<{ same: boolean }> = await tx.query(
    `SELECT t.merchant_id = coalesce($2::uuid, (SELECT merchant_id FROM pipelines WHERE id = $3::uuid)) AS same
       FROM pipelines t WHERE t.id = $1`,
    [rule.targetPipelineId, rule.merchantId, rule.pipelineId],
  );
  if (!row) throw new HttpError(404, 'REFERENCE_NOT_FOUND', `no pipeline ${rule.targetPipelineId}`);
  if (!row.same) throw invalidField('targetPipelineId', "must be a pipeline of the rule's merchant");
}

export function routingRulesRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'post',
      path: '/routing-rules',
      summary: 'Add a routing rule: a threshold over a time window, and what to do when it is passed',
      body: CreateBody,
      response: Rule,
      status: 201,
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        await assertOwnPipeline(tx, {
          merchantId: body.merchantId ?? null,
          pipelineId: body.pipelineId ?? null,
          targetPipelineId: body.targetPipelineId,
        });
        const [row]: Array<{ id: string }> = await tx.query(
          `INSERT INTO routing_rules (scope, merchant_id, pipeline_id, direction, requisite, counts, threshold,
                                      window_seconds, action, target_gateway_id, target_pipeline_id, enabled,
                                      description)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
          [
            body.scope,
            body.merchantId ?? null,
            body.pipelineId ?? null,
            body.direction,
            body.requisite,
            body.counts,
            body.threshold,
            body.windowSeconds,
            body.action,
            body.targetGatewayId,
            body.targetPipelineId,
            body.enabled,
            body.description,
          ],
        );
        const after = await findRule(tx, row!.id);
        return {
          result: after,
          changes: [{ action: 'create', entityType: 'routing-rule', entityId: after.id, before: null, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/routing-rules',
      summary: "Routing rules of a merchant (its own and its pipelines') or of a pipeline",
      query: z.object({ merchantId: Uuid.optional(), pipelineId: Uuid.optional() }),
      response: z.object({ items: z.array(Rule) }),
    },
    async ({ query }) => {
      const rows: RuleRow[] = await ds.query(
        `SELECT * FROM routing_rules r
          WHERE ($1::uuid IS NULL OR r.merchant_id = $1
                 OR r.pipeline_id IN (SELECT id FROM pipelines WHERE merchant_id = $1))
            AND ($2::uuid IS NULL OR r.pipeline_id = $2)
          ORDER BY r.created_at, r.id`,
        [query.merchantId ?? null, query.pipelineId ?? null],
      );
      return { items: rows.map(view) };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/routing-rules/{id}',
      summary: 'One routing rule',
      params: IdParams,
      response: Rule,
      errors: { 404: 'No such rule' },
    },
    async ({ params }) => findRule(ds.manager, params.id),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/routing-rules/{id}',
      summary: 'Change a routing rule (effective for the next order; counts already made stay)',
      params: IdParams,
      body: UpdateBody,
      response: Rule,
      errors: { 404: 'No such rule' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findRule(tx, params.id);
        const next = { ...before, ...body };
        // A new action drops the old one's target unless the body names one.
        if (body.action !== undefined && body.action !== before.action) {
          next.targetGatewayId = body.targetGatewayId ?? null;
          next.targetPipelineId = body.targetPipelineId ?? null;
        }
        const problem = targetProblem(next);
        if (problem) throw invalidField(problem.field, problem.message);
        await assertOwnPipeline(tx, next);
        await tx.query(
          `UPDATE routing_rules SET direction = $2, requisite = $3, counts = $4, threshold = $5, window_seconds = $6,
                  action = $7, target_gateway_id = $8, target_pipeline_id = $9, enabled = $10, description = $11,
                  updated_at = now()
            WHERE id = $1`,
          [
            params.id,
            next.direction,
            next.requisite,
            next.counts,
            next.threshold,
            next.windowSeconds,
            next.action,
            next.targetGatewayId,
            next.targetPipelineId,
            next.enabled,
            next.description,
          ],
        );
        const after = await findRule(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'update', entityType: 'routing-rule', entityId: after.id, before, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'delete',
      path: '/routing-rules/{id}',
      summary: 'Delete a routing rule, optionally saying why',
      params: IdParams,
      query: DeleteQuery,
      response: Rule,
      errors: { 404: 'No such rule' },
    },
    async ({ params, query, req }) =>
      auditedDelete(ds, req, {
        table: 'routing_rules',
        entityType: 'routing-rule',
        id: params.id,
        find: findRule,
        note: query.reason ?? null,
      }),
  );
  return router;
}
