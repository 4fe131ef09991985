import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { MerchantEntity } from './merchant.entity';

/** An operator of the engine, or a merchant's user (then `merchantId` is set). */
export type UserKind = 'operator' | 'merchant';

/**
 * A person who signs in (docs/accounts.md). No password until the invite link sets one; the password is stored as
 * a scrypt hash, the TOTP secret encrypted at rest. Owned by api/accounts/store.ts.
 */
@Entity('users')
@Unique('users_email_key', ['email'])
@Index('users_merchant', ['merchantId', 'createdAt'], { where: `merchant_id IS NOT NULL` })
@Check('users_email_check', `email = lower(email) AND email <> ''`)
@Check('users_kind_check', `kind IN ('operator', 'merchant')`)
@Check('users_kind_merchant', `(kind = 'merchant') = (merchant_id IS NOT NULL)`)
@Check(
  'users_role',
  `(kind = 'operator' AND role IN ('admin', 'operations', 'finance', 'support'))` +
    ` OR (kind = 'merchant' AND role IN ('owner', 'developer', 'finance', 'viewer'))`,
)
@Check('users_totp', `NOT totp_enabled OR totp_secret IS NOT NULL`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') email!: string;
  @Column('text') kind!: UserKind;
  @ForeignKey(() => MerchantEntity, { name: 'users_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id', nullable: true })
  merchantId!: string | null;
  /** One of its kind's roles (api/accounts/permissions.ts). */
  @Column('text') role!: string;
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash!: string | null;
  @Column('timestamptz', { name: 'password_changed_at', nullable: true }) passwordChangedAt!: Date | null;
  @Column('text', { name: 'totp_secret', nullable: true }) totpSecret!: string | null;
  @Column('boolean', { name: 'totp_enabled', default: false }) totpEnabled!: boolean;
  /** The last TOTP time step accepted, so that a code is used once (a bigint, as node-postgres returns it). */
  @Column('bigint', { name: 'totp_last_epoch', nullable: true }) totpLastEpoch!: string | null;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
