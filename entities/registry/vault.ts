import type { MigrationInterface } from 'typeorm';
import { CardVault1764300000000 } from '../migrations/1764300000000-card-vault';
import { SecretsAtRest1764300000001 } from '../migrations/1764300000001-secrets-at-rest';

/** Migrations of the card vault (vault/; its table's entity is card-vault-entry.entity.ts) and of secrets at rest. */
export const VAULT_MIGRATIONS: Array<new () => MigrationInterface> = [
  CardVault1764300000000,
  SecretsAtRest1764300000001,
];
