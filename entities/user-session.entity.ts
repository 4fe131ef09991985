import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * A user's server-side session. Its token and CSRF token are stored only as SHA-256 digests. Live until revoked,
 * past `expiresAt`, or idle too long (docs/accounts.md). Owned by api/accounts/store.ts.
 */
@Entity('user_sessions')
@Unique('user_sessions_token_hash_key', ['tokenHash'])
@Index('user_sessions_user', ['userId', 'createdAt'])
export class UserSessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => UserEntity, { name: 'user_sessions_user_id_fkey' })
  @Column('uuid', { name: 'user_id' })
  userId!: string;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('text', { name: 'csrf_hash' }) csrfHash!: string;
  @Column('text', { name: 'user_agent', nullable: true }) userAgent!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Set by every request the session makes (api/accounts/store.ts), not by TypeORM. */
  @Column('timestamptz', { name: 'last_seen_at', default: () => 'now()' }) lastSeenAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
