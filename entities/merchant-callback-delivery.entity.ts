import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { HistoryCode } from '../domain/history-codes';
import { MerchantEntity } from './merchant.entity';
import { OrderEntity } from './order.entity';

/**
 * One attempt to deliver a merchant callback. (event_id, attempt) is unique so that an activity retry of the same
 * attempt overwrites its row instead of adding a second one. Never holds the secret, the signature or the body.
 */
@Entity('merchant_callback_deliveries')
@Unique('merchant_callback_deliveries_event_attempt', ['eventId', 'attempt'])
@Index('merchant_callback_deliveries_order', ['orderId', 'attemptedAt'])
// The merchant cabinet's list, newest first (migration 1764900000000-callback-deliveries-merchant).
@Index('merchant_callback_deliveries_merchant', ['merchantId', 'attemptedAt', 'id'])
@Check('merchant_callback_deliveries_attempt_check', `attempt >= 1`)
@Check('merchant_callback_deliveries_outcome_check', `outcome IN ('delivered', 'failed')`)
@Check('merchant_callback_deliveries_duration_ms_check', `duration_ms >= 0`)
@Check('merchant_callback_deliveries_failure_code', `(outcome = 'failed') = (code IS NOT NULL)`)
export class MerchantCallbackDeliveryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @ForeignKey(() => OrderEntity, { name: 'merchant_callback_deliveries_order_id_fkey' })
  @Column('uuid', { name: 'order_id' })
  orderId!: string;
  @ForeignKey(() => MerchantEntity, { name: 'merchant_callback_deliveries_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @Column('text', { name: 'event_id' }) eventId!: string;
  @Column('int') attempt!: number;
  @Column('text') url!: string;
  @Column('text') outcome!: 'delivered' | 'failed';
  @Column('text', { nullable: true }) code!: HistoryCode | null;
  @Column('int', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('int', { name: 'duration_ms' }) durationMs!: number;
  @Column('timestamptz', { name: 'attempted_at' }) attemptedAt!: Date;
}
