import type { MigrationInterface } from 'typeorm';
import { Accounts1764600000100 } from '../migrations/1764600000100-accounts';

/** Issue 16's migrations: users, their sessions and one-time links (owned by api/accounts/store.ts). */
export const ACCOUNTS_MIGRATIONS: Array<new () => MigrationInterface> = [Accounts1764600000100];
