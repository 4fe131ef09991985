import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../entities/data-source';
import { GatewayEntity } from '../../entities/gateway.entity';
import { MerchantEntity } from '../../entities/merchant.entity';
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
