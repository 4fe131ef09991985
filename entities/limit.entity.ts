import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Direction } from '../domain/order';
import type { OperationsScope } from './blacklist-entry.entity';
import { bigintAsNumber } from './columns';

/**
 * Amount limits of a merchant or a pipeline for one direction and currency; each NULL column is no limit. Daily
 * limits count UTC days (see docs/operations.md for which orders count).
 */
@Entity('limits')
export class LimitEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') scope!: OperationsScope;
  @Column('uuid', { name: 'merchant_id', nullable: true }) merchantId!: string | null;
  @Column('uuid', { name: 'pipeline_id', nullable: true }) pipelineId!: string | null;
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
