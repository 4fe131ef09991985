import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Direction, KeyMode } from '../domain/order';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/**
 * A merchant's bearer key. Only its SHA-256 digest is stored (keys are long random strings, so a fast hash is
 * enough); the prefix lets operators recognise a key without being able to use it.
 */
@Entity('api_keys')
@Index('api_keys_merchant', ['merchantId'])
@Check('api_keys_scope_check', `scope IN ('deposit', 'payout')`)
@Check('api_keys_mode_check', `mode IN ('sandbox', 'live')`)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'api_keys_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  /** Deposit keys work only on deposit paths, payout keys only on payout paths. */
  @Column('text') scope!: Direction;
  @Column('text') mode!: KeyMode;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  @Index('api_keys_key_hash', { unique: true }) @Column('text', { name: 'key_hash' }) keyHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  /** The pipeline this key's orders go through; NULL: the merchant's oldest pipeline of the key's direction. */
  @ForeignKey(() => PipelineEntity, { name: 'api_keys_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  /** Operators' name for the key (e.g. "shop backend"). */
  @Column('text', { nullable: true }) label!: string | null;
  /** The key a rotation issued in this one's place. */
  @ForeignKey(() => ApiKeyEntity, { name: 'api_keys_replaced_by_fkey' })
  @Column('uuid', { name: 'replaced_by', nullable: true })
  replacedBy!: string | null;
}
