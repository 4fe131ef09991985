import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { createThrowawayDatabase } from '../helpers/database';

/**
 * One truth for the schema (docs/schema.md): the entities in entities/ describe exactly what the migrations build.
 * A fresh database is migrated, then TypeORM is asked what it would change to match the entities: nothing, and
 * every table the migrations made has its entity.
 */

let dataSource: DataSource;
let fromEntities: DataSource;
const drops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const migrated = await createThrowawayDatabase('schema_truth');
  drops.push(migrated.drop);
  dataSource = await createDataSource(migrated.url, { poolSize: 2 }).initialize();
  await runMigrations(dataSource);
  // The same schema built the other way, from the entities alone: only here, on a throwaway database.
  const synchronized = await createThrowawayDatabase('schema_entities');
  drops.push(synchronized.drop);
  fromEntities = await createDataSource(synchronized.url, { poolSize: 2 }).initialize();
  await fromEntities.synchronize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await fromEntities?.destroy();
  for (const drop of drops) await drop();
});

/** The schema as PostgreSQL describes it: columns, constraints and indexes, each in PostgreSQL's own words. */
async function describeSchema(ds: DataSource): Promise<string[]> {
  const rows: Array<{ line: string }> = await ds.query(`
    SELECT format('column %s.%s %s%s%s%s', c.table_name, c.column_name, c.data_type,
                  CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END,
                  -- GENERATED ALWAYS or BY DEFAULT AS IDENTITY: no default to read, and TypeORM does not compare it.
                  coalesce(' identity ' || lower(c.identity_generation), ''),
                  -- A number default reads 0 or '0'::bigint depending on how it was written: the same value.
                  coalesce(' default ' || regexp_replace(c.column_default, '^''(-?[0-9.]+)''::[a-z ]+$', '\\1'), ''))
             AS line
      FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name <> 'migrations'
    UNION ALL
    SELECT format('constraint %s.%s %s', t.relname, k.conname, pg_get_constraintdef(k.oid))
      FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname <> 'migrations' AND k.contype <> 'p'
    UNION ALL
    SELECT format('index %s', regexp_replace(pg_get_indexdef(i.indexrelid), ' ON public[.]', ' ON '))
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname <> 'migrations' AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`);
  return rows.map((r) => r.line).sort();
}

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

test('the schema TypeORM builds from the entities is the migrated one, check expressions included', async () => {
  const migrated = await describeSchema(dataSource);
  const described = await describeSchema(fromEntities);
  // What an entity cannot say (docs/schema.md): NULLS NOT DISTINCT, so these two uniques differ by those words; and
  // the expression (GIN) index of the issues' free-text search, declared with synchronize: false.
  const inexpressible = (line: string) =>
    /^constraint \w+\.(blacklist_entries_one_per_owner|commissions_specificity) UNIQUE /.test(line) ||
    line.startsWith('index CREATE INDEX issues_search ON issues USING gin ');
  expect(described.filter((l) => !migrated.includes(l) && !inexpressible(l))).toEqual([]);
  expect(migrated.filter((l) => !described.includes(l) && !inexpressible(l))).toEqual([]);
});
