import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';

/** Why a one-time link was issued: to set the first password, or to reset it. */
export type UserLinkPurpose = 'invite' | 'reset';

/** A one-time link that sets a user's password; its token is stored only as a SHA-256 digest. Owned by api/accounts/store.ts. */
@Entity('user_links')
@Unique('user_links_token_hash_key', ['tokenHash'])
@Index('user_links_user', ['userId'])
@Check('user_links_purpose_check', `purpose IN ('invite', 'reset')`)
export class UserLinkEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => UserEntity, { name: 'user_links_user_id_fkey' })
  @Column('uuid', { name: 'user_id' })
  userId!: string;
  @Column('text') purpose!: UserLinkPurpose;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt!: Date | null;
}
