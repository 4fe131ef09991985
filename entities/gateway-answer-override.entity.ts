import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CascadeDecision } from '../domain/cascade-policy';

/**
 * An operator's override of one row of a connector's built-in answer table (docs/connectors.md, "Gateway answers
 * as data"): the PSP's code → our reason (RR) and the cascade decision. Owned by gateways/answer-overrides.ts.
 */
@Entity('gateway_answer_overrides')
@Check('gateway_answer_overrides_psp_code_check', `psp_code ~ '^[A-Za-z0-9_.-]{1,100}$'`)
@Check('gateway_answer_overrides_reason_check', `reason ~ '^[0-9]{2}$'`)
@Check('gateway_answer_overrides_decision_check', `decision IN ('retry', 'check', 'next', 'stop')`)
export class GatewayAnswerOverrideEntity {
  @PrimaryColumn('text') connector!: string;
  @PrimaryColumn('text', { name: 'psp_code' }) pspCode!: string;
  @Column('char', { length: 2 }) reason!: string;
  @Column('text') decision!: CascadeDecision;
  @Column('text', { nullable: true }) note!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
