import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './columns';
import { GatewayEntity } from './gateway.entity';

/**
 * The sandbox gateway's own record of a payment, as a real PSP keeps one: the idempotency key (per gateway, as a
 * PSP scopes keys per account) makes a repeated create return the first payment, and the resolution time lets a
 * pending payment settle later.
 */
@Entity('sandbox_payments')
@Index('sandbox_payments_gateway_key', ['gatewayId', 'idempotencyKey'], { unique: true })
export class SandboxPaymentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => GatewayEntity, { name: 'sandbox_payments_gateway_id_fkey' })
  @Column('uuid', { name: 'gateway_id' })
  gatewayId!: string;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('char', { length: 3 }) currency!: string;
  @Column('text') scenario!: string;
  /** Time on the caller's clock (Temporal's, so time-skipping tests see payments settle). */
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  /** Null for a payment that never resolves. */
  @Column('timestamptz', { name: 'resolves_at', nullable: true }) resolvesAt!: Date | null;
  /** Status checks answered so far; the first ones fail on purpose in the check-fault scenarios. */
  @Column('int', { name: 'status_checks', default: 0 }) statusChecks!: number;
}
