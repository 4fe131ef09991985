import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { GatewayEntity } from './gateway.entity';

/**
 * How many creates the sandbox gateway has seen per idempotency key, whether or not a payment was stored, so a
 * "fails twice, then accepts" scenario behaves the same on every run and under concurrent retries.
 */
@Entity('sandbox_attempts')
export class SandboxAttemptEntity {
  @ForeignKey(() => GatewayEntity, { name: 'sandbox_attempts_gateway_id_fkey' })
  @PrimaryColumn('uuid', { name: 'gateway_id' })
  gatewayId!: string;
  @PrimaryColumn('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('int') creates!: number;
}
