import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OrderEntity } from './order.entity';

/**
 * The reports' figures (docs/reports.md), written only by data/reports.ts. Bigint sums stay strings (node-postgres);
 * the reports read them with raw SQL.
 */

/** One final order's counted contribution: the marker that makes counting exactly-once (unique per order). */
@Entity('report_order_facts')
@Index('report_order_facts_merchant_final', ['merchantId', 'finalAt'])
@Index('report_order_facts_final', ['finalAt'])
@Check('report_order_facts_status_check', `status IN ('Success', 'Failed')`)
export class ReportOrderFactEntity {
  @ForeignKey(() => OrderEntity, { name: 'report_order_facts_order_id_fkey' })
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') mode!: string;
  @Column('char', { length: 3 }) currency!: string;
  @Column('text') direction!: string;
  @Column('text') gateway!: string;
  @Column('text') method!: string;
  @Column('text') flow!: string;
  @Column('timestamptz') hour!: Date;
  @Column('text') status!: string;
  @Column('text') reason!: string;
  @Column('text', { name: 'psp_code' }) pspCode!: string;
  @Column('integer', { name: 'gateway_position' }) gatewayPosition!: number;
  @Column('timestamptz', { name: 'final_at' }) finalAt!: Date;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('bigint', { name: 'turnover_minor' }) turnoverMinor!: string;
  @Column('bigint', { name: 'commission_minor' }) commissionMinor!: string;
  @Column('bigint', { name: 'net_minor' }) netMinor!: string;
  @Column('bigint', { name: 'duration_ms' }) durationMs!: string;
  @Column('boolean', { name: 'form_created' }) formCreated!: boolean;
  @Column('boolean', { name: 'form_visited' }) formVisited!: boolean;
  @Column('boolean', { name: 'form_submitted' }) formSubmitted!: boolean;
  @Column('boolean', { name: 'form_3ds' }) form3ds!: boolean;
  @Column('boolean', { name: 'form_cancelled' }) formCancelled!: boolean;
  @Column('integer', { name: 'form_refusals' }) formRefusals!: number;
}

/** The sums of the facts per merchant, mode, currency, direction, gateway, method, flow, UTC hour and outcome. */
@Entity('report_hourly')
@Index('report_hourly_hour', ['hour'])
export class ReportHourlyEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' }) merchantId!: string;
  @PrimaryColumn('text') mode!: string;
  @PrimaryColumn('char', { length: 3 }) currency!: string;
  @PrimaryColumn('text') direction!: string;
  @PrimaryColumn('text') gateway!: string;
  @PrimaryColumn('text') method!: string;
  @PrimaryColumn('text') flow!: string;
  @PrimaryColumn('timestamptz') hour!: Date;
  @PrimaryColumn('text') status!: string;
  @PrimaryColumn('text') reason!: string;
  @PrimaryColumn('text', { name: 'psp_code' }) pspCode!: string;
  @PrimaryColumn('integer', { name: 'gateway_position' }) gatewayPosition!: number;
  @Column('bigint') orders!: string;
  @Column('bigint', { name: 'amount_minor' }) amountMinor!: string;
  @Column('bigint', { name: 'turnover_minor' }) turnoverMinor!: string;
  @Column('bigint', { name: 'commission_minor' }) commissionMinor!: string;
  @Column('bigint', { name: 'net_minor' }) netMinor!: string;
  @Column('bigint', { name: 'duration_ms' }) durationMs!: string;
  @Column('bigint', { name: 'form_created' }) formCreated!: string;
  @Column('bigint', { name: 'form_visited' }) formVisited!: string;
  @Column('bigint', { name: 'form_submitted' }) formSubmitted!: string;
  @Column('bigint', { name: 'form_3ds' }) form3ds!: string;
  @Column('bigint', { name: 'form_cancelled' }) formCancelled!: string;
  @Column('bigint', { name: 'form_refusals' }) formRefusals!: string;
}
