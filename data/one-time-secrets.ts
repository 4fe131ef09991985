import type { Queryable } from './ledger';

/**
 * The one module that writes `one_time_secrets` (issue 17; docs/one-time-secrets.md). The server keeps only what
 * the browser encrypted (AES-GCM ciphertext and its IV); the key is in the link's fragment and never reaches it.
 */

/** Stores a secret; its id is what the link names. */
export async function insertSecret(
  db: Queryable,
  s: { ciphertext: Buffer; iv: Buffer; views: number; lifetimeSeconds: number; createdBy: string | null },
): Promise<{ id: string; expiresAt: Date; viewsLeft: number }> {
  const [row]: Array<{ id: string; expires_at: Date; views_left: number }> = await db.query(
    `INSERT INTO one_time_secrets (ciphertext, iv, views_left, expires_at, created_by)
     VALUES ($1, $2, $3, now() + $4 * interval '1 second', $5) RETURNING id, expires_at, views_left`,
    [s.ciphertext, s.iv, s.views, s.lifetimeSeconds, s.createdBy],
  );
  return { id: row!.id, expiresAt: row!.expires_at, viewsLeft: row!.views_left };
}

/** A transaction runner (DataSource.transaction), so that a view and the deletion of the row at zero commit together. */
export type InTransaction = <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;

/**
 * Opens a secret once: takes one view in one UPDATE … WHERE views_left > 0 AND expires_at > now() RETURNING, so
 * concurrent opens queue on the row's lock and each re-reads views_left after the one before commits (of N opens of
 * a one-view secret exactly one gets it). At zero the row is deleted in the same transaction; an expired row is
 * deleted on sight. Undefined when the secret is unknown, used up or expired: the three are one answer (gone), so
 * nothing tells whether an id ever existed.
 */
export async function openSecret(
  transaction: InTransaction,
  id: string,
): Promise<{ ciphertext: Buffer; iv: Buffer; viewsLeft: number } | undefined> {
  return transaction(async (tx) => {
    const result: unknown = await tx.query(
      `UPDATE one_time_secrets SET views_left = views_left - 1
       WHERE id = $1 AND views_left > 0 AND expires_at > now() RETURNING ciphertext, iv, views_left`,
      [id],
    );
    const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Array<{
      ciphertext: Buffer;
      iv: Buffer;
      views_left: number;
    }>;
    const [row] = rows;
    if (!row) {
      await tx.query(`DELETE FROM one_time_secrets WHERE id = $1 AND (views_left = 0 OR expires_at <= now())`, [id]);
      return undefined;
    }
    if (row.views_left === 0) await tx.query(`DELETE FROM one_time_secrets WHERE id = $1`, [id]);
    return { ciphertext: row.ciphertext, iv: row.iv, viewsLeft: row.views_left };
  });
}

/** Deletes expired secrets (the periodic purge); answers how many. Opening refuses them already. */
export async function purgeExpiredSecrets(db: Queryable): Promise<number> {
  const result: unknown = await db.query(`DELETE FROM one_time_secrets WHERE expires_at <= now() RETURNING id`);
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
  return (rows as unknown[]).length;
}
