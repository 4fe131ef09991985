import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A person (or tool) using the admin API, with a key of their own so that the audit log can say who changed what.
 * Only the key's SHA-256 digest is stored, as for merchant keys.
 */
@Entity('operators')
@Unique('operators_name_key', ['name'])
@Unique('operators_key_hash_key', ['keyHash'])
@Check('operators_name_check', `name <> ''`)
export class OperatorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  @Column('text', { name: 'key_hash' }) keyHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
