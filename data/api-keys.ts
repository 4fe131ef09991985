import type { ApiKeyEntity } from '../entities/api-key.entity';
import type { RowOf } from '../entities/rows';
import { generateApiKey, hashApiKey, keyPrefix } from '../infra/security/api-keys';
import type { Queryable } from './ledger';

/**
 * The one module that writes `api_keys` (docs/data-ownership.md): the admin API and the merchant cabinet issue,
 * rotate and revoke merchants' bearer keys through it. A key's secret leaves here once, from {@link insertKey}; only
 * its digest is stored, and every view carries the prefix alone.
 */

/** A key as the APIs show it: no digest, no secret. */
export interface KeyView {
  id: string;
  merchantId: string;
  scope: 'deposit' | 'payout';
  mode: 'sandbox' | 'live';
  pipelineId: string | null;
  label: string | null;
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
  replacedBy: string | null;
}

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
const keyView = (r: KeyRow): KeyView => ({
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

/** One key, or undefined; with `merchantId`, only that merchant's (another's is undefined, as unknown). */
export async function findKey(db: Queryable, id: string, merchantId?: string): Promise<KeyView | undefined> {
  const [row]: KeyRow[] = await db.query(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 AND ($2::uuid IS NULL OR merchant_id = $2)`,
    [id, merchantId ?? null],
  );
  return row && keyView(row);
}

/** The key locked against a concurrent rotation or revocation (until the transaction ends), as {@link findKey}. */
export async function lockKey(db: Queryable, id: string, merchantId?: string): Promise<KeyView | undefined> {
  await db.query(`SELECT id FROM api_keys WHERE id = $1 FOR UPDATE`, [id]);
  return findKey(db, id, merchantId);
}

/** A merchant's keys, oldest first. */
export async function listKeys(db: Queryable, merchantId: string): Promise<KeyView[]> {
  const rows: KeyRow[] = await db.query(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE merchant_id = $1 ORDER BY created_at, id`,
    [merchantId],
  );
  return rows.map(keyView);
}

/** A new key: its view, and its secret (the only time it exists outside the caller's hands). */
export async function insertKey(
  db: Queryable,
  k: {
    merchantId: string;
    scope: 'deposit' | 'payout';
    mode: 'sandbox' | 'live';
    pipelineId: string | null;
    label: string | null;
  },
): Promise<{ key: KeyView; secret: string }> {
  const secret = generateApiKey(k.scope, k.mode);
  const [row]: KeyRow[] = await db.query(
    `INSERT INTO api_keys (merchant_id, scope, mode, pipeline_id, label, key_prefix, key_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_COLUMNS}`,
    [k.merchantId, k.scope, k.mode, k.pipelineId, k.label, keyPrefix(secret), hashApiKey(secret)],
  );
  return { key: keyView(row!), secret };
}

/** Ends a key `graceSeconds` from now (0: at once), naming the key that replaced it, if any. */
export async function endKey(
  db: Queryable,
  id: string,
  graceSeconds: number,
  replacedBy: string | null = null,
): Promise<void> {
  await db.query(
    `UPDATE api_keys SET revoked_at = now() + make_interval(secs => $2), replaced_by = COALESCE($3, replaced_by)
     WHERE id = $1`,
    [id, graceSeconds, replacedBy],
  );
}
