import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * A one-time secret (seed 000's Secure data; docs/one-time-secrets.md): AES-GCM ciphertext and its IV, encrypted
 * in the browser with a key that lives only in the link's fragment, so the server cannot read it. Opening takes a
 * view atomically; the row is deleted at its last view, and expired rows are refused and purged. Owned by
 * data/one-time-secrets.ts.
 */
@Entity('one_time_secrets')
@Index('one_time_secrets_expires_at', ['expiresAt'])
@Check('one_time_secrets_views_left_check', `views_left >= 0`)
export class OneTimeSecretEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('bytea') ciphertext!: Buffer;
  @Column('bytea') iv!: Buffer;
  @Column('integer', { name: 'views_left' }) viewsLeft!: number;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @ForeignKey(() => UserEntity, { name: 'one_time_secrets_created_by_fkey' })
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
