import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { KeyMode } from '../domain/order';
import { bigintAsNumber } from './columns';
import { MerchantEntity } from './merchant.entity';
import { OrderEntity } from './order.entity';

/** Where a payout's hold is: still reserving balance, turned into ledger postings, or given back. */
export type BalanceHoldStatus = 'held' | 'settled' | 'released';

/**
 * A payout's reservation of balance, one per order. While `held`, the amount and the commission fixed at hold
 * time are subtracted from the merchant's available balance; settling turns them into ledger postings.
 */
@Entity('balance_holds')
@Unique('balance_holds_order', ['orderId'])
@Index('balance_holds_held', ['merchantId', 'mode', 'currency'], { where: `status = 'held'` })
@Check('balance_holds_amount_minor_check', `amount_minor > 0`)
@Check('balance_holds_commission_minor_check', `commission_minor >= 0`)
@Check('balance_holds_status_check', `status IN ('held', 'settled', 'released')`)
@Check('balance_holds_resolution', `(status = 'held') = (resolved_at IS NULL)`)
@Check('balance_holds_mode', `mode IN ('sandbox', 'live')`)
export class BalanceHoldEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => OrderEntity, { name: 'balance_holds_order_id_fkey' })
  @Column('uuid', { name: 'order_id' })
  orderId!: string;
  @ForeignKey(() => MerchantEntity, { name: 'balance_holds_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  /** The order's mode: a hold reserves money of that mode only. */
  @Column('text') mode!: KeyMode;
  @Column('char', { length: 3 }) currency!: string;
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('bigint', { name: 'commission_minor', default: 0, transformer: bigintAsNumber })
  commissionMinor!: number;
  @Column('text') status!: BalanceHoldStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
}
