import type { IssueAttachmentEntity } from '../entities/issue-attachment.entity';
import type { IssueCommentEntity, IssueCommentKind } from '../entities/issue-comment.entity';
import type { IssueEntity } from '../entities/issue.entity';
import type { RowOf } from '../entities/rows';
import type { IssuePriority, IssueSource, IssueStatus } from '../domain/issues';
import type { Queryable } from './ledger';

/**
 * The one module that writes `issues`, `issue_comments` and `issue_attachments` (issue 17; docs/issues.md,
 * docs/data-ownership.md). Callers bind every read to a merchant (`merchantId`) when a merchant's user asks, so
 * another merchant's issue is simply not found.
 */

/** An issue with the emails of its creator and owner (for the board's User and Owner columns). */
export type IssueRow = RowOf<IssueEntity, keyof IssueEntity, 'id'> & {
  created_by_email: string | null;
  owner_email: string | null;
};
export type CommentRow = RowOf<IssueCommentEntity, keyof IssueCommentEntity, 'issueId'> & {
  author_email: string | null;
};
export type AttachmentMeta = RowOf<IssueAttachmentEntity, Exclude<keyof IssueAttachmentEntity, 'content'>, 'issueId'>;

const ISSUE_COLUMNS = `id::text AS id, merchant_id, created_by, owner_id, subject, description, priority, status, source,
  source_fields, created_at, updated_at,
  (SELECT email FROM users u WHERE u.id = issues.created_by) AS created_by_email,
  (SELECT email FROM users u WHERE u.id = issues.owner_id) AS owner_email`;

/** The rows of an UPDATE … RETURNING (TypeORM answers those as [rows, affected count]). */
async function returning<T>(db: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export interface NewIssue {
  merchantId: string;
  createdBy: string;
  ownerId: string | null;
  subject: string;
  description: string;
  priority: IssuePriority;
  source: IssueSource;
  sourceFields: Record<string, string>;
}

/** A new issue, in Draft. */
export async function insertIssue(db: Queryable, i: NewIssue): Promise<IssueRow> {
  const [row]: IssueRow[] = await db.query(
    `INSERT INTO issues (merchant_id, created_by, owner_id, subject, description, priority, status, source, source_fields)
     VALUES ($1, $2, $3, $4, $5, $6, 'Draft', $7, $8) RETURNING ${ISSUE_COLUMNS}`,
    [
      i.merchantId,
      i.createdBy,
      i.ownerId,
      i.subject,
      i.description,
      i.priority,
      i.source,
      JSON.stringify(i.sourceFields),
    ],
  );
  return row!;
}

/** The issue, or undefined; a merchant's caller passes its merchant, so others' issues are not found. */
export async function issueById(
  db: Queryable,
  id: string,
  merchantId: string | null,
  lock = false,
): Promise<IssueRow | undefined> {
  const [row]: IssueRow[] = await db.query(
    `SELECT ${ISSUE_COLUMNS} FROM issues WHERE id = $1 AND ($2::uuid IS NULL OR merchant_id = $2)${lock ? ' FOR UPDATE' : ''}`,
    [id, merchantId],
  );
  return row;
}

export interface IssueFilter {
  /** Bound for merchants' users; an operator may choose one or see all (null). */
  merchantId: string | null;
  status?: IssueStatus | undefined;
  id?: string | undefined;
  createdBy?: string | undefined;
  ownerId?: string | undefined;
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  /** Words that must all be in the subject or description (`websearch_to_tsquery` syntax: "quoted phrases", -not). */
  search?: string | undefined;
  /** Keyset paging: only issues with an id below this (the previous page's last). */
  before?: string | undefined;
  limit: number;
}

/**
 * The board's filters, newest first, one page by keyset (`id < before`): every filter is an index whose last
 * column is the id, and the text search the `issues_search` GIN index, so a page costs the same at issue 100,000 as
 * at issue 10.
 */
export async function listIssues(db: Queryable, f: IssueFilter): Promise<IssueRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (f.merchantId) add('merchant_id = ?', f.merchantId);
  if (f.status) add('status = ?', f.status);
  if (f.id) add('id = ?', f.id);
  if (f.createdBy) add('created_by = ?', f.createdBy);
  if (f.ownerId) add('owner_id = ?', f.ownerId);
  if (f.createdFrom) add('created_at >= ?', f.createdFrom);
  if (f.createdTo) add('created_at < ?', f.createdTo);
  if (f.search) {
    add(`to_tsvector('simple', subject || ' ' || description) @@ websearch_to_tsquery('simple', ?)`, f.search);
  }
  if (f.before) add('id < ?', f.before);
  values.push(f.limit);
  return db.query(
    `SELECT ${ISSUE_COLUMNS} FROM issues ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT $${values.length}`,
    values,
  );
}

export interface IssueChange {
  subject?: string;
  description?: string;
  priority?: IssuePriority;
  ownerId?: string | null;
  source?: IssueSource;
  sourceFields?: Record<string, string>;
  status?: IssueStatus;
}

export async function updateIssue(db: Queryable, id: string, change: IssueChange): Promise<IssueRow> {
  const sets = ['updated_at = now()'];
  const values: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  };
  if (change.subject !== undefined) set('subject', change.subject);
  if (change.description !== undefined) set('description', change.description);
  if (change.priority !== undefined) set('priority', change.priority);
  if (change.ownerId !== undefined) set('owner_id', change.ownerId);
  if (change.source !== undefined) set('source', change.source);
  if (change.sourceFields !== undefined) set('source_fields', JSON.stringify(change.sourceFields));
  if (change.status !== undefined) set('status', change.status);
  const [row] = await returning<IssueRow>(
    db,
    `UPDATE issues SET ${sets.join(', ')} WHERE id = $1 RETURNING ${ISSUE_COLUMNS}`,
    values,
  );
  return row!;
}

const COMMENT_COLUMNS = `id, issue_id::text AS issue_id, author_id, kind, body, created_at,
  (SELECT email FROM users u WHERE u.id = issue_comments.author_id) AS author_email`;

export async function insertComment(
  db: Queryable,
  c: { issueId: string; authorId: string; kind: IssueCommentKind; body: string },
): Promise<CommentRow> {
  const [row]: CommentRow[] = await db.query(
    `INSERT INTO issue_comments (issue_id, author_id, kind, body) VALUES ($1, $2, $3, $4) RETURNING ${COMMENT_COLUMNS}`,
    [c.issueId, c.authorId, c.kind, c.body],
  );
  return row!;
}

export async function listComments(db: Queryable, issueId: string): Promise<CommentRow[]> {
  return db.query(`SELECT ${COMMENT_COLUMNS} FROM issue_comments WHERE issue_id = $1 ORDER BY created_at, id`, [
    issueId,
  ]);
}

const ATTACHMENT_COLUMNS = `id, issue_id::text AS issue_id, uploaded_by, file_name, content_type, size_bytes, created_at`;

export async function insertAttachment(
  db: Queryable,
  a: { issueId: string; uploadedBy: string; fileName: string; contentType: string; content: Buffer },
): Promise<AttachmentMeta> {
  const [row]: AttachmentMeta[] = await db.query(
    `INSERT INTO issue_attachments (issue_id, uploaded_by, file_name, content_type, size_bytes, content)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ATTACHMENT_COLUMNS}`,
    [a.issueId, a.uploadedBy, a.fileName, a.contentType, a.content.length, a.content],
  );
  return row!;
}

export async function listAttachments(db: Queryable, issueId: string): Promise<AttachmentMeta[]> {
  return db.query(`SELECT ${ATTACHMENT_COLUMNS} FROM issue_attachments WHERE issue_id = $1 ORDER BY created_at, id`, [
    issueId,
  ]);
}

/** One attachment of the issue with its bytes, or undefined. */
export async function attachmentWithContent(
  db: Queryable,
  issueId: string,
  id: string,
): Promise<(AttachmentMeta & { content: Buffer }) | undefined> {
  const [row]: Array<AttachmentMeta & { content: Buffer }> = await db.query(
    `SELECT ${ATTACHMENT_COLUMNS}, content FROM issue_attachments WHERE issue_id = $1 AND id = $2`,
    [issueId, id],
  );
  return row;
}

/** Whether a user may own an issue of this merchant: an active operator, or an active user of that merchant. */
export async function canOwn(db: Queryable, userId: string, merchantId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL AND (kind = 'operator' OR merchant_id = $2)`,
    [userId, merchantId],
  );
  return rows.length > 0;
}
