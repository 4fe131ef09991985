import { Check, Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { KeyMode } from '../domain/order';
import { MerchantEntity } from './merchant.entity';

/**
 * A merchant's running balance of one mode and currency: the sum of its ledger postings (`posted_minor`) and what
 * its open payout holds reserve (`held_minor`), kept by data/ledger.ts in the statement that writes each posting or
 * hold change. Available = posted − held. Read by its key in O(1), whatever the number of postings. bigint strings
 * in raw SQL (no number transformer: a balance may exceed 2^53 minor units).
 *
 * No check on posted − held: a deposit whose commission exceeds it may leave a balance below zero, and refusing
 * that posting would lose the deposit; holds never take the available balance below zero (their UPDATE's WHERE).
 */
@Entity('merchant_balances')
@Check('merchant_balances_mode', `mode IN ('sandbox', 'live')`)
@Check('merchant_balances_held_minor_check', `held_minor >= 0`)
export class MerchantBalanceEntity {
  @ForeignKey(() => MerchantEntity, { name: 'merchant_balances_merchant_id_fkey' })
  @PrimaryColumn('uuid', { name: 'merchant_id', primaryKeyConstraintName: 'merchant_balances_pkey' })
  merchantId!: string;
  @PrimaryColumn('text', { primaryKeyConstraintName: 'merchant_balances_pkey' }) mode!: KeyMode;
  @PrimaryColumn('char', { length: 3, primaryKeyConstraintName: 'merchant_balances_pkey' }) currency!: string;
  @Column('bigint', { name: 'posted_minor', default: 0 }) postedMinor!: string;
  @Column('bigint', { name: 'held_minor', default: 0 }) heldMinor!: string;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
