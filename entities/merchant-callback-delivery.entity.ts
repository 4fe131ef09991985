import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { HistoryCode } from '../domain/history-codes';

/**
 * One attempt to deliver a merchant callback. (event_id, attempt) is unique so that an activity retry of the same
 * attempt overwrites its row instead of adding a second one. Never holds the secret, the signature or the body.
 */
@Entity('merchant_callback_deliveries')
@Unique('merchant_callback_deliveries_event_attempt', ['eventId', 'attempt'])
export class MerchantCallbackDeliveryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'order_id' }) orderId!: string;
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
