import { Router } from 'express';
import { insertMerchant, renameMerchant } from '../../data/merchants';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { generateApiKey, hashApiKey, keyPrefix } from '../../infra/security/api-keys';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { adminRoute } from './admin-route';
import { audited } from './audit';
import { Direction, IdParams, KeyMode, Page, pageOf, toPage, Uuid } from './common-schemas';
import type { ApiKeyEntity } from '../../entities/api-key.entity';
import type { RowOf } from '../../entities/rows';

/** Merchants and their bearer keys. A key is shown once, when it is issued; afterwards only its prefix. */

const Merchant = z.object({ id: Uuid, name: z.string(), createdAt: z.string() }).openapi('AdminMerchant');
type Merchant = z.infer<typeof Merchant>;
const MerchantBody = z.strictObject({ name: z.string().trim().min(1).max(200) });

const ApiKey = z
  .object({
    id: Uuid,
    merchantId: Uuid,
    scope: Direction.openapi({ description: 'Deposit keys work only on deposit paths, payout keys on payout paths' }),
    mode: KeyMode,
    pipelineId: Uuid.nullable().openapi({
      description: "Orders go through this pipeline; null: the merchant's oldest",
    }),
    label: z.string().nullable(),
    keyPrefix: z.string().openapi({ description: 'Enough to recognise the key, not to use it' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable().openapi({ description: 'In the future during a rotation grace period' }),
    replacedBy: Uuid.nullable(),
  })
  .openapi('AdminApiKey');
type ApiKey = z.infer<typeof ApiKey>;
const IssuedKey = z.object({
  key: ApiKey,
  secret: z.string().openapi({ description: 'The bearer key itself. Shown only in this answer: store it now.' }),
});
const KeyBody = z.strictObject({
  scope: Direction,
  mode: KeyMode,
  pipelineId: Uuid.optional(),
  label: z.string().trim().min(1).max(200).optional(),
});
const RotateBody = z.strictObject({
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(0)
    .openapi({ description: 'How long the old key keeps working, so clients can switch without downtime' }),
});
const MerchantKeyParams = z.object({ id: Uuid });

type KeyRow = RowOf<
  ApiKeyEntity,
  | 'id'
  | 'merchantId'
  | 'scope'
  | 'mode'
  | 'pipelineId'
  | 'label'
  | 'keyPrefix'
  | 'createdAt'
  | 'revokedAt'
  | 'replacedBy'
>;
const keyView = (r: KeyRow): ApiKey => ({
  id: r.id,
  merchantId: r.merchant_id,
  scope: r.scope,
  mode: r.mode,
  pipelineId: r.pipeline_id,
  label: r.label,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  replacedBy: r.replaced_by,
});
const KEY_COLUMNS = `id, merchant_id, scope, mode, pipeline_id, label, key_prefix, created_at, revoked_at, replaced_by`;

async function findMerchant(tx: EntityManager, id: string): Promise<Merchant> {
  const [row]: Array<{ id: string; name: string; created_at: Date }> = await tx.query(
    `SELECT id, name, created_at FROM merchants WHERE id = $1`,
    [id],
  );
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no merchant ${id}`);
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

async function findKey(tx: EntityManager, id: string): Promise<ApiKey> {
  const [row]: KeyRow[] = await tx.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no API key ${id}`);
  return keyView(row);
}

/** A key bound to a pipeline must go with a pipeline of the same merchant and direction. */
async function checkKeyPipeline(tx: EntityManager, merchantId: string, scope: string, pipelineId: string) {
  const [p]: Array<{ merchant_id: string; direction: string }> = await tx.query(
    `SELECT merchant_id, direction FROM pipelines WHERE id = $1`,
    [pipelineId],
  );
  if (!p || p.merchant_id !== merchantId || p.direction !== scope) {
    throw invalidField('pipelineId', `not a ${scope} pipeline of this merchant`);
  }
}

async function issueKey(
  tx: EntityManager,
  k: {
    merchantId: string;
    scope: 'deposit' | 'payout';
    mode: 'sandbox' | 'live';
    pipelineId: string | null;
    label: string | null;
  },
) {
  const secret = generateApiKey(k.scope, k.mode);
  const [row]: KeyRow[] = await tx.query(
    `INSERT INTO api_keys (merchant_id, scope, mode, pipeline_id, label, key_prefix, key_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_COLUMNS}`,
    [k.merchantId, k.scope, k.mode, k.pipelineId, k.label, keyPrefix(secret), hashApiKey(secret)],
  );
  return { key: keyView(row!), secret };
}

export function merchantsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;

  adminRoute(
    router,
    {
      method: 'post',
      path: '/merchants',
      summary: 'Create a merchant',
      body: MerchantBody,
      response: Merchant,
      status: 201,
    },
    async ({ body, req }) =>
      audited(ds, req, async (tx) => {
        const after = await findMerchant(tx, await insertMerchant(tx, body.name));
        return {
          result: after,
          changes: [{ action: 'create', entityType: 'merchant', entityId: after.id, before: null, after }],
        };
      }),
  );

  adminRoute(
    router,
    { method: 'get', path: '/merchants', summary: 'List merchants', query: Page, response: pageOf(Merchant) },
    async ({ query }) => {
      const rows: Array<{ id: string; name: string; created_at: Date }> = await ds.query(
        `SELECT id, name, created_at FROM merchants ORDER BY created_at, id LIMIT $1 OFFSET $2`,
        [query.limit + 1, query.offset],
      );
      return toPage(
        rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString() })),
        query,
      );
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/merchants/{id}',
      summary: 'One merchant',
      params: IdParams,
      response: Merchant,
      errors: { 404: 'No such merchant' },
    },
    async ({ params }) => findMerchant(ds.manager, params.id),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/merchants/{id}',
      summary: 'Rename a merchant',
      params: IdParams,
      body: MerchantBody,
      response: Merchant,
      errors: { 404: 'No such merchant' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await findMerchant(tx, params.id);
        await renameMerchant(tx, params.id, body.name);
        const after = await findMerchant(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'update', entityType: 'merchant', entityId: after.id, before, after }],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'post',
      path: '/merchants/{id}/keys',
      summary: 'Issue a key to a merchant (the key is in this answer only)',
      params: MerchantKeyParams,
      body: KeyBody,
      response: IssuedKey,
      status: 201,
      errors: { 404: 'No such merchant' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        await findMerchant(tx, params.id);
        if (body.pipelineId) await checkKeyPipeline(tx, params.id, body.scope, body.pipelineId);
        const issued = await issueKey(tx, {
          merchantId: params.id,
          scope: body.scope,
          mode: body.mode,
          pipelineId: body.pipelineId ?? null,
          label: body.label ?? null,
        });
        return {
          result: issued,
          changes: [
            { action: 'create', entityType: 'api-key', entityId: issued.key.id, before: null, after: issued.key },
          ],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/merchants/{id}/keys',
      summary: "A merchant's keys (prefixes only)",
      params: MerchantKeyParams,
      response: z.object({ items: z.array(ApiKey) }),
      errors: { 404: 'No such merchant' },
    },
    async ({ params }) => {
      await findMerchant(ds.manager, params.id);
      const rows: KeyRow[] = await ds.query(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE merchant_id = $1 ORDER BY created_at, id`,
        [params.id],
      );
      return { items: rows.map(keyView) };
    },
  );

  adminRoute(
    router,
    {
      method: 'post',
      path: '/keys/{id}/rotate',
      summary:
        'Rotate a key: a new key with the same scope, mode and pipeline; the old one stops after the grace period',
      params: IdParams,
      body: RotateBody,
      response: IssuedKey.extend({ replaced: ApiKey }),
      errors: { 404: 'No such key', 409: 'The key is already revoked' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const before = await lockLiveKey(tx, params.id);
        const issued = await issueKey(tx, { ...before, label: before.label });
        await tx.query(
          `UPDATE api_keys SET revoked_at = now() + make_interval(secs => $2), replaced_by = $3 WHERE id = $1`,
          [params.id, body.graceSeconds, issued.key.id],
        );
        const replaced = await findKey(tx, params.id);
        return {
          result: { ...issued, replaced },
          changes: [
            { action: 'rotate', entityType: 'api-key', entityId: replaced.id, before, after: replaced },
            { action: 'create', entityType: 'api-key', entityId: issued.key.id, before: null, after: issued.key },
          ],
        };
      }),
  );

  adminRoute(
    router,
    {
      method: 'post',
      path: '/keys/{id}/revoke',
      summary: 'Revoke a key at once',
      params: IdParams,
      response: ApiKey,
      errors: { 404: 'No such key', 409: 'The key is already revoked' },
    },
    async ({ params, req }) =>
      audited(ds, req, async (tx) => {
        const before = await lockLiveKey(tx, params.id);
        await tx.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [params.id]);
        const after = await findKey(tx, params.id);
        return {
          result: after,
          changes: [{ action: 'revoke', entityType: 'api-key', entityId: after.id, before, after }],
        };
      }),
  );
  return router;
}

/** The key, locked against a concurrent rotation; 409 once it is revoked (or its rotation grace period started). */
async function lockLiveKey(tx: EntityManager, id: string): Promise<ApiKey> {
  await tx.query(`SELECT id FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
  const key = await findKey(tx, id);
  if (key.revokedAt !== null) throw new HttpError(409, 'KEY_REVOKED', `key ${id} is already revoked or rotated`);
  return key;
}
