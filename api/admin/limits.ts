import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminRoute } from './admin-route';
import { audited, auditedDelete } from './audit';
import {
  amountRange,
  assertAmountRange,
  scopeOwner,
  Currency,
  Direction,
  IdParams,
  MinorAmount,
  Uuid,
} from './common-schemas';
import type { LimitEntity } from '../../entities/limit.entity';
import type { RowOf } from '../../entities/rows';

/**
 * Limits of a merchant (all its pipelines) or of one pipeline, per direction and currency: min and max amount,
 * daily volume, daily count (UTC days). A null value is no limit. An order that breaks one fails with 1.2.4.32,
 * naming the limit in its details (docs/operations.md).
 */

const Values = {
  minAmountMinor: MinorAmount.nullable(),
  maxAmountMinor: MinorAmount.nullable(),
  dailyVolumeMinor: MinorAmount.nullable(),
  dailyCount: z.number().int().min(0).max(2_147_483_647).nullable(),
};
const Limit = z
  .object({
    id: Uuid,
    scope: z.enum(['merchant', 'pipeline']),
    merchantId: Uuid.nullable(),
    pipelineId: Uuid.nullable(),
    direction: Direction,
    currency: z.string(),
    ...Values,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Limit');
type Limit = z.infer<typeof Limit>;

const CreateBody = z
  .strictObject({
    scope: z.enum(['merchant', 'pipeline']),
    merchantId: Uuid.optional(),
    pipelineId: Uuid.optional(),
    direction: Direction,
    currency: Currency,
    minAmountMinor: Values.minAmountMinor.default(null),
    maxAmountMinor: Values.maxAmountMinor.default(null),
    dailyVolumeMinor: Values.dailyVolumeMinor.default(null),
    dailyCount: Values.dailyCount.default(null),
  })
  .superRefine((b, ctx) => {
    scopeOwner(b, ctx);
    amountRange(b, ctx);
  });
const UpdateBody = z
  .strictObject({
    minAmountMinor: Values.minAmountMinor.optional(),
    maxAmountMinor: Values.maxAmountMinor.optional(),
    dailyVolumeMinor: Values.dailyVolumeMinor.optional(),
    dailyCount: Values.dailyCount.optional(),
  })
  .superRefine(amountRange);

type LimitRow = RowOf<
  LimitEntity,
  | 'id'
  | 'scope'
  | 'merchantId'
  | 'pipelineId'
  | 'direction'
  | 'currency'
  | 'minAmountMinor'
  | 'maxAmountMinor'
  | 'dailyVolumeMinor'
  | 'dailyCount'
  | 'createdAt'
  | 'updatedAt',
  'minAmountMinor' | 'maxAmountMinor' | 'dailyVolumeMinor'
>;
const amount = (v: string | null) => (v === null ? null : Number(v));
const view = (r: LimitRow): Limit => ({
  id: r.id,
  scope: r.scope,
  merchantId: r.merchant_id,
  pipelineId: r.pipeline_id,
  direction: r.direction,
  currency: r.currency.trim(),
  minAmountMinor: amount(r.min_amount_minor),
  maxAmountMinor: amount(r.max_amount_minor),
  dailyVolumeMinor: amount(r.daily_volume_minor),
  dailyCount: r.daily_count,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
const COLUMNS = `id, scope, merchant_id, pipeline_id, direction, currency, min_amount_minor::text AS min_amount_minor,
  max_amount_minor::text AS max_amount_minor, daily_volume_minor::text AS daily_volume_minor, daily_count,
  created_at, updated_at`;

async function findLimit(tx: EntityManager, id: string): Promise<Limit> {
  const [row]: LimitRow[] = await tx.query(`SELECT ${COLUMNS} FROM limits WHERE id = $1`, [id]);
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no limit ${id}`);
  return view(row);
}

export function limitsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'post',
      path: '/limits',
      summary: 'Set limits for a merchant or a pipeline, one direction and currency',
      body: CreateBody,
      response: Limit,
      status: 201,
      errors: { 409: 'This owner already has limits for the direction and currency: update them' },
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        const [row]: Array<{ id: string }> = await tx.query(
          `INSERT INTO limits (scope, merchant_id, pipeline_id, direction, currency, min_amount_minor, max_amount_minor,
                               daily_volume_minor, daily_count)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [
            body.scope,
            body.merchantId ?? null,
            body.pipelineId ?? null,
            body.direction,
            body.currency,
            body.minAmountMinor,
            body.maxAmountMinor,
            body.dailyVolumeMinor,
            body.dailyCount,
          ],
        );
        const after = await findLimit(tx, row!.id);
        return {
          result: after,
          changes: [{ action: 'create', entityType: 'limit', entityId: after.id, before: null, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/limits',
      summary: "Limits of a merchant (its own and its pipelines') or of a pipeline",
      query: z.object({ merchantId: Uuid.optional(), pipelineId: Uuid.optional() }),
      response: z.object({ items: z.array(Limit) }),
    },
    async ({ query }) => {
      const rows: LimitRow[] = await ds.query(
        `SELECT ${COLUMNS} FROM limits l
          WHERE ($1::uuid IS NULL OR l.merchant_id = $1
                 OR l.pipeline_id IN (SELECT id FROM pipelines WHERE merchant_id = $1))
            AND ($2::uuid IS NULL OR l.pipeline_id = $2)
          ORDER BY l.created_at, l.id`,
        [query.merchantId ?? null, query.pipelineId ?? null],
      );
      return { items: rows.map(view) };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/limits/{id}',
      summary: 'One limit row',
      params: IdParams,
      response: Limit,
      errors: { 404: 'No such limit' },
    },
    async ({ params }) => findLimit(ds.manager, params.id),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/limits/{id}',
      summary: 'Change limits (null removes one)',
      params: IdParams,
      body: UpdateBody,
      response: Limit,
      errors: { 404: 'No such limit' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findLimit(tx, params.id);
        const next = { ...before, ...body };
        assertAmountRange(next);
        await tx.query(
          `UPDATE limits SET min_amount_minor = $2, max_amount_minor = $3, daily_volume_minor = $4, daily_count = $5,
                             updated_at = now()
            WHERE id = $1`,
          [params.id, next.minAmountMinor, next.maxAmountMinor, next.dailyVolumeMinor, next.dailyCount],
        );
        const after = await findLimit(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'update', entityType: 'limit', entityId: after.id, before, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'delete',
      path: '/limits/{id}',
      summary: 'Remove a limit row',
      params: IdParams,
      response: Limit,
      errors: { 404: 'No such limit' },
    },
    async ({ params, req }) =>
      auditedDelete(ds, req, { table: 'limits', entityType: 'limit', id: params.id, find: findLimit }),
  );
  return router;
}
