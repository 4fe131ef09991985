import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IssueEntity } from './issue.entity';
import { UserEntity } from './user.entity';

/** A file attached to an issue, kept in PostgreSQL (docs/issues.md says why). Owned by data/issues.ts. */
@Entity('issue_attachments')
@Index('issue_attachments_issue', ['issueId', 'createdAt'])
@Check('issue_attachments_file_name_check', `char_length(file_name) BETWEEN 1 AND 200`)
@Check('issue_attachments_size_bytes_check', `size_bytes BETWEEN 1 AND 2097152`)
export class IssueAttachmentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => IssueEntity, { name: 'issue_attachments_issue_id_fkey' })
  @Column('bigint', { name: 'issue_id' })
  issueId!: string;
  @ForeignKey(() => UserEntity, { name: 'issue_attachments_uploaded_by_fkey' })
  @Column('uuid', { name: 'uploaded_by' })
  uploadedBy!: string;
  @Column('text', { name: 'file_name' }) fileName!: string;
  @Column('text', { name: 'content_type' }) contentType!: string;
  @Column('integer', { name: 'size_bytes' }) sizeBytes!: number;
  @Column('bytea') content!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
