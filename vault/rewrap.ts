import type { DataSource } from 'typeorm';
import { resealGatewaySettings } from '../data/gateways';
import { resealCallbackSecret } from '../data/merchants';
import type { Keyring } from '../infra/security/keyring';
import {
  CALLBACK_SECRET_CONTEXT,
  decryptSecret,
  encryptSecret,
  needsReencryption,
  reencryptSecretSettings,
  secretKeyId,
} from '../infra/security/secrets-at-rest';
import { CardVault } from './card-vault';

/** What a re-wrap did, and how many records each master key other than the active one still protects. */
export interface RewrapReport {
  /** Vault data keys re-wrapped under the active key. */
  rewrapped: number;
  /** Merchant callback secrets and gateways whose credentials were encrypted (from clear) or moved to the active key. */
  secrets: number;
  /** Records still under another key (a key the ring lacks, or rows locked during the run), by key id. */
  remaining: Record<string, number>;
}

/**
 * Brings everything the engine encrypts at rest under the keyring's active master key: the card vault's data keys
 * (re-wrapped, ciphertexts untouched), merchants' callback secrets and gateways' credentials (encrypted when still
 * in clear, re-encrypted when under an older key). Short transactions, row by row: orders keep flowing, and
 * running it again finishes an interrupted run.
 */
export async function rewrapEverything(
  dataSource: DataSource,
  keyring: Keyring,
  /** Only these merchants' secrets and these gateways' credentials (tests share one database); all when absent. */
  only?: { merchantIds: string[]; gatewayIds: string[] },
): Promise<RewrapReport> {
  const rewrapped = await new CardVault(dataSource, keyring).rewrapAll();
  let secrets = 0;

  const merchants = (await dataSource.query(
    `SELECT id, callback_secret FROM merchants WHERE callback_secret IS NOT NULL AND ($1::uuid[] IS NULL OR id = ANY($1))`,
    [only?.merchantIds ?? null],
  )) as Array<{ id: string; callback_secret: string }>;
  for (const m of merchants.filter((row) => needsReencryption(keyring, row.callback_secret))) {
    const next = encryptSecret(
      keyring,
      decryptSecret(keyring, m.callback_secret, CALLBACK_SECRET_CONTEXT),
      CALLBACK_SECRET_CONTEXT,
    );
    // Only if nobody changed it meanwhile: a concurrent change wins, the next run picks it up.
    await resealCallbackSecret(dataSource, m.id, m.callback_secret, next);
    secrets += 1;
  }

  const gateways = (await dataSource.query(
    `SELECT id, settings FROM gateways WHERE $1::uuid[] IS NULL OR id = ANY($1)`,
    [only?.gatewayIds ?? null],
  )) as Array<{
    id: string;
    settings: Record<string, unknown>;
  }>;
  for (const g of gateways) {
    const next = reencryptSecretSettings(keyring, g.settings ?? {});
    if (!next) continue;
    await resealGatewaySettings(dataSource, g.id, g.settings, next);
    secrets += 1;
  }

  const remaining: Record<string, number> = {};
  const count = (keyId: string | null) => {
    if (keyId !== null && keyId !== keyring.activeId) remaining[keyId] = (remaining[keyId] ?? 0) + 1;
  };
  const vaultRows = (await dataSource.query(
    `SELECT key_id, count(*)::int AS n FROM card_vault WHERE key_id <> $1 GROUP BY key_id`,
    [keyring.activeId],
  )) as Array<{ key_id: string; n: number }>;
  for (const r of vaultRows) remaining[r.key_id] = r.n;
  const storedSecrets = (await dataSource.query(
    `SELECT callback_secret AS v FROM merchants WHERE callback_secret LIKE 'enc:%'
     UNION ALL SELECT s.value #>> '{}' FROM gateways, jsonb_each(settings) s
      WHERE jsonb_typeof(s.value) = 'string' AND s.value #>> '{}' LIKE 'enc:%'`,
  )) as Array<{ v: string }>;
  for (const { v } of storedSecrets) count(secretKeyId(v));
  return { rewrapped, secrets, remaining };
}
