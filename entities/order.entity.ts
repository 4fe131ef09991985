import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { Direction, OrderStatus } from '../domain/order';
import { bigintAsNumber } from './columns';

/**
 * One deposit or payout. `id` is the PayStar `externalId`; the merchant's `externalTransactionId` is unique per
 * merchant and direction, which is what makes a retried create return the first order instead of a second one.
 */
@Entity('orders')
@Unique('orders_merchant_direction_ext_tx', ['merchantId', 'direction', 'externalTransactionId'])
export class OrderEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') direction!: Direction;
  @Column('text', { name: 'external_transaction_id' }) externalTransactionId!: string;
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('char', { length: 3 }) currency!: string;
  @Column('text') status!: OrderStatus;
  /** What the gateway settled, when it changed the amount (5.1.3.35); the status endpoint shows it. */
  @Column('bigint', { name: 'settled_amount_minor', nullable: true, transformer: bigintAsNumber })
  settledAmountMinor!: number | null;
  @Column('uuid', { name: 'gateway_id', nullable: true }) gatewayId!: string | null;
  /** The merchant's pipeline the order went through (its routes, black list and limits). */
  @Column('uuid', { name: 'pipeline_id', nullable: true }) pipelineId!: string | null;
  @Column('text', { name: 'workflow_id' }) workflowId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
