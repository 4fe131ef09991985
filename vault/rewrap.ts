import type { DataSource } from 'typeorm';
import type { Keyring } from '../infra/security/keyring';
import { CardVault } from './card-vault';

/** What a re-wrap did, and how many records each master key other than the active one still protects. */
export interface RewrapReport {
  rewrapped: number;
  remaining: Record<string, number>;
}

/**
 * Re-wraps every data key the engine stores (the card vault's) under the keyring's active master key. Rows are
 * re-wrapped in short transactions, so orders keep flowing; running it again finishes an interrupted run.
 */
export async function rewrapEverything(dataSource: DataSource, keyring: Keyring): Promise<RewrapReport> {
  const rewrapped = await new CardVault(dataSource, keyring).rewrapAll();
  const rows = (await dataSource.query(
    `SELECT key_id, count(*)::int AS n FROM card_vault WHERE key_id <> $1 GROUP BY key_id ORDER BY key_id`,
    [keyring.activeId],
  )) as Array<{ key_id: string; n: number }>;
  return { rewrapped, remaining: Object.fromEntries(rows.map((r) => [r.key_id, r.n])) };
}
