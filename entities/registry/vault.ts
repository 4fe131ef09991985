import type { MigrationInterface } from 'typeorm';
import { CardVault1764300000000 } from '../migrations/1764300000000-card-vault';
import { SecretsAtRest1764300000001 } from '../migrations/1764300000001-secrets-at-rest';

/**
 * Migrations of the card vault (vault/) and of secrets at rest; the vault reads and writes its table with SQL, so
 * it has no entities.
 */
export const VAULT_MIGRATIONS: Array<new () => MigrationInterface> = [
  CardVault1764300000000,
  SecretsAtRest1764300000001,
];
