import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { OrderEntity } from './order.entity';

/** What one kind of unauthenticated request did to an order, counted by api/unauthenticated-traffic.ts. */
export type UnauthenticatedTrafficKind =
  'refused-callback' | 'payform-visit' | 'payform-submit' | 'payform-refused' | 'payform-activity';

/** The summary of an order's unauthenticated traffic of one kind, past the budget that reaches its workflow. */
@Entity('unauthenticated_traffic')
@Check(
  'unauthenticated_traffic_kind_check',
  `kind IN ('refused-callback', 'payform-visit', 'payform-submit', 'payform-refused', 'payform-activity')`,
)
@Check('unauthenticated_traffic_count_check', `count > 0`)
export class UnauthenticatedTrafficEntity {
  @ForeignKey(() => OrderEntity, { name: 'unauthenticated_traffic_order_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;
  @PrimaryColumn('text') kind!: UnauthenticatedTrafficKind;
  @Column('int') count!: number;
  @Column('timestamptz', { name: 'first_at', default: () => 'now()' }) firstAt!: Date;
  @Column('timestamptz', { name: 'last_at', default: () => 'now()' }) lastAt!: Date;
}
