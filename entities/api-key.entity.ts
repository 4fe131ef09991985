import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Direction, KeyMode } from '../domain/order';

/**
 * A merchant's bearer key. Only its SHA-256 digest is stored (keys are long random strings, so a fast hash is
 * enough); the prefix lets operators recognise a key without being able to use it.
 */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId!: string;
  /** Deposit keys work only on deposit paths, payout keys only on payout paths. */
  @Column('text') scope!: Direction;
  @Column('text') mode!: KeyMode;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  @Index({ unique: true }) @Column('text', { name: 'key_hash' }) keyHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  /** The pipeline this key's orders go through; NULL: the merchant's oldest pipeline of the key's direction. */
  @Column('uuid', { name: 'pipeline_id', nullable: true }) pipelineId!: string | null;
  /** Operators' name for the key (e.g. "shop backend"). */
  @Column('text', { nullable: true }) label!: string | null;
  /** The key a rotation issued in this one's place. */
  @Column('uuid', { name: 'replaced_by', nullable: true }) replacedBy!: string | null;
}
