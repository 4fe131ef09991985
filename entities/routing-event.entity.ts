import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Direction } from '../domain/order';
import type { RequisiteType } from '../domain/requisites';

/** An order's attempt (recorded at its pre-checks) or its failure (when it ended Failed). */
export type RoutingEventKind = 'attempt' | 'failure';

/**
 * One event a routing rule counts, for one requisite of one order, keyed by the SHA-256 digest of the requisite's
 * normalised form (a card by its keyed fingerprint): no requisite in clear. `seq` orders the attempts of a key in
 * commit order. Owned by data/routing-rules.ts; one row per order, kind and requisite, so nothing counts twice.
 */
@Entity('routing_events')
@Unique('routing_events_order_id_kind_requisite_key', ['orderId', 'kind', 'requisite'])
@Index('routing_events_window', ['merchantId', 'requisite', 'keyHash', 'kind', 'occurredAt'])
@Check('routing_events_kind_check', `kind IN ('attempt', 'failure')`)
export class RoutingEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) seq!: string;
  @Column('text') kind!: RoutingEventKind;
  @Column('uuid', { name: 'order_id' }) orderId!: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId!: string;
  @Column('uuid', { name: 'pipeline_id' }) pipelineId!: string;
  @Column('text') direction!: Direction;
  @Column('text') requisite!: RequisiteType;
  @Column('text', { name: 'key_hash' }) keyHash!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  /** The attempt was blocked by a rule: its order's failure is not a failed payment attempt. */
  @Column('boolean', { default: false }) blocked!: boolean;
}
