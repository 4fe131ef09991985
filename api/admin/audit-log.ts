import { Router } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { adminRoute } from './admin-route';
import { Page, pageOf, Timestamp, toPage } from './common-schemas';
import type { AuditLogEntryEntity } from '../../entities/audit-log-entry.entity';
import type { RowOf } from '../../entities/rows';

/** The audit log, newest first, with filters. Read-only: no endpoint changes or deletes an entry. */

const AuditEntry = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    actor: z.string().openapi({ description: 'The operator, or "admin-key" for the ADMIN_KEY setting' }),
    operatorId: z.string().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    note: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .openapi('AuditEntry');

const Filters = Page.extend({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  entityType: z.string().min(1).optional().openapi({ description: 'e.g. blacklist-entry, limit, pipeline, api-key' }),
  entityId: z.string().min(1).optional(),
  from: Timestamp.optional().openapi({ description: 'At or after' }),
  to: Timestamp.optional().openapi({ description: 'Before' }),
});

type AuditRow = RowOf<
  AuditLogEntryEntity,
  | 'id'
  | 'occurredAt'
  | 'actor'
  | 'operatorId'
  | 'action'
  | 'entityType'
  | 'entityId'
  | 'before'
  | 'after'
  | 'note'
  | 'requestId'
>;

export function auditLogRouter(deps: ApiDependencies): Router {
  const router = Router();
  adminRoute(
    router,
    {
      method: 'get',
      path: '/audit-log',
      summary: 'Who changed what, when: every admin change',
      query: Filters,
      response: pageOf(AuditEntry),
    },
    async ({ query }) => {
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (v: unknown) => `$${params.push(v)}`;
      if (query.actor) where.push(`actor = ${param(query.actor)}`);
      if (query.action) where.push(`action = ${param(query.action)}`);
      if (query.entityType) where.push(`entity_type = ${param(query.entityType)}`);
      if (query.entityId) where.push(`entity_id = ${param(query.entityId)}`);
      if (query.from) where.push(`occurred_at >= ${param(query.from)}`);
      if (query.to) where.push(`occurred_at < ${param(query.to)}`);
      const rows: AuditRow[] = await deps.dataSource.query(
        `SELECT id::text AS id, occurred_at, actor, operator_id, action, entity_type, entity_id, before, after, note,
                request_id
           FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY audit_log.id DESC LIMIT ${param(query.limit + 1)} OFFSET ${param(query.offset)}`,
        params,
      );
      return toPage(
        rows.map((r) => ({
          id: r.id,
          occurredAt: r.occurred_at.toISOString(),
          actor: r.actor,
          operatorId: r.operator_id,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          before: r.before,
          after: r.after,
          note: r.note,
          requestId: r.request_id,
        })),
        query,
      );
    },
  );
  return router;
}
