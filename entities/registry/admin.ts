import type { MigrationInterface } from 'typeorm';
import { AuditLogEntryEntity } from '../audit-log-entry.entity';
import { Admin1764000000000 } from '../migrations/1764000000000-admin';
import { OrderHistoryGateway1764000000001 } from '../migrations/1764000000001-order-history-gateway';
import { OperatorEntity } from '../operator.entity';

/** Entities and migrations of the admin API: operators and the audit log. */
export const ADMIN_ENTITIES: Array<new () => unknown> = [OperatorEntity, AuditLogEntryEntity];
export const ADMIN_MIGRATIONS: Array<new () => MigrationInterface> = [
  Admin1764000000000,
  OrderHistoryGateway1764000000001,
];
