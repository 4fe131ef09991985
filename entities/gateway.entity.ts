import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { KeyMode } from '../domain/order';

/** A payment gateway account: which connector talks to it, with which settings. */
@Entity('gateways')
@Unique('gateways_code_key', ['code'])
@Check('gateways_mode_check', `mode IN ('sandbox', 'live')`)
export class GatewayEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') code!: string;
  @Column('text') name!: string;
  /** Key of the connector in the gateway registry. */
  @Column('text') connector!: string;
  /** Sandbox keys reach only sandbox gateways. */
  @Column('text') mode!: KeyMode;
  @Column('jsonb', { default: {} }) settings!: Record<string, unknown>;
  /** A disabled gateway is left out of every route (e.g. during a provider outage). */
  @Column('boolean', { default: true }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
