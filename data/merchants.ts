import type { Queryable } from './ledger';

/**
 * The one module that writes `merchants` (docs/data-ownership.md): the admin API creates and renames merchants, the
 * merchant-callback activity creates a missing callback secret, and `npm run rewrap-keys` re-encrypts stored ones.
 */

/** A new merchant's id. */
export async function insertMerchant(db: Queryable, name: string): Promise<string> {
  const [row]: Array<{ id: string }> = await db.query(`INSERT INTO merchants (name) VALUES ($1) RETURNING id`, [name]);
  return row!.id;
}

/** The merchant's name, or undefined for an unknown merchant. */
export async function merchantNameOf(db: Queryable, id: string): Promise<string | undefined> {
  const [row]: Array<{ name: string }> = await db.query(`SELECT name FROM merchants WHERE id = $1`, [id]);
  return row?.name;
}

export async function renameMerchant(db: Queryable, id: string, name: string): Promise<void> {
  await db.query(`UPDATE merchants SET name = $2 WHERE id = $1`, [id, name]);
}

/**
 * Stores `sealed` as the merchant's callback secret unless it has one: COALESCE in one UPDATE means concurrent
 * callers agree on a single secret. Returns the secret now stored, or undefined for an unknown merchant.
 */
export async function keepCallbackSecret(
  db: Queryable,
  merchantId: string,
  sealed: string,
): Promise<string | undefined> {
  // Wrapped in a SELECT so the driver returns plain rows (a bare UPDATE comes back as [rows, count]).
  const updated: Array<{ callback_secret: string }> = await db.query(
    `WITH u AS (
       UPDATE merchants SET callback_secret = COALESCE(callback_secret, $2) WHERE id = $1 RETURNING callback_secret
     ) SELECT callback_secret FROM u`,
    [merchantId, sealed],
  );
  return updated[0]?.callback_secret;
}

/** Replaces a stored secret by its re-encryption, only if nobody changed it meanwhile (the next run picks that up). */
export async function resealCallbackSecret(db: Queryable, merchantId: string, stored: string, next: string) {
  await db.query(`UPDATE merchants SET callback_secret = $3 WHERE id = $1 AND callback_secret = $2`, [
    merchantId,
    stored,
    next,
  ]);
}
