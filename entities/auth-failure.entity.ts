import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A counter of failed authentication per client or key prefix, shared by every API process (an UNLOGGED table:
 * counters lost in a crash only give a guesser a fresh window). api/auth-failures.ts owns it.
 */
@Entity('auth_failures')
@Index('auth_failures_reset_at', ['resetAt'])
@Check('auth_failures_hits_check', `hits >= 0`)
export class AuthFailureEntity {
  @PrimaryColumn('text') key!: string;
  @Column('int') hits!: number;
  @Column('timestamptz', { name: 'reset_at' }) resetAt!: Date;
}
