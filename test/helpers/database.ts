import type { DataSource } from 'typeorm';
import { createDataSource } from '../../entities/data-source';
import { GatewayEntity } from '../../entities/gateway.entity';
import { MerchantEntity } from '../../entities/merchant.entity';
import { fromSetup, TEST_DATABASE_URL } from '../setup/services';
import { createGateway, createKeys, createMerchant } from './merchants';

/** A DataSource on the run's shared test database. Tests isolate themselves by creating their own merchants. */
export function testDataSource(): Promise<DataSource> {
  return createDataSource(fromSetup(TEST_DATABASE_URL), { poolSize: 5 }).initialize();
}

/** A fresh merchant with one sandbox gateway, so tests never see each other's rows. */
export async function createMerchantWithSandboxGateway(ds: DataSource) {
  const merchantId = await createMerchant(ds);
  const merchant = await ds.getRepository(MerchantEntity).findOneByOrFail({ id: merchantId });
  const gatewayId = await createGateway(ds, 'sandbox', 'Sandbox');
  const gateway = await ds.getRepository(GatewayEntity).findOneByOrFail({ id: gatewayId });
  return { merchant, gateway };
}

/** A fresh merchant with a sandbox deposit key and a sandbox payout key (returned in clear, stored hashed). */
export async function createMerchantWithKeys(ds: DataSource) {
  const merchantId = await createMerchant(ds);
  const { sandbox } = await createKeys(ds, merchantId, ['sandbox']);
  return { merchantId, depositKey: sandbox.deposit, payoutKey: sandbox.payout };
}
