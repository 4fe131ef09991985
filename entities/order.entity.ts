import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { Direction, KeyMode, OrderStatus } from '../domain/order';
import type { OrderRequisites, PaymentMethod } from '../domain/requisites';
import { bigintAsNumber } from './columns';
import { GatewayEntity } from './gateway.entity';
import { MerchantEntity } from './merchant.entity';
import { PipelineEntity } from './pipeline.entity';

/**
 * One deposit or payout. `id` is the PayStar `externalId`; the merchant's `externalTransactionId` is unique per
 * merchant and direction, which is what makes a retried create return the first order instead of a second one.
 * Written only by the order store (data/order-store.ts).
 */
@Entity('orders')
@Unique('orders_merchant_direction_ext_tx', ['merchantId', 'direction', 'externalTransactionId'])
@Index('orders_daily_merchant', ['merchantId', 'direction', 'currency', 'createdAt'])
@Index('orders_daily_pipeline', ['pipelineId', 'direction', 'currency', 'createdAt'], {
  where: 'pipeline_id IS NOT NULL',
})
@Index('orders_still_created', ['createdAt'], { where: `status = 'Created'` })
@Index('orders_created', ['createdAt', 'id'])
@Index('orders_merchant_created', ['merchantId', 'createdAt', 'id'])
@Index('orders_gateway_created', ['gatewayId', 'createdAt', 'id'])
@Index('orders_amount_created', ['amountMinor', 'createdAt', 'id'])
@Check('orders_direction_check', `direction IN ('deposit', 'payout')`)
@Check('orders_amount_minor_check', `amount_minor > 0`)
@Check('orders_status_check', `status IN ('Created', 'Processing', 'Success', 'Failed')`)
@Check('orders_method_check', `method IN ('card', 'p2p', 'token')`)
@Check('orders_flow_check', `flow IN ('h2h', 'h2c')`)
@Check('orders_mode_check', `mode IN ('sandbox', 'live')`)
export class OrderEntity {
  @PrimaryColumn('uuid') id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'orders_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @Column('text') direction!: Direction;
  @Column('text', { name: 'external_transaction_id' }) externalTransactionId!: string;
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('char', { length: 3 }) currency!: string;
  @Column('text') status!: OrderStatus;
  /** What the gateway settled, when it changed the amount (5.1.3.35); the status endpoint shows it. */
  @Column('bigint', { name: 'settled_amount_minor', nullable: true, transformer: bigintAsNumber })
  settledAmountMinor!: number | null;
  @ForeignKey(() => GatewayEntity, { name: 'orders_gateway_id_fkey' })
  @Column('uuid', { name: 'gateway_id', nullable: true })
  gatewayId!: string | null;
  /** The merchant's pipeline the order went through (its routes, black list and limits). */
  @ForeignKey(() => PipelineEntity, { name: 'orders_pipeline_id_fkey' })
  @Column('uuid', { name: 'pipeline_id', nullable: true })
  pipelineId!: string | null;
  @Column('text', { name: 'workflow_id' }) workflowId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** The key's mode; NULL only for orders from before orders had one. */
  @Column('text', { nullable: true }) mode!: KeyMode | null;
  /** SHA-256 of the canonical create request: a retry with the same externalTransactionId must match it. */
  @Column('text', { name: 'request_hash', nullable: true }) requestHash!: string | null;
  @Column('text', { nullable: true }) method!: PaymentMethod | null;
  @Column('text', { nullable: true }) flow!: 'h2h' | 'h2c' | null;
  @Column('text', { name: 'card_mask', nullable: true }) cardMask!: string | null;
  @Column('text', { name: 'card_holder', nullable: true }) cardHolder!: string | null;
  @Column('text', { name: 'card_token', nullable: true }) cardToken!: string | null;
  @Column('text', { name: 'card_storage_token', nullable: true }) cardStorageToken!: string | null;
  @Column('text', { name: 'callback_url', nullable: true }) callbackUrl!: string | null;
  @Column('text', { name: 'processing_redirect_url', nullable: true }) processingRedirectUrl!: string | null;
  @Column('text', { name: 'failed_redirect_url', nullable: true }) failedRedirectUrl!: string | null;
  @Column('text', { name: 'success_redirect_url', nullable: true }) successRedirectUrl!: string | null;
  /** The commission terms the order was accepted with: a decimal string, as PostgreSQL returns numeric. */
  @Column('numeric', { name: 'commission_percent', precision: 7, scale: 4, nullable: true })
  commissionPercent!: string | null;
  @Column('bigint', { name: 'commission_fixed_minor', nullable: true, transformer: bigintAsNumber })
  commissionFixedMinor!: number | null;
  /**
   * What the workflow needs to start again from the row alone (never a card number). Sealed (secrets at rest) since
   * the card vault; rows from before it hold the object in clear.
   */
  @Column('jsonb', { nullable: true }) requisites!: OrderRequisites | string | null;
}
