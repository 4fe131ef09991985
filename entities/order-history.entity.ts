import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { OrderStatus } from '../domain/order';

/**
 * The order's history as the workflow appends it. (order_id, seq) is unique so that a retried activity writes
 * the same row again instead of a second one.
 */
@Entity('order_history')
@Unique('order_history_order_seq', ['orderId', 'seq'])
export class OrderHistoryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'order_id' }) orderId!: string;
  @Column('int') seq!: number;
  @Column('text') code!: string;
  /** What the code itself says about the payment (its B digit). */
  @Column('text') status!: OrderStatus;
  /** The merchant-visible status after this entry (monotonic); NULL for entries from before the truth model. */
  @Column('text', { name: 'order_status', nullable: true }) orderStatus!: OrderStatus | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  /** The gateway the entry is about (an attempt, a status check, a callback); NULL for the engine's own steps. */
  @Column('uuid', { name: 'gateway_id', nullable: true }) gatewayId!: string | null;
}
