import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { IssuePriority, IssueSource, IssueStatus } from '../domain/issues';
import { MerchantEntity } from './merchant.entity';
import { UserEntity } from './user.entity';

/**
 * An issue (ticket) of the Issues board, seed 000 (docs/issues.md). `id` is the board's Issue ID. A merchant's
 * user files it for that merchant; `sourceFields` holds the fields its Source requires (secrets only as one-time
 * secret links). Owned by data/issues.ts.
 *
 * `issues_search`, the GIN index of the free-text search over `to_tsvector('simple', subject || ' ' ||
 * description)`, is an expression index an entity cannot say: declared here with `synchronize: false` and left out
 * of the schema comparison of test/integration/schema-truth.test.ts.
 */
@Entity('issues')
@Index('issues_merchant', ['merchantId', 'id'])
@Index('issues_status', ['status', 'id'])
@Index('issues_owner', ['ownerId', 'id'])
@Index('issues_created_by', ['createdBy', 'id'])
@Index('issues_created_at', ['createdAt', 'id'])
@Index('issues_search', { synchronize: false })
@Check('issues_subject_check', `char_length(subject) BETWEEN 1 AND 200`)
@Check('issues_description_check', `char_length(description) <= 20000`)
@Check('issues_priority_check', `priority IN ('Low', 'Medium', 'High', 'Highest')`)
@Check('issues_status_check', `status IN ('Draft', 'Development', 'Testing', 'Requires acceptance', 'Success')`)
@Check('issues_source_check', `source IN ('Head', 'MerchHead', 'API', 'Integration')`)
export class IssueEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'issues_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @ForeignKey(() => UserEntity, { name: 'issues_created_by_fkey' })
  @Column('uuid', { name: 'created_by' })
  createdBy!: string;
  @ForeignKey(() => UserEntity, { name: 'issues_owner_id_fkey' })
  @Column('uuid', { name: 'owner_id', nullable: true })
  ownerId!: string | null;
  @Column('text') subject!: string;
  @Column('text') description!: string;
  @Column('text') priority!: IssuePriority;
  @Column('text') status!: IssueStatus;
  @Column('text') source!: IssueSource;
  @Column('jsonb', { name: 'source_fields' }) sourceFields!: Record<string, string>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
