import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './columns';

/**
 * The sandbox gateway's own record of a payment, as a real PSP keeps one: the idempotency key makes a repeated
 * create return the first payment, and the resolution time lets a pending payment settle later.
 */
@Entity('sandbox_payments')
export class SandboxPaymentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'gateway_id' }) gatewayId!: string;
  @Index({ unique: true }) @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('bigint', { name: 'amount_minor', transformer: bigintAsNumber }) amountMinor!: number;
  @Column('char', { length: 3 }) currency!: string;
  @Column('text') scenario!: string;
  /** Time on the caller's clock (Temporal's, so time-skipping tests see payments settle). */
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'resolves_at' }) resolvesAt!: Date;
}
