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
import type { OperationsScope } from './blacklist-entry.entity';
import { bigintAsNumber, ONE_OWNER_BY_SCOPE } from './columns';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/**
 * Amount limits of a merchant or a pipeline for one direction and currency; each NULL column is no limit. Daily
 * limits count UTC days (see docs/operations.md for which orders count).
 */
@Entity('limits')
/** One row per owner, direction and currency, so that "the" limit of a scope is never ambiguous. */
@Index('limits_merchant', ['merchantId', 'direction', 'currency'], { unique: true, where: `scope = 'merchant'` })
@Index('limits_pipeline', ['pipelineId', 'direction', 'currency'], { unique: true, where: `scope = 'pipeline'` })
@Check('limits_scope_check', `scope IN ('merchant', 'pipeline')`)
@Check('limits_direction_check', `direction IN ('deposit', 'payout')`)
@Check('limits_min_amount_minor_check', `min_amount_minor >= 0`)
@Check('limits_max_amount_minor_check', `max_amount_minor >= 0`)
@Check('limits_daily_volume_minor_check', `daily_volume_minor >= 0`)
@Check('limits_daily_count_check', `daily_count >= 0`)
@Check('limits_scope', ONE_OWNER_BY_SCOPE)
@Check('limits_amount_range', `min_amount_minor <= max_amount_minor`)
export class LimitEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') scope!: OperationsScope;
  @ForeignKey(() => MerchantEntity, { name: 'limits_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id', nullable: true })
  merchantId!: string | null;
  @ForeignKey(() => PipelineEntity, { name: 'limits_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  @Column('text') direction!: Direction;
  @Column('char', { length: 3 }) currency!: string;
  @Column('bigint', { name: 'min_amount_minor', nullable: true, transformer: bigintAsNumber })
  minAmountMinor!: number | null;
  @Column('bigint', { name: 'max_amount_minor', nullable: true, transformer: bigintAsNumber })
  maxAmountMinor!: number | null;
  @Column('bigint', { name: 'daily_volume_minor', nullable: true, transformer: bigintAsNumber })
  dailyVolumeMinor!: number | null;
  @Column('int', { name: 'daily_count', nullable: true }) dailyCount!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
