import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RequisiteType } from '../domain/requisites';

/** Whom a black-list or limit row applies to: all of a merchant's pipelines, or one pipeline. */
export type OperationsScope = 'merchant' | 'pipeline';

/**
 * A blocked requisite. `value` is the normalised form the pre-check compares with (for a card, its keyed
 * fingerprint, never the number); `displayValue` is what operators see (the masked card). Exactly one of
 * `merchantId` and `pipelineId` is set, as `scope` says.
 */
@Entity('blacklist_entries')
@Index('blacklist_entries_type_value', ['type', 'value'])
export class BlacklistEntryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') type!: RequisiteType;
  @Column('text') value!: string;
  @Column('text', { name: 'display_value' }) displayValue!: string;
  @Column('text') scope!: OperationsScope;
  @Column('uuid', { name: 'merchant_id', nullable: true }) merchantId!: string | null;
  @Column('uuid', { name: 'pipeline_id', nullable: true }) pipelineId!: string | null;
  @Column('text', { nullable: true }) description!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
