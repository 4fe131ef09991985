import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { OrderStatus } from '../domain/order';
import { GatewayEntity } from './gateway.entity';
import { OrderEntity } from './order.entity';

/**
 * The order's history as the workflow appends it. (order_id, seq) is unique so that a retried activity writes
 * the same row again instead of a second one.
 */
@Entity('order_history')
@Unique('order_history_order_seq', ['orderId', 'seq'])
/** Orders in reconciliation or flagged for review, for the operators' list (see the migration). */
@Index('order_history_reconciliation', ['code', 'orderId'], { where: `code IN ('1.0.2.75', '1.0.3.78', '1.0.4.78')` })
/** The operators' order list filtered by a history code (migration 1764800000000-order-list-filters). */
@Index('order_history_code', ['code', 'orderId'])
export class OrderHistoryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @ForeignKey(() => OrderEntity, { name: 'order_history_order_id_fkey' })
  @Column('uuid', { name: 'order_id' })
  orderId!: string;
  @Column('int') seq!: number;
  @Column('text') code!: string;
  /** What the code itself says about the payment (its B digit). */
  @Column('text') status!: OrderStatus;
  /** The merchant-visible status after this entry (monotonic); NULL for entries from before the truth model. */
  @Column('text', { name: 'order_status', nullable: true }) orderStatus!: OrderStatus | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('jsonb', { default: {} }) details!: Record<string, unknown>;
  /** The gateway the entry is about (an attempt, a status check, a callback); NULL for the engine's own steps. */
  @ForeignKey(() => GatewayEntity, { name: 'order_history_gateway_id_fkey' })
  @Column('uuid', { name: 'gateway_id', nullable: true })
  gatewayId!: string | null;
}
