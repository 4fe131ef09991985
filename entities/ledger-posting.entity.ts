import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { KeyMode } from '../domain/order';
import { bigintAsNumber } from './columns';
import { MerchantEntity } from './merchant.entity';
import { OrderEntity } from './order.entity';

/**
 * Append-only ledger: a balance is the sum of a merchant's postings in a currency. Each posting carries an
 * idempotency key, unique, so a retried activity can never post twice.
 */
@Entity('ledger_postings')
@Index('ledger_postings_balance', ['merchantId', 'mode', 'currency'])
@Check('ledger_postings_mode', `mode IN ('sandbox', 'live')`)
export class LedgerPostingEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'ledger_postings_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  /** Sandbox and live money never mix: a balance sums one mode's postings. */
  @Column('text', { default: 'sandbox' }) mode!: KeyMode;
  @Column('char', { length: 3 }) currency!: string;
  /** Signed: credits positive, debits negative. */
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('text') kind!: string;
  @ForeignKey(() => OrderEntity, { name: 'ledger_postings_order_id_fkey' })
  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;
  @Index('ledger_postings_idempotency_key', { unique: true })
  @Column('text', { name: 'idempotency_key' })
  idempotencyKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
