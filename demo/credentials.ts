import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { generateApiKey, randomSecret } from '../infra/security/api-keys';

/**
 * Credentials of the local stack: the embedded database password, the demo merchant's keys and the admin key.
 * Keys are stored hashed in the database and cannot be shown again, so `npm start` keeps their clear text in this
 * file inside the ignored data folder (mode 0600) to print them on every start. Variables fix them instead.
 */
const LocalCredentials = z.object({
  postgresPassword: z.string().min(16),
  depositKey: z.string().min(16),
  payoutKey: z.string().min(16),
  adminKey: z.string().min(16),
  secretsKey: z.string().min(32),
  /** The credential in the path of the codec endpoint the dev server's Web UI decodes payloads with. */
  codecToken: z.string().min(16),
  /** The first passwords of the people `npm start` creates (api/accounts/seed.ts); they may change them later. */
  operatorPassword: z.string().min(16),
  merchantUserPassword: z.string().min(16),
});
export type LocalCredentials = z.infer<typeof LocalCredentials>;

/** Reads the credentials file, fills what is missing, applies the variables that fix a value, and saves it. */
export async function loadLocalCredentials(
  dataDir: string,
  fixed: { DEMO_DEPOSIT_KEY?: string; DEMO_PAYOUT_KEY?: string; ADMIN_KEY?: string; SECRETS_KEY?: string },
): Promise<LocalCredentials> {
  const file = path.join(dataDir, 'credentials.json');
  let stored: Partial<LocalCredentials> = {};
  try {
    stored = LocalCredentials.partial().parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is unreadable: delete it to reset`);
  }
  const credentials: LocalCredentials = {
    postgresPassword: stored.postgresPassword ?? randomSecret(),
    depositKey: fixed.DEMO_DEPOSIT_KEY ?? stored.depositKey ?? generateApiKey('deposit', 'sandbox'),
    payoutKey: fixed.DEMO_PAYOUT_KEY ?? stored.payoutKey ?? generateApiKey('payout', 'sandbox'),
    adminKey: fixed.ADMIN_KEY ?? stored.adminKey ?? `ps_admin_${randomSecret(32)}`,
    secretsKey: fixed.SECRETS_KEY ?? stored.secretsKey ?? randomSecret(32),
    codecToken: stored.codecToken ?? randomSecret(32),
    operatorPassword: stored.operatorPassword ?? randomSecret(18),
    merchantUserPassword: stored.merchantUserPassword ?? randomSecret(18),
  };
  // Nobody else may list it when we create it, but the `postgres` user may pass through to its cluster (as root);
  // the files in it are private (credentials 0600, temporal.db 0600, the cluster 0700).
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
