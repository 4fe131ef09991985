import type { DataSource } from 'typeorm';
import { hashPassword } from './passwords';

/** The people `npm start` creates, so that someone can sign in on a fresh clone. */
export const FIRST_OPERATOR_EMAIL = 'admin@paystar.local';
export const DEMO_MERCHANT_USER_EMAIL = 'owner@demo-merchant.local';

/**
 * Creates the first operator (role admin) and the demo merchant's owner, each with the given password, unless a
 * user with that email exists already (then nothing changes: a password changed in My Account stays). Idempotent.
 */
export async function seedPeople(
  dataSource: DataSource,
  people: { operatorPassword: string; merchantUserPassword: string; demoMerchantId: string },
): Promise<void> {
  for (const [email, kind, merchantId, role, password] of [
    [FIRST_OPERATOR_EMAIL, 'operator', null, 'admin', people.operatorPassword],
    [DEMO_MERCHANT_USER_EMAIL, 'merchant', people.demoMerchantId, 'owner', people.merchantUserPassword],
  ] as const) {
    const [exists] = await dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    if (exists) continue;
    await dataSource.query(
      `INSERT INTO users (email, kind, merchant_id, role, password_hash, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (email) DO NOTHING`,
      [email, kind, merchantId, role, await hashPassword(password)],
    );
  }
}
