import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { PaymentMethod } from '../domain/requisites';
import { bigintAsNumber } from './columns';
import { GatewayEntity } from './gateway.entity';
import { PipelineEntity } from './pipeline.entity';

/**
 * One gateway of a pipeline, tried in `position` order. A NULL condition matches anything: any currency, no lower
 * or upper amount bound, any method.
 */
@Entity('routes')
@Unique('routes_pipeline_position', ['pipelineId', 'position'], { deferrable: 'INITIALLY IMMEDIATE' })
@Index('routes_gateway', ['gatewayId'])
@Check('routes_position_check', `position >= 0`)
@Check('routes_min_amount_minor_check', `min_amount_minor >= 0`)
@Check('routes_max_amount_minor_check', `max_amount_minor > 0`)
@Check('routes_method_check', `method IN ('card', 'p2p', 'token')`)
@Check('routes_amount_range', `min_amount_minor <= max_amount_minor`)
export class RouteEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => PipelineEntity, { name: 'routes_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id' })
  pipelineId!: string;
  @ForeignKey(() => GatewayEntity, { name: 'routes_gateway_id_fkey' })
  @Column('uuid', { name: 'gateway_id' })
  gatewayId!: string;
  @Column('int') position!: number;
  @Column('boolean', { default: true }) enabled!: boolean;
  @Column('char', { length: 3, nullable: true }) currency!: string | null;
  @Column('bigint', { name: 'min_amount_minor', nullable: true, transformer: bigintAsNumber })
  minAmountMinor!: number | null;
  @Column('bigint', { name: 'max_amount_minor', nullable: true, transformer: bigintAsNumber })
  maxAmountMinor!: number | null;
  @Column('text', { nullable: true }) method!: PaymentMethod | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
