import { Router, type Request } from 'express';
import { containsPattern } from '../../data/like-pattern';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { normalizeRequisite, RequisiteFormatError } from '../../domain/requisite-normalization';
import type { RequisiteType } from '../../domain/requisites';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { adminRoute } from './admin-route';
import { audited, auditedDelete } from './audit';
import { IdParams, Page, pageOf, scopeOwner, Timestamp, toPage, Uuid } from './common-schemas';
import type { BlacklistEntryEntity } from '../../entities/blacklist-entry.entity';
import type { RowOf } from '../../entities/rows';

/**
 * The black list of seed 004: hard blocks on a card, email, IP, phone or PayeerIdentifier, By Merch (every pipeline
 * of the merchant) or By Pipeline (that pipeline only). Values are normalised per type so that equivalent spellings
 * match; a card is kept only as its keyed fingerprint and its mask.
 */

const TYPES: Record<string, RequisiteType> = {
  card: 'card',
  email: 'email',
  ip: 'ip',
  phone: 'phone',
  payeeridentifier: 'payeerIdentifier',
};
/** Seed 004 spells the types Card, Email, IP, Phone, PayeerIdentifier; any letter case is taken. */
export const RequisiteTypeSchema = z
  .preprocess((v) => (typeof v === 'string' ? (TYPES[v.toLowerCase()] ?? v) : v), z.enum(Object.values(TYPES)))
  .openapi({ description: 'card, email, ip, phone or payeerIdentifier (seed 004 spellings accepted)' });
const SCOPES: Record<string, 'merchant' | 'pipeline'> = {
  merchant: 'merchant',
  'by merch': 'merchant',
  pipeline: 'pipeline',
  'by pipeline': 'pipeline',
};
export const ScopeSchema = z
  .preprocess((v) => (typeof v === 'string' ? (SCOPES[v.toLowerCase()] ?? v) : v), z.enum(['merchant', 'pipeline']))
  .openapi({ description: '`merchant` (By Merch) or `pipeline` (By Pipeline)' });
export const Description = z.string().trim().max(500).nullable();

export const Entry = z
  .object({
    id: Uuid,
    scope: z.enum(['merchant', 'pipeline']),
    merchantId: Uuid.openapi({ description: "The merchant, or the pipeline's merchant for a By Pipeline entry" }),
    pipelineId: Uuid.nullable(),
    type: z.enum(Object.values(TYPES)),
    requisites: z.string().openapi({ description: 'As shown to operators: normalised, or the masked card' }),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('BlacklistEntry');
type Entry = z.infer<typeof Entry>;

export const CreateBody = z
  .strictObject({
    scope: ScopeSchema,
    merchantId: Uuid.optional(),
    pipelineId: Uuid.optional(),
    type: RequisiteTypeSchema,
    requisites: z
      .string()
      .min(1)
      .max(320)
      .openapi({ description: 'The value to block, as typed', example: '4111 1111 1111 1111' }),
    description: Description.optional(),
  })
  .superRefine(scopeOwner);

export const UpdateBody = z
  .strictObject({
    scope: ScopeSchema.optional(),
    merchantId: Uuid.optional(),
    pipelineId: Uuid.optional(),
    type: RequisiteTypeSchema.optional(),
    requisites: z.string().min(1).max(320).optional(),
    description: Description.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.scope !== undefined) scopeOwner({ ...b, scope: b.scope }, ctx);
    else if (b.merchantId !== undefined || b.pipelineId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['scope'], message: 'give scope with the merchantId or pipelineId' });
    }
    if (b.type !== undefined && b.requisites === undefined) {
      ctx.addIssue({ code: 'custom', path: ['requisites'], message: 'a new type needs its requisites' });
    }
  });

export const Filters = Page.extend({
  createdFrom: Timestamp.optional().openapi({ description: 'Created at or after' }),
  createdTo: Timestamp.optional().openapi({ description: 'Created before' }),
  merchantId: Uuid.optional().openapi({
    description: "The merchant's entries, By Merch and By Pipeline of its pipelines",
  }),
  pipelineId: Uuid.optional().openapi({ description: 'By Pipeline entries of this pipeline' }),
  scope: ScopeSchema.optional(),
  type: RequisiteTypeSchema.optional(),
  requisites: z.string().min(1).optional().openapi({
    description: 'Equal after normalisation (a full card number matches its fingerprint), or part of the shown value',
  }),
  description: z.string().min(1).optional().openapi({ description: 'Part of the description, any letter case' }),
});

export const DeleteQuery = z.object({
  reason: z.string().trim().min(1).max(500).optional().openapi({ description: 'Why the block is removed (audit log)' }),
});

type EntryRow = RowOf<
  BlacklistEntryEntity,
  'id' | 'scope' | 'pipelineId' | 'type' | 'displayValue' | 'description' | 'createdAt' | 'updatedAt'
> & {
  /** The merchant the entry belongs to, through its pipeline for a pipeline entry. */
  owner_merchant_id: string;
};

const SELECT_ENTRIES = `
  SELECT b.id, b.scope, coalesce(b.merchant_id, p.merchant_id) AS owner_merchant_id, b.pipeline_id, b.type,
         b.display_value, b.description, b.created_at, b.updated_at
    FROM blacklist_entries b
    LEFT JOIN pipelines p ON p.id = b.pipeline_id`;

const view = (r: EntryRow): Entry => ({
  id: r.id,
  scope: r.scope,
  merchantId: r.owner_merchant_id,
  pipelineId: r.pipeline_id,
  type: r.type,
  requisites: r.display_value,
  description: r.description,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The stored (matched) and shown forms of a requisite, or a 400 naming the field. */
function storedForms(type: RequisiteType, raw: string, secretsKey: string) {
  try {
    if (type === 'card') return { value: cardFingerprint(raw, secretsKey), display: maskCard(raw) };
    const value = normalizeRequisite(type, raw);
    return { value, display: value };
  } catch (err) {
    if (err instanceof RequisiteFormatError) {
      throw invalidField('requisites', err.message);
    }
    throw err;
  }
}

/** An entry; with `owner`, only one of that merchant's (another merchant's is 404, as if it did not exist). */
async function findEntry(tx: EntityManager, id: string, owner?: string): Promise<Entry> {
  const rows: EntryRow[] = await tx.query(`${SELECT_ENTRIES} WHERE b.id = $1`, [id]);
  if (!rows[0] || (owner !== undefined && rows[0].owner_merchant_id !== owner)) {
    throw new HttpError(404, 'NOT_FOUND', `no black-list entry ${id}`);
  }
  return view(rows[0]);
}

/** A merchant user may name only its own merchant's pipelines (another's is 404). */
async function assertOwnPipeline(tx: EntityManager, pipelineId: string | undefined, owner: string | undefined) {
  if (pipelineId === undefined || owner === undefined) return;
  const rows: unknown[] = await tx.query(`SELECT 1 FROM pipelines WHERE id = $1 AND merchant_id = $2`, [
    pipelineId,
    owner,
  ]);
  if (!rows.length) throw new HttpError(404, 'NOT_FOUND', `no pipeline ${pipelineId}`);
}

/**
 * The black list's operations, shared by the admin API and the merchant cabinet (api/accounts/portal.ts). `owner`
 * confines them to one merchant: its entries only, By Merch entries of that merchant, By Pipeline entries of its
 * pipelines. Every change is audited under the caller.
 */
export function blacklistOperations(deps: Pick<ApiDependencies, 'dataSource' | 'secretsKey'>) {
  const ds = deps.dataSource;
  const create = async (req: Request, body: z.infer<typeof CreateBody>, owner?: string) => {
    const forms = storedForms(body.type, body.requisites, deps.secretsKey);
    return audited(ds, req, async (tx) => {
      await assertOwnPipeline(tx, body.pipelineId, owner);
      const [row]: Array<{ id: string }> = await tx.query(
        `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id, pipeline_id, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          body.type,
          forms.value,
          forms.display,
          body.scope,
          body.merchantId ?? null,
          body.pipelineId ?? null,
          body.description ?? null,
        ],
      );
      const after = await findEntry(tx, row!.id);
      return {
        result: after,
        changes: [{ action: 'create', entityType: 'blacklist-entry', entityId: after.id, before: null, after }],
      };
    });
  };

  const list = async (query: z.infer<typeof Filters>) => {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (query.createdFrom) where.push(`b.created_at >= ${param(query.createdFrom)}`);
    if (query.createdTo) where.push(`b.created_at < ${param(query.createdTo)}`);
    if (query.merchantId) where.push(`coalesce(b.merchant_id, p.merchant_id) = ${param(query.merchantId)}`);
    if (query.pipelineId) where.push(`b.pipeline_id = ${param(query.pipelineId)}`);
    if (query.scope) where.push(`b.scope = ${param(query.scope)}`);
    if (query.type) where.push(`b.type = ${param(query.type)}`);
    if (query.description) where.push(`b.description ILIKE ${param(containsPattern(query.description))}`);
    if (query.requisites) where.push(requisitesFilter(query.requisites, query.type, deps.secretsKey, param));
    const rows: EntryRow[] = await ds.query(
      `${SELECT_ENTRIES} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY b.created_at DESC, b.id LIMIT ${param(query.limit + 1)} OFFSET ${param(query.offset)}`,
      params,
    );
    return toPage(rows.map(view), query);
  };

  const update = (req: Request, id: string, body: z.infer<typeof UpdateBody>, owner?: string) =>
    audited(ds, req, async (tx) => {
      const before = await findEntry(tx, id, owner);
      await assertOwnPipeline(tx, body.pipelineId, owner);
      // New requisites are normalised for the new type, or for the entry's own when the type stays.
      const forms =
        body.requisites === undefined ? null : storedForms(body.type ?? before.type, body.requisites, deps.secretsKey);
      await tx.query(
        `UPDATE blacklist_entries SET
           type = coalesce($2, type),
           value = coalesce($3, value),
           display_value = coalesce($4, display_value),
           scope = coalesce($5, scope),
           merchant_id = CASE WHEN $5::text IS NULL THEN merchant_id ELSE $6::uuid END,
           pipeline_id = CASE WHEN $5::text IS NULL THEN pipeline_id ELSE $7::uuid END,
           description = CASE WHEN $8 THEN $9 ELSE description END,
           updated_at = now()
         WHERE id = $1`,
        [
          id,
          body.type ?? null,
          forms?.value ?? null,
          forms?.display ?? null,
          body.scope ?? null,
          body.merchantId ?? null,
          body.pipelineId ?? null,
          body.description !== undefined,
          body.description ?? null,
        ],
      );
      const after = await findEntry(tx, id);
      return {
        result: after,
        changes: [{ action: 'update', entityType: 'blacklist-entry', entityId: after.id, before, after }],
      };
    });

  const remove = (req: Request, id: string, reason: string | undefined, owner?: string) =>
    auditedDelete(ds, req, {
      table: 'blacklist_entries',
      entityType: 'blacklist-entry',
      id,
      find: (tx, entryId) => findEntry(tx, entryId, owner),
      note: reason ?? null,
    });

  return { create, list, update, remove, find: (id: string, owner?: string) => findEntry(ds.manager, id, owner) };
}

export function blacklistRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ops = blacklistOperations(deps);

  adminRoute(
    router,
    {
      method: 'post',
      path: '/blacklist',
      summary: 'Add a black-list entry (By Merch or By Pipeline)',
      body: CreateBody,
      response: Entry,
      status: 201,
      errors: { 409: 'The same requisite is already blocked for this merchant or pipeline' },
    },
    async ({ body, req }) => ops.create(req, body),
  );
  adminRoute(
    router,
    {
      method: 'get',
      path: '/blacklist',
      summary: 'List black-list entries, filtered',
      query: Filters,
      response: pageOf(Entry),
    },
    async ({ query }) => ops.list(query),
  );
  // A card number in a URL ends up in proxies' logs: searching by one goes in a body.
  adminRoute(
    router,
    {
      method: 'post',
      path: '/blacklist/search',
      summary: 'List black-list entries, filters in the body (use this to search by card number)',
      body: Filters,
      response: pageOf(Entry),
    },
    async ({ body }) => ops.list(body),
  );
  adminRoute(
    router,
    {
      method: 'get',
      path: '/blacklist/{id}',
      summary: 'One black-list entry',
      params: IdParams,
      response: Entry,
      errors: { 404: 'No such entry' },
    },
    async ({ params }) => ops.find(params.id),
  );
  adminRoute(
    router,
    {
      method: 'patch',
      path: '/blacklist/{id}',
      summary: 'Update a black-list entry: scope and owner, type and requisites, description',
      params: IdParams,
      body: UpdateBody,
      response: Entry,
      errors: { 404: 'No such entry', 409: 'The same requisite is already blocked for that merchant or pipeline' },
    },
    async ({ params, body, req }) => ops.update(req, params.id, body),
  );
  adminRoute(
    router,
    {
      method: 'delete',
      path: '/blacklist/{id}',
      summary: 'Delete a black-list entry, optionally saying why',
      params: IdParams,
      query: DeleteQuery,
      response: Entry,
      errors: { 404: 'No such entry' },
    },
    async ({ params, query, req }) => ops.remove(req, params.id, query.reason),
  );
  return router;
}

/**
 * The requisites filter: an entry matches when the term, normalised for the entry's type, is its stored value (so
 * `+44 7700 900123` finds `+447700900123`, and a full card number finds its fingerprint), or when the term is part
 * of the shown value (a card's last four digits, a mail domain).
 */
function requisitesFilter(
  term: string,
  type: RequisiteType | undefined,
  secretsKey: string,
  param: (v: unknown) => string,
) {
  const exact: string[] = [];
  for (const t of type ? [type] : Object.values(TYPES)) {
    try {
      const value = t === 'card' ? cardFingerprint(term, secretsKey) : normalizeRequisite(t, term);
      exact.push(`(b.type = ${param(t)} AND b.value = ${param(value)})`);
    } catch (err) {
      if (!(err instanceof RequisiteFormatError)) throw err;
    }
  }
  return `(${[...exact, `b.display_value ILIKE ${param(containsPattern(term.trim()))}`].join(' OR ')})`;
}
