import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OperatorEntity } from './operator.entity';
import { UserEntity } from './user.entity';

/**
 * One admin change: who made it, to what, the row before and after (NULL before a create, NULL after a delete),
 * and when. Written in the transaction of the change itself, so a change without its entry cannot commit.
 * Append-only: nothing in the engine updates or deletes these rows.
 */
@Entity('audit_log')
@Index('audit_log_entity', ['entityType', 'entityId', 'id'])
@Index('audit_log_occurred_at', ['occurredAt', 'id'])
export class AuditLogEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('timestamptz', { name: 'occurred_at', default: () => 'clock_timestamp()' }) occurredAt!: Date;
  /** The operator's name, or `admin-key` for the bootstrap key of the ADMIN_KEY setting. */
  @Column('text') actor!: string;
  @ForeignKey(() => OperatorEntity, { name: 'audit_log_operator_id_fkey' })
  @Column('uuid', { name: 'operator_id', nullable: true })
  operatorId!: string | null;
  /** The signed-in person who made the change (issue 16); NULL for a change made with an operator key. */
  @ForeignKey(() => UserEntity, { name: 'audit_log_user_id_fkey' })
  @Column('uuid', { name: 'user_id', nullable: true })
  userId!: string | null;
  /** `create`, `update`, `delete`, `rotate`, `revoke`, `reorder`. */
  @Column('text') action!: string;
  @Column('text', { name: 'entity_type' }) entityType!: string;
  @Column('text', { name: 'entity_id' }) entityId!: string;
  @Column('jsonb', { nullable: true }) before!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) after!: Record<string, unknown> | null;
  /** Why, when the operator said (e.g. the reason a black-list entry was removed). */
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { name: 'request_id', nullable: true }) requestId!: string | null;
}
