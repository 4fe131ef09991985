/**
 * `npm run rewrap-keys`: after a new master key was put first in MASTER_KEYS (the old one still listed), re-wraps
 * every data key still under an older master key, while the engine keeps running. When it reports nothing left
 * under the old key, the old key can be removed from MASTER_KEYS. See docs/card-vault.md, "Rotating the master key".
 */
import { loadConfigOrExit, RewrapEnv } from '../config/env';
import { createDataSource } from '../entities/data-source';
import { Keyring } from '../infra/security/keyring';
import { rewrapEverything } from '../vault/rewrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(RewrapEnv);
  const keyring = Keyring.parse(config.MASTER_KEYS);
  const dataSource = await createDataSource(config.DATABASE_URL, {
    poolSize: 1,
    applicationName: 'paystar-rewrap-keys',
  }).initialize();
  try {
    const report = await rewrapEverything(dataSource, keyring);
    console.log(`Re-wrapped under ${keyring.activeId}: ${report.rewrapped} record(s).`);
    for (const [keyId, count] of Object.entries(report.remaining)) {
      console.log(`  still under ${keyId}: ${count}`);
    }
    if (Object.keys(report.remaining).length === 0) {
      console.log(`Nothing is left under another key: keys other than ${keyring.activeId} may be dropped.`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
