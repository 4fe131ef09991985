import type { DataSource } from 'typeorm';
import type { Direction } from '../../domain/order';
import { createOrderSetup, type GatewaySpec, type OrderSetup } from '../../simulation/order-setup';
import { createKeys, type MerchantKeys } from './merchants';

export { createKeys, type MerchantKeys } from './merchants';

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
