import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../../entities/api-key.entity';
import { createDataSource } from '../../entities/data-source';
import { GatewayEntity } from '../../entities/gateway.entity';
import { MerchantEntity } from '../../entities/merchant.entity';
import { generateApiKey, hashApiKey, keyPrefix } from '../../infra/security/api-keys';
import { fromSetup, TEST_DATABASE_URL } from '../setup/services';

/** A DataSource on the run's shared test database. Tests isolate themselves by creating their own merchants. */
export function testDataSource(): Promise<DataSource> {
  return createDataSource(fromSetup(TEST_DATABASE_URL), { poolSize: 5 }).initialize();
}

/** A fresh merchant with one sandbox gateway, so tests never see each other's rows. */
export async function createMerchantWithSandboxGateway(ds: DataSource) {
  const merchant = await ds.getRepository(MerchantEntity).save({ name: `test merchant ${randomUUID()}` });
  const gateway = await ds.getRepository(GatewayEntity).save({
    code: `sandbox-${randomUUID()}`,
    name: 'Sandbox',
    connector: 'sandbox',
    mode: 'sandbox',
    settings: {},
  });
  return { merchant, gateway };
}

/** A fresh merchant with a sandbox deposit key and a sandbox payout key (returned in clear, stored hashed). */
export async function createMerchantWithKeys(ds: DataSource) {
  const merchant = await ds.getRepository(MerchantEntity).save({ name: `test merchant ${randomUUID()}` });
  const depositKey = generateApiKey('deposit', 'sandbox');
  const payoutKey = generateApiKey('payout', 'sandbox');
  for (const [scope, key] of [
    ['deposit', depositKey],
    ['payout', payoutKey],
  ] as const) {
    await ds.getRepository(ApiKeyEntity).save({
      merchantId: merchant.id,
      scope,
      mode: 'sandbox',
      keyPrefix: keyPrefix(key),
      keyHash: hashApiKey(key),
      revokedAt: null,
    });
  }
  return { merchantId: merchant.id, depositKey, payoutKey };
}
