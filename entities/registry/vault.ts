import type { MigrationInterface } from 'typeorm';
import { CardVault1764100000000 } from '../migrations/1764100000000-card-vault';

/** Migrations of the card vault (vault/); it reads and writes its table with SQL, so it has no entities. */
export const VAULT_MIGRATIONS: Array<new () => MigrationInterface> = [CardVault1764100000000];
