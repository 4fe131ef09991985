import { CreateDateColumn, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { GatewayEntity } from './gateway.entity';
import { OrderEntity } from './order.entity';

/** A gateway's own reference for an order's payment, so a gateway callback (which names only it) finds its order. */
@Entity('order_gateway_refs')
@Index('order_gateway_refs_order', ['orderId'])
export class OrderGatewayRefEntity {
  @ForeignKey(() => GatewayEntity, { name: 'order_gateway_refs_gateway_id_fkey' })
  @PrimaryColumn('uuid', { name: 'gateway_id' })
  gatewayId!: string;
  @PrimaryColumn('text', { name: 'gateway_ref' }) gatewayRef!: string;
  @ForeignKey(() => OrderEntity, { name: 'order_gateway_refs_order_id_fkey' })
  @Column('uuid', { name: 'order_id' })
  orderId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
