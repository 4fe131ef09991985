import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { freePort } from '../net';
import { randomSecret } from '../security/api-keys';
import { EmbeddedPostgres } from './embedded-postgres';

/** A migrated database in a fresh embedded PostgreSQL cluster, deleted when stopped. For tests and tools. */
export async function startThrowawayDatabase(
  name = 'paystar',
): Promise<{ url: string; pg: EmbeddedPostgres; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-pg-'));
  // PostgreSQL runs as its own user when we are root; it must be able to reach its data folder.
  await chmod(dir, 0o755);
  const pg = await EmbeddedPostgres.start({
    dataDir: path.join(dir, 'data'),
    port: await freePort(),
    password: randomSecret(),
    ephemeral: true,
  });
  try {
    await pg.ensureDatabase(name);
    const ds = await createDataSource(pg.url(name), { poolSize: 1 }).initialize();
    await runMigrations(ds);
    await ds.destroy();
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    url: pg.url(name),
    pg,
    async stop() {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
