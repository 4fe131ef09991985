import type { Request } from 'express';
import type { DataSource, EntityManager } from 'typeorm';

/** One change, as the audit log keeps it. `before` is null for a create, `after` for a delete. */
export interface AuditedChange {
  /** A configuration change, or an operator's action on an order (recheck, resolve, cancel). */
  action:
    | 'create'
    | 'update'
    | 'delete'
    | 'rotate'
    | 'revoke'
    | 'replace'
    | 'recheck'
    | 'resolve'
    | 'cancel'
    | 'rebuild'
    | 'resend'
    | 'export';
  entityType: string;
  entityId: string;
  before: object | null;
  after: object | null;
  note?: string | null;
}

/**
 * Runs an admin change and writes its audit entries in the same transaction: either both commit or neither does.
 * `before` and `after` are the API's views of the rows, which carry no secrets (keys appear as prefixes, cards as
 * masks and fingerprints, gateway credentials redacted).
 */
export async function audited<T>(
  dataSource: DataSource,
  req: Request,
  change: (tx: EntityManager) => Promise<{ result: T; changes: AuditedChange[] }>,
): Promise<T> {
  return dataSource.transaction(async (tx) => {
    const { result, changes } = await change(tx);
    for (const c of changes) {
      await tx.query(
        `INSERT INTO audit_log
           (actor, operator_id, action, entity_type, entity_id, before, after, note, request_id, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          // A signed-in person (api/accounts) is named by email and user id; a key by its operator's name.
          req.admin?.actor ?? req.person!.email,
          req.admin?.operatorId ?? null,
          c.action,
          c.entityType,
          c.entityId,
          c.before === null ? null : JSON.stringify(c.before),
          c.after === null ? null : JSON.stringify(c.after),
          c.note ?? null,
          typeof req.id === 'string' ? req.id : null,
          req.person?.userId ?? null,
        ],
      );
    }
    return result;
  });
}

/** Deletes one row of `table` and records it; answers the row as it was. 404 (from `find`) when there is none. */
export function auditedDelete<T extends { id: string }>(
  dataSource: DataSource,
  req: Request,
  row: {
    table: 'blacklist_entries' | 'limits' | 'commissions' | 'routing_rules';
    entityType: string;
    id: string;
    find: (tx: EntityManager, id: string) => Promise<T>;
    note?: string | null;
  },
): Promise<T> {
  return audited(dataSource, req, async (tx) => {
    const before = await row.find(tx, row.id);
    await tx.query(`DELETE FROM ${row.table} WHERE id = $1`, [row.id]);
    return {
      result: before,
      changes: [
        {
          action: 'delete',
          entityType: row.entityType,
          entityId: before.id,
          before,
          after: null,
          note: row.note ?? null,
        },
      ],
    };
  });
}
