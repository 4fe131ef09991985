import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { fromSetup, TEST_DATABASE_URL } from '../setup/services';

/**
 * One truth for the schema (docs/schema.md): the entities in entities/ describe exactly what the migrations build.
 * A fresh database is migrated, then TypeORM is asked what it would change to match the entities: nothing, and
 * every table the migrations made has its entity.
 */

let admin: Client;
let dataSource: DataSource;
const database = `schema_truth_${randomUUID().replace(/-/g, '')}`;

beforeAll(async () => {
  const server = new URL(fromSetup(TEST_DATABASE_URL));
  server.pathname = '/postgres';
  admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  server.pathname = `/${database}`;
  dataSource = await createDataSource(server.toString(), { poolSize: 2 }).initialize();
  await runMigrations(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
  await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin?.end();
});

test('after every migration, TypeORM finds nothing to change: the entities match the schema column for column', async () => {
  const pending = await dataSource.driver.createSchemaBuilder().log();
  expect(pending.upQueries.map((q) => q.query)).toEqual([]);
});

test('every table the migrations create has an entity, and every entity a table', async () => {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const migrated = rows.map((r) => r.table_name).filter((t) => t !== 'migrations');
  const described = dataSource.entityMetadatas.map((m) => m.tableName);
  expect([...described].sort()).toEqual([...migrated].sort());
});
