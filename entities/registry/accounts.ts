import type { MigrationInterface } from 'typeorm';
import { Accounts1764600000100 } from '../migrations/1764600000100-accounts';
import { UserLinkEntity } from '../user-link.entity';
import { UserSessionEntity } from '../user-session.entity';
import { UserEntity } from '../user.entity';

/** Issue 16's entities and migrations: users, their sessions and one-time links (owned by api/accounts/store.ts). */
export const ACCOUNTS_ENTITIES: Array<new () => unknown> = [UserEntity, UserSessionEntity, UserLinkEntity];
export const ACCOUNTS_MIGRATIONS: Array<new () => MigrationInterface> = [Accounts1764600000100];
