import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person (or tool) using the admin API, with a key of their own so that the audit log can say who changed what.
 * Only the key's SHA-256 digest is stored, as for merchant keys.
 */
@Entity('operators')
@Check('operators_name_check', `name <> ''`)
export class OperatorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { unique: true }) name!: string;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  @Column('text', { name: 'key_hash', unique: true }) keyHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
