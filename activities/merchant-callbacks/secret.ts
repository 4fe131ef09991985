import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { keepCallbackSecret } from '../../data/merchants';
import type { Keyring } from '../../infra/security/keyring';
import { CALLBACK_SECRET_CONTEXT, decryptSecret, encryptSecret } from '../../infra/security/secrets-at-rest';

/** The merchant's callback secret, and whether this call had to create it. */
export interface CallbackSecret {
  secret: string;
  generated: boolean;
}

/**
 * Reads the merchant's callback secret, checking on the way that the order is the merchant's. A merchant without
 * a secret (the column defaults to one, so only a secret cleared by hand) gets one here rather than an unsigned or
 * refused callback: COALESCE in one UPDATE means concurrent attempts agree on a single secret. An unknown merchant
 * or order is a bug in the caller that no retry fixes, hence non-retryable. With a keyring the secret is stored
 * encrypted (secrets at rest) and decrypted here; one still in clear (from before encryption) is used as it is.
 */
export async function loadCallbackSecret(
  ds: DataSource,
  merchantId: string,
  orderId: string,
  keyring?: Keyring,
): Promise<CallbackSecret> {
  const opened = (stored: string) => (keyring ? decryptSecret(keyring, stored, CALLBACK_SECRET_CONTEXT) : stored);
  const rows: Array<{ callback_secret: string | null; order_found: boolean }> = await ds.query(
    `SELECT m.callback_secret, (o.id IS NOT NULL) AS order_found
       FROM merchants m LEFT JOIN orders o ON o.id = $2 AND o.merchant_id = m.id
      WHERE m.id = $1`,
    [merchantId, orderId],
  );
  const row = rows[0];
  if (!row) {
    throw ApplicationFailure.create({ type: 'UnknownMerchant', message: `merchant ${merchantId}`, nonRetryable: true });
  }
  if (!row.order_found) {
    throw ApplicationFailure.create({
      type: 'UnknownOrder',
      message: `order ${orderId} of merchant ${merchantId}`,
      nonRetryable: true,
    });
  }
  if (row.callback_secret) return { secret: opened(row.callback_secret), generated: false };

  const fresh = randomBytes(32).toString('hex');
  const stored = await keepCallbackSecret(
    ds,
    merchantId,
    keyring ? encryptSecret(keyring, fresh, CALLBACK_SECRET_CONTEXT) : fresh,
  );
  if (!stored) throw new Error(`merchant ${merchantId} vanished while its callback secret was being created`);
  return { secret: opened(stored), generated: true };
}
