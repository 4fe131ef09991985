import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { KeyMode } from '../domain/order';
import { bigintAsNumber } from './columns';

/**
 * Append-only ledger: a balance is the sum of a merchant's postings in a currency. Each posting carries an
 * idempotency key, unique, so a retried activity can never post twice.
 */
@Entity('ledger_postings')
@Index('ledger_postings_balance', ['merchantId', 'mode', 'currency'])
export class LedgerPostingEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId!: string;
  /** Sandbox and live money never mix: a balance sums one mode's postings. */
  @Column('text', { default: 'sandbox' }) mode!: KeyMode;
  @Column('char', { length: 3 }) currency!: string;
  /** Signed: credits positive, debits negative. */
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('text') kind!: string;
  @Column('uuid', { name: 'order_id', nullable: true }) orderId!: string | null;
  @Index({ unique: true }) @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
