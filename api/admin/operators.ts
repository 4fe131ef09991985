import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { generateOperatorKey, hashApiKey, keyPrefix } from '../../infra/security/api-keys';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminRoute } from './admin-route';
import { audited } from './audit';
import { IdParams, Uuid } from './common-schemas';
import type { OperatorEntity } from '../../entities/operator.entity';
import type { RowOf } from '../../entities/rows';

/**
 * Operators: the people (or tools) that use the admin API, each with a key of their own, so the audit log names
 * who changed what. The ADMIN_KEY setting is meant to create the first operators, not for daily work.
 */

const Operator = z
  .object({
    id: Uuid,
    name: z.string(),
    keyPrefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Operator');
type Operator = z.infer<typeof Operator>;

type OperatorRow = RowOf<OperatorEntity, 'id' | 'name' | 'keyPrefix' | 'createdAt' | 'revokedAt'>;
const view = (r: OperatorRow): Operator => ({
  id: r.id,
  name: r.name,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

async function findOperator(tx: EntityManager, id: string): Promise<Operator> {
  const [row]: OperatorRow[] = await tx.query(
    `SELECT id, name, key_prefix, created_at, revoked_at FROM operators WHERE id = $1`,
    [id],
  );
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no operator ${id}`);
  return view(row);
}

export function operatorsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'post',
      path: '/operators',
      summary: 'Create an operator with their own admin key (the key is in this answer only)',
      body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
      response: z.object({ operator: Operator, secret: z.string().openapi({ description: 'Shown once' }) }),
      status: 201,
      errors: { 409: 'An operator of that name exists' },
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        const secret = generateOperatorKey();
        const [row]: Array<{ id: string }> = await tx.query(
          `INSERT INTO operators (name, key_prefix, key_hash) VALUES ($1, $2, $3) RETURNING id`,
          [body.name, keyPrefix(secret), hashApiKey(secret)],
        );
        const after = await findOperator(tx, row!.id);
        return {
          result: { operator: after, secret },
          changes: [{ action: 'create', entityType: 'operator', entityId: after.id, before: null, after }],
        };
      }),
  );

  adminRoute(
    router,
    { method: 'get', path: '/operators', summary: 'List operators', response: z.object({ items: z.array(Operator) }) },
    async () => {
      const rows: OperatorRow[] = await ds.query(
        `SELECT id, name, key_prefix, created_at, revoked_at FROM operators ORDER BY created_at, id`,
      );
      return { items: rows.map(view) };
    },
  );

  adminRoute(
    router,
    {
      method: 'post',
      path: '/operators/{id}/revoke',
      summary: "Revoke an operator's key",
      params: IdParams,
      response: Operator,
      errors: { 404: 'No such operator', 409: 'Already revoked' },
    },
    async ({ params, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findOperator(tx, params.id);
        if (before.revokedAt) throw new HttpError(409, 'KEY_REVOKED', `operator ${params.id} is already revoked`);
        await tx.query(`UPDATE operators SET revoked_at = now() WHERE id = $1`, [params.id]);
        const after = await findOperator(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'revoke', entityType: 'operator', entityId: after.id, before, after }],
        };
      }),
  );
  return router;
}
