import type { MigrationInterface } from 'typeorm';
import { BalanceHoldEntity } from '../balance-hold.entity';
import { BlacklistEntryEntity } from '../blacklist-entry.entity';
import { CommissionEntity } from '../commission.entity';
import { LimitEntity } from '../limit.entity';
import { Operations1763800000000 } from '../migrations/1763800000000-operations';
import { MoneyModes1764200000000 } from '../migrations/1764200000000-money-modes';
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
/** Runs after every table it touches exists (orders.mode, api_keys, gateways). */
export const MONEY_MODES_MIGRATIONS: Array<new () => MigrationInterface> = [MoneyModes1764200000000];
