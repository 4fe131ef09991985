import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { RequisiteType } from '../domain/requisites';
import { ONE_OWNER_BY_SCOPE } from './columns';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/** Whom a black-list or limit row applies to: all of a merchant's pipelines, or one pipeline. */
export type OperationsScope = 'merchant' | 'pipeline';

/**
 * A blocked requisite. `value` is the normalised form the pre-check compares with (for a card, its keyed
 * fingerprint, never the number); `displayValue` is what operators see (the masked card). Exactly one of
 * `merchantId` and `pipelineId` is set, as `scope` says.
 */
@Entity('blacklist_entries')
@Index('blacklist_entries_type_value', ['type', 'value'])
@Index('blacklist_entries_created_at', ['createdAt', 'id'])
/** NULLS NOT DISTINCT in the migration: one row per requisite and owner. */
@Unique('blacklist_entries_one_per_owner', ['type', 'value', 'scope', 'merchantId', 'pipelineId'])
@Check('blacklist_entries_type_check', `type IN ('card', 'email', 'ip', 'phone', 'payeerIdentifier')`)
@Check('blacklist_entries_scope_check', `scope IN ('merchant', 'pipeline')`)
@Check('blacklist_entries_scope', ONE_OWNER_BY_SCOPE)
@Check('blacklist_entries_card_fingerprint', `type <> 'card' OR value ~ '^[0-9a-f]{64}$'`)
export class BlacklistEntryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') type!: RequisiteType;
  @Column('text') value!: string;
  @Column('text', { name: 'display_value' }) displayValue!: string;
  @Column('text') scope!: OperationsScope;
  @ForeignKey(() => MerchantEntity, { name: 'blacklist_entries_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id', nullable: true })
  merchantId!: string | null;
  @ForeignKey(() => PipelineEntity, { name: 'blacklist_entries_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  @Column('text', { nullable: true }) description!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
