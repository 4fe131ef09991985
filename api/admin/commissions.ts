import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminRoute } from './admin-route';
import { audited, auditedDelete } from './audit';
import { Currency, Direction, IdParams, MinorAmount, trimPercent, Uuid } from './common-schemas';
import type { CommissionEntity } from '../../entities/commission.entity';
import type { RowOf } from '../../entities/rows';

/**
 * A merchant's fees per direction: `percent` of the amount (half-up to a minor unit) plus `fixedMinor`, optionally
 * for one pipeline and/or currency; the most specific row applies. An order's fee is fixed when it is accepted.
 */

const Percent = z
  .union([z.number(), z.string()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d{1,3}(\.\d{1,4})?$/.test(v) && Number(v) <= 100, {
    error: 'must be a decimal from 0 to 100 with at most 4 decimal places',
  })
  .openapi({ type: 'string', description: 'Percent of the amount, e.g. "2.5"', example: '2.5' });

const Commission = z
  .object({
    id: Uuid,
    merchantId: Uuid,
    pipelineId: Uuid.nullable().openapi({ description: 'null: any pipeline' }),
    direction: Direction,
    currency: z.string().nullable().openapi({ description: 'null: any currency' }),
    percent: z.string(),
    fixedMinor: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Commission');
type Commission = z.infer<typeof Commission>;

const CreateBody = z.strictObject({
  merchantId: Uuid,
  pipelineId: Uuid.nullable().default(null),
  direction: Direction,
  currency: Currency.nullable().default(null),
  percent: Percent.default('0'),
  fixedMinor: MinorAmount.default(0),
});
const UpdateBody = z.strictObject({ percent: Percent.optional(), fixedMinor: MinorAmount.optional() });

type CommissionRow = RowOf<
  CommissionEntity,
  'id' | 'merchantId' | 'pipelineId' | 'direction' | 'currency' | 'percent' | 'fixedMinor' | 'createdAt' | 'updatedAt',
  'fixedMinor'
>;
const view = (r: CommissionRow): Commission => ({
  id: r.id,
  merchantId: r.merchant_id,
  pipelineId: r.pipeline_id,
  direction: r.direction,
  currency: r.currency?.trim() ?? null,
  percent: trimPercent(r.percent),
  fixedMinor: Number(r.fixed_minor),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
const COLUMNS = `id, merchant_id, pipeline_id, direction, currency, percent::text AS percent,
  fixed_minor::text AS fixed_minor, created_at, updated_at`;

async function findCommission(tx: EntityManager, id: string): Promise<Commission> {
  const [row]: CommissionRow[] = await tx.query(`SELECT ${COLUMNS} FROM commissions WHERE id = $1`, [id]);
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no commission ${id}`);
  return view(row);
}

export function commissionsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'post',
      path: '/commissions',
      summary: 'Set a commission of a merchant',
      body: CreateBody,
      response: Commission,
      status: 201,
      errors: { 409: 'A commission for the same merchant, direction, pipeline and currency exists: update it' },
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        const [row]: Array<{ id: string }> = await tx.query(
          `INSERT INTO commissions (merchant_id, pipeline_id, direction, currency, percent, fixed_minor)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [body.merchantId, body.pipelineId, body.direction, body.currency, body.percent, body.fixedMinor],
        );
        const after = await findCommission(tx, row!.id);
        return {
          result: after,
          changes: [{ action: 'create', entityType: 'commission', entityId: after.id, before: null, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/commissions',
      summary: "A merchant's commissions",
      query: z.object({ merchantId: Uuid }),
      response: z.object({ items: z.array(Commission) }),
    },
    async ({ query }) => {
      const rows: CommissionRow[] = await ds.query(
        `SELECT ${COLUMNS} FROM commissions WHERE merchant_id = $1 ORDER BY created_at, id`,
        [query.merchantId],
      );
      return { items: rows.map(view) };
    },
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/commissions/{id}',
      summary: 'Change a commission (orders already accepted keep their fee)',
      params: IdParams,
      body: UpdateBody,
      response: Commission,
      errors: { 404: 'No such commission' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findCommission(tx, params.id);
        await tx.query(`UPDATE commissions SET percent = $2, fixed_minor = $3, updated_at = now() WHERE id = $1`, [
          params.id,
          body.percent ?? before.percent,
          body.fixedMinor ?? before.fixedMinor,
        ]);
        const after = await findCommission(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'update', entityType: 'commission', entityId: after.id, before, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'delete',
      path: '/commissions/{id}',
      summary: 'Remove a commission',
      params: IdParams,
      response: Commission,
      errors: { 404: 'No such commission' },
    },
    async ({ params, req }) =>
      auditedDelete(ds, req, { table: 'commissions', entityType: 'commission', id: params.id, find: findCommission }),
  );
  return router;
}
