import type { MigrationInterface } from 'typeorm';
import { BalanceHoldEntity } from '../balance-hold.entity';
import { BlacklistEntryEntity } from '../blacklist-entry.entity';
import { CommissionEntity } from '../commission.entity';
import { LimitEntity } from '../limit.entity';
import { Operations1763800000000 } from '../migrations/1763800000000-operations';
import { RoutingRules1764600000000 } from '../migrations/1764600000000-routing-rules';
import { PipelineEntity } from '../pipeline.entity';
import { RouteEntity } from '../route.entity';
import { RoutingEventEntity } from '../routing-event.entity';
import { RoutingRuleEntity } from '../routing-rule.entity';

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

/**
 * Routing rules with time windows and the events they count (issue 14). They run last: they refer to merchants,
 * pipelines and gateways, and the events to orders of every earlier shape.
 */
export const ROUTING_RULE_ENTITIES: Array<new () => unknown> = [RoutingRuleEntity, RoutingEventEntity];
export const ROUTING_RULE_MIGRATIONS: Array<new () => MigrationInterface> = [RoutingRules1764600000000];
