import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { cleanUp } from '../../infra/process/cleanup';
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

/**
 * A database of its own, empty, on the run's PostgreSQL server: for a test that reads every row (another file's
 * rows would be noise) or builds the schema itself. `drop` removes it; the DataSources on it must be closed first.
 */
export async function createThrowawayDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(fromSetup(TEST_DATABASE_URL));
  server.pathname = '/postgres';
  const name = `${prefix}_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  server.pathname = `/${name}`;
  return {
    url: server.toString(),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A migrated database of its own (see createThrowawayDatabase); `destroy` closes the DataSource and drops it. */
export async function migratedThrowawayDatabase(prefix: string): Promise<{ ds: DataSource; destroy(): Promise<void> }> {
  const database = await createThrowawayDatabase(prefix);
  const ds = await createDataSource(database.url, { poolSize: 5 }).initialize();
  await runMigrations(ds);
  return { ds, destroy: () => cleanUp([() => ds.destroy(), () => database.drop()]) };
}

/**
 * Undoes the newest migrations down to and including `name`: the schema as the release before it left it, whatever
 * migrations came after it (a test of one migration must not assume it is the newest).
 */
export async function undoMigrationsThrough(ds: DataSource, name: string): Promise<void> {
  for (;;) {
    const [last]: Array<{ name: string }> = await ds.query(
      `SELECT name FROM migrations ORDER BY timestamp DESC, id DESC LIMIT 1`,
    );
    if (!last) throw new Error(`migration ${name} is not applied`);
    await ds.undoLastMigration({ transaction: 'each' });
    if (last.name === name) return;
  }
}
