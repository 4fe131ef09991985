import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IssueEntity } from './issue.entity';
import { UserEntity } from './user.entity';

/** A plain comment, the requester's "OK" (accept), or what is wrong (send-back). */
export type IssueCommentKind = 'comment' | 'accept' | 'send-back';

/** A comment on an issue; acceptance and sending back are recorded as comments too. Owned by data/issues.ts. */
@Entity('issue_comments')
@Index('issue_comments_issue', ['issueId', 'createdAt'])
@Check('issue_comments_kind_check', `kind IN ('comment', 'accept', 'send-back')`)
@Check('issue_comments_body_check', `char_length(body) BETWEEN 1 AND 10000`)
export class IssueCommentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @ForeignKey(() => IssueEntity, { name: 'issue_comments_issue_id_fkey' })
  @Column('bigint', { name: 'issue_id' })
  issueId!: string;
  @ForeignKey(() => UserEntity, { name: 'issue_comments_author_id_fkey' })
  @Column('uuid', { name: 'author_id' })
  authorId!: string;
  @Column('text') kind!: IssueCommentKind;
  @Column('text') body!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
