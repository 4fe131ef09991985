import type { DataSource } from 'typeorm';
import type { Direction, KeyMode } from '../../domain/order';
import { generateApiKey, hashApiKey, keyPrefix } from '../../infra/security/api-keys';
import { createOrderSetup, type GatewaySpec, type OrderSetup } from '../../simulation/order-setup';

/** Keys of one merchant, by mode and scope, in clear (stored hashed). */
export type MerchantKeys = Record<KeyMode, Record<Direction, string>>;

/** Inserts a sandbox and a live key of each scope for the merchant, as createMerchantWithKeys does. */
export async function createKeys(ds: DataSource, merchantId: string): Promise<MerchantKeys> {
  const keys = { sandbox: {}, live: {} } as MerchantKeys;
  for (const mode of ['sandbox', 'live'] as const) {
    for (const scope of ['deposit', 'payout'] as const) {
      const key = generateApiKey(scope, mode);
      await ds.query(
        `INSERT INTO api_keys (merchant_id, scope, mode, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)`,
        [merchantId, scope, mode, keyPrefix(key), hashApiKey(key)],
      );
      keys[mode][scope] = key;
    }
  }
  return keys;
}

/**
 * A merchant the API can take orders for: a pipeline of the direction over one sandbox gateway, keys of every
 * kind and, for payouts, an opening balance in the currency.
 */
export async function createApiMerchant(
  ds: DataSource,
  direction: Direction,
  opts: { currency?: string; balanceMinor?: number; gateways?: GatewaySpec[] } = {},
): Promise<OrderSetup & { keys: MerchantKeys }> {
  const setup = await createOrderSetup(ds, {
    direction,
    currency: opts.currency ?? 'USD',
    balanceMinor: opts.balanceMinor ?? (direction === 'payout' ? 10_000_000_00 : undefined),
    ...(opts.gateways ? { gateways: opts.gateways } : {}),
  });
  return { ...setup, keys: await createKeys(ds, setup.merchantId) };
}
