import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Direction } from '../domain/order';
import type { RequisiteType } from '../domain/requisites';
import type { OperationsScope } from './blacklist-entry.entity';
import { ONE_OWNER_BY_SCOPE } from './columns';
import { GatewayEntity } from './gateway.entity';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/** What a rule counts: orders that ended Failed, or every order that reached its pre-checks. */
export type RoutingRuleCounts = 'failed' | 'attempts';
/** Block the order (1.2.4.43), move a gateway to the end of the route, or route to another pipeline or gateway. */
export type RoutingRuleAction = 'block' | 'lower-gateway' | 'to-pipeline' | 'to-gateway';

/**
 * A temporary restriction through routing (docs/routing-rules.md): more than `threshold` events of one requisite in
 * the last `windowSeconds`, and what to do then. Exactly one of `merchantId` and `pipelineId` is set, as `scope`
 * says; each action names exactly the target it needs. Written by api/admin/routing-rules.ts, read by
 * data/routing-rules.ts.
 */
@Entity('routing_rules')
@Index('routing_rules_merchant', ['merchantId'], { where: `merchant_id IS NOT NULL` })
@Index('routing_rules_pipeline', ['pipelineId'], { where: `pipeline_id IS NOT NULL` })
@Check('routing_rules_scope_check', `scope IN ('merchant', 'pipeline')`)
@Check('routing_rules_direction_check', `direction IN ('deposit', 'payout')`)
@Check('routing_rules_requisite_check', `requisite IN ('card', 'email', 'ip', 'phone', 'payeerIdentifier')`)
@Check('routing_rules_counts_check', `counts IN ('failed', 'attempts')`)
@Check('routing_rules_threshold_check', `threshold >= 0`)
@Check('routing_rules_window_seconds_check', `window_seconds BETWEEN 60 AND 2592000`)
@Check('routing_rules_action_check', `action IN ('block', 'lower-gateway', 'to-pipeline', 'to-gateway')`)
@Check('routing_rules_scope_owner', ONE_OWNER_BY_SCOPE)
@Check(
  'routing_rules_action_target',
  `(action = 'block' AND target_gateway_id IS NULL AND target_pipeline_id IS NULL)` +
    ` OR (action IN ('lower-gateway', 'to-gateway') AND target_gateway_id IS NOT NULL AND target_pipeline_id IS NULL)` +
    ` OR (action = 'to-pipeline' AND target_pipeline_id IS NOT NULL AND target_gateway_id IS NULL)`,
)
export class RoutingRuleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') scope!: OperationsScope;
  @ForeignKey(() => MerchantEntity, { name: 'routing_rules_merchant_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid', { name: 'merchant_id', nullable: true })
  merchantId!: string | null;
  @ForeignKey(() => PipelineEntity, { name: 'routing_rules_pipeline_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  /** NULL: both directions. */
  @Column('text', { nullable: true }) direction!: Direction | null;
  @Column('text') requisite!: RequisiteType;
  @Column('text') counts!: RoutingRuleCounts;
  /** The rule acts when the count in the window is more than this. */
  @Column('int') threshold!: number;
  @Column('int', { name: 'window_seconds' }) windowSeconds!: number;
  @Column('text') action!: RoutingRuleAction;
  @ForeignKey(() => GatewayEntity, { name: 'routing_rules_target_gateway_id_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'target_gateway_id', nullable: true })
  targetGatewayId!: string | null;
  @ForeignKey(() => PipelineEntity, { name: 'routing_rules_target_pipeline_id_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'target_pipeline_id', nullable: true })
  targetPipelineId!: string | null;
  @Column('boolean', { default: true }) enabled!: boolean;
  @Column('text', { nullable: true }) description!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
