import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { Direction } from '../domain/order';
import { bigintAsNumber } from './columns';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/**
 * A merchant's fee for one direction: `percent` of the amount (rounded half-up to a minor unit) plus `fixedMinor`.
 * NULL pipeline or currency means any; the most specific matching row wins (pipeline+currency > pipeline >
 * currency > neither).
 */
@Entity('commissions')
/** NULLS NOT DISTINCT in the migration: at most one row per specificity level. */
@Unique('commissions_specificity', ['merchantId', 'direction', 'pipelineId', 'currency'])
@Check('commissions_direction_check', `direction IN ('deposit', 'payout')`)
@Check('commissions_percent_check', `percent >= 0 AND percent <= 100`)
@Check('commissions_fixed_minor_check', `fixed_minor >= 0`)
export class CommissionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'commissions_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @ForeignKey(() => PipelineEntity, { name: 'commissions_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  @Column('text') direction!: Direction;
  @Column('char', { length: 3, nullable: true }) currency!: string | null;
  /** A decimal string as PostgreSQL returns numeric (e.g. "2.5000"), so no binary rounding creeps in. */
  @Column('numeric', { precision: 7, scale: 4, default: 0 }) percent!: string;
  @Column('bigint', { name: 'fixed_minor', default: 0, transformer: bigintAsNumber }) fixedMinor!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
