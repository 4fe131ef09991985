import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { PaymentMethod } from '../domain/requisites';
import { bigintAsNumber } from './columns';

/**
 * One gateway of a pipeline, tried in `position` order. A NULL condition matches anything: any currency, no lower
 * or upper amount bound, any method.
 */
@Entity('routes')
@Unique('routes_pipeline_position', ['pipelineId', 'position'], { deferrable: 'INITIALLY IMMEDIATE' })
export class RouteEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'pipeline_id' }) pipelineId!: string;
  @Column('uuid', { name: 'gateway_id' }) gatewayId!: string;
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
