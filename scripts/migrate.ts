/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import { loadConfigOrExit, MigrateEnv } from '../config/env';
import { createDataSource, runMigrations } from '../entities/data-source';

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfigOrExit(MigrateEnv);
  const dataSource = await createDataSource(DATABASE_URL, {
    poolSize: 1,
    applicationName: 'paystar-migrate',
  }).initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
