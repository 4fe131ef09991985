import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Direction } from '../domain/order';
import { MerchantEntity } from './merchant.entity';

/** A merchant's named pipeline for one direction: its routes, and the scope of pipeline-level rules. */
@Entity('pipelines')
@Unique('pipelines_merchant_direction_name', ['merchantId', 'direction', 'name'])
@Check('pipelines_direction_check', `direction IN ('deposit', 'payout')`)
@Check('pipelines_max_gateways_check', `max_gateways > 0`)
export class PipelineEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'pipelines_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @Column('text') direction!: Direction;
  @Column('text') name!: string;
  /** Off: an order tries only the first matching gateway of the route. */
  @Column('boolean', { name: 'cascade_enabled', default: true }) cascadeEnabled!: boolean;
  /** At most this many gateways per order; NULL: every matching gateway. */
  @Column('int', { name: 'max_gateways', nullable: true }) maxGateways!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
