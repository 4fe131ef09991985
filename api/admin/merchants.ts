import { type Request, Router } from 'express';
import { endKey, findKey, insertKey, listKeys, lockKey } from '../../data/api-keys';
import { containsPattern } from '../../data/like-pattern';
import { insertMerchant, renameMerchant } from '../../data/merchants';
import { UUID_PATTERN } from '../../domain/ids';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { adminRoute } from './admin-route';
import { audited } from './audit';
import { Direction, IdParams, KeyMode, Page, pageOf, toPage, Uuid } from './common-schemas';

/** Merchants and their bearer keys. A key is shown once, when it is issued; afterwards only its prefix. */

const Merchant = z.object({ id: Uuid, name: z.string(), createdAt: z.string() }).openapi('AdminMerchant');
type Merchant = z.infer<typeof Merchant>;
const MerchantBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
const MerchantQuery = Page.extend({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Only merchants whose name contains this' }),
  ids: z
    .string()
    .regex(new RegExp(`^${UUID_PATTERN}(,${UUID_PATTERN}){0,99}$`, 'i'), 'up to 100 merchant ids, comma-separated')
    .optional()
    .openapi({ description: 'Only these merchants (up to 100 ids, comma-separated): the names a screen shows' }),
});

export const ApiKey = z
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
export const IssuedKey = z.object({
  key: ApiKey,
  secret: z.string().openapi({ description: 'The bearer key itself. Shown only in this answer: store it now.' }),
});
export const KeyBody = z.strictObject({
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

/**
 * The merchant's key, locked against a concurrent rotation; 404 for another merchant's (with `merchantId`), 409 when
 * it no longer works. `rotatedToo`: a rotated key still in its overlap counts as working (it can be revoked at once,
 * as when it leaked; it cannot be rotated again, it has its successor).
 */
async function lockWorkingKey(tx: EntityManager, id: string, merchantId?: string, rotatedToo = false): Promise<ApiKey> {
  const key = await lockKey(tx, id, merchantId);
  if (!key) throw new HttpError(404, 'NOT_FOUND', `no API key ${id}`);
  const inOverlap = key.revokedAt !== null && key.revokedAt > (await databaseNow(tx));
  if (key.revokedAt !== null && !(rotatedToo && inOverlap)) {
    throw new HttpError(409, 'KEY_REVOKED', `key ${id} is already ${inOverlap ? 'rotated' : 'revoked'}`);
  }
  return key;
}

/** The database's clock, which ends keys (`revoked_at`), as an ISO string comparable with a key's. */
async function databaseNow(tx: EntityManager): Promise<string> {
  const [row]: Array<{ now: Date }> = await tx.query(`SELECT now() AS now`);
  return row!.now.toISOString();
}

async function findMerchant(tx: EntityManager, id: string): Promise<Merchant> {
  const [row]: Array<{ id: string; name: string; created_at: Date }> = await tx.query(
    `SELECT id, name, created_at FROM merchants WHERE id = $1`,
    [id],
  );
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no merchant ${id}`);
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
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

/**
 * Issuing, rotating and revoking keys, audited: the admin API's, and the merchant cabinet's confined to the
 * session's merchant (`merchantId` given: another merchant's key is 404). The keys table is data/api-keys.ts's.
 */
export function keyOperations(ds: DataSource) {
  return {
    list: async (merchantId: string) => ({ items: await listKeys(ds, merchantId) }),

    issue: (req: Request, merchantId: string, body: z.infer<typeof KeyBody>) =>
      audited(ds, req, async (tx) => {
        await findMerchant(tx, merchantId);
        if (body.pipelineId) await checkKeyPipeline(tx, merchantId, body.scope, body.pipelineId);
        const issued = await insertKey(tx, {
          merchantId,
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

    /** A new key with the same scope, mode, pipeline and label; the old one works `graceSeconds` more. */
    rotate: (req: Request, id: string, graceSeconds: number, merchantId?: string) =>
      audited(ds, req, async (tx) => {
        const before = await lockWorkingKey(tx, id, merchantId);
        const issued = await insertKey(tx, before);
        await endKey(tx, id, graceSeconds, issued.key.id);
        const replaced = (await findKey(tx, id))!;
        return {
          result: { ...issued, replaced },
          changes: [
            { action: 'rotate', entityType: 'api-key', entityId: replaced.id, before, after: replaced },
            { action: 'create', entityType: 'api-key', entityId: issued.key.id, before: null, after: issued.key },
          ],
        };
      }),

    revoke: (req: Request, id: string, merchantId?: string, reason?: string) =>
      audited(ds, req, async (tx) => {
        const before = await lockWorkingKey(tx, id, merchantId, true);
        await endKey(tx, id, 0);
        const after = (await findKey(tx, id))!;
        return {
          result: after,
          changes: [{ action: 'revoke', entityType: 'api-key', entityId: after.id, before, after, note: reason }],
        };
      }),
  };
}

export function merchantsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const keys = keyOperations(ds);

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
    { method: 'get', path: '/merchants', summary: 'List merchants', query: MerchantQuery, response: pageOf(Merchant) },
    async ({ query }) => {
      const rows: Array<{ id: string; name: string; created_at: Date }> = await ds.query(
        `SELECT id, name, created_at FROM merchants
          WHERE ($3::text IS NULL OR name ILIKE $3) AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
          ORDER BY created_at, id LIMIT $1 OFFSET $2`,
        [
          query.limit + 1,
          query.offset,
          query.name === undefined ? null : containsPattern(query.name),
          query.ids?.split(',') ?? null,
        ],
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
    async ({ params, body, req }) => keys.issue(req, params.id, body),
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
      return keys.list(params.id);
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
      errors: { 404: 'No such key', 409: 'The key is already revoked or rotated' },
    },
    async ({ params, body, req }) => keys.rotate(req, params.id, body.graceSeconds),
  );

  adminRoute(
    router,
    {
      method: 'post',
      path: '/keys/{id}/revoke',
      summary: 'Revoke a key at once (also a rotated key still in its overlap)',
      params: IdParams,
      response: ApiKey,
      errors: { 404: 'No such key', 409: 'The key is already revoked' },
    },
    async ({ params, req }) => keys.revoke(req, params.id),
  );
  return router;
}
