import type { MigrationInterface } from 'typeorm';
import { BalanceHoldEntity } from '../balance-hold.entity';
import { BlacklistEntryEntity } from '../blacklist-entry.entity';
import { CommissionEntity } from '../commission.entity';
import { LimitEntity } from '../limit.entity';
import { Operations1763800000000 } from '../migrations/1763800000000-operations';
import { PipelineEntity } from '../pipeline.entity';
import { RouteEntity } from '../route.entity';

/** Entities and migrations of the operations side (pipelines, routes, black list, limits, commissions, holds). */
export const OPERATIONS_ENTITIES: Array<new () => unknown> = [
  PipelineEntity,
  RouteEntity,
  BlacklistEntryEntity,
  LimitEntity,
  CommissionEntity,
  BalanceHoldEntity,
];
export const OPERATIONS_MIGRATIONS: Array<new () => MigrationInterface> = [Operations1763800000000];
