import { Router, type Request } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import * as issues from '../../data/issues';
import * as secrets from '../../data/one-time-secrets';
import {
  DESCRIPTION_TEMPLATE,
  ISSUE_PRIORITIES,
  ISSUE_STATUSES,
  ISSUE_TRANSITIONS,
  SOURCE_FIELDS,
  transitionFor,
  type IssueStatus,
  type TransitionVia,
} from '../../domain/issues';
import { authenticate, forbidden, type Caller } from '../accounts/access';
import { accountRoute, type Authenticator } from '../accounts/route';
import { audited, type AuditedChange } from '../admin/audit';
import { adminAuth } from '../admin/auth';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { checkAttachment, checkSourceFields, redactedFields, refuseSecretInClear } from './rules';
import {
  Attachment,
  Comment,
  CommentText,
  CreatedSecret,
  CreateIssue,
  CreateSecret,
  Issue,
  IssueDetail,
  IssueIdParams,
  IssuePage,
  IssueQuery,
  NewAttachment,
  OpenedSecret,
  Status,
  UpdateIssue,
} from './schemas';

/**
 * The Issues board (seed 000, issue 17; docs/issues.md) and one-time secrets (docs/one-time-secrets.md) for
 * signed-in people. Merchants' users file issues for their merchant, see only those (another merchant's is 404),
 * accept or send back; operators see all, develop and test. Every change is in the audit log, in its transaction.
 */

const TAG = 'issues';

/** The paths whose bodies may carry files: filing an issue and attaching to one (2 MiB a file, base64). */
export const issueFileBodies = [/^\/api\/v1\/issues$/, /^\/api\/v1\/issues\/[^/]+\/attachments$/];
export const ISSUE_BODY_LIMIT = '3mb';
const READ = 'issues:issues:read';
const WRITE = 'issues:issues:write';

const iso = (d: Date) => d.toISOString();
const issueView = (r: issues.IssueRow) => ({
  id: r.id,
  merchantId: r.merchant_id,
  createdBy: r.created_by,
  createdByEmail: r.created_by_email,
  ownerId: r.owner_id,
  ownerEmail: r.owner_email,
  subject: r.subject,
  description: r.description,
  priority: r.priority,
  status: r.status,
  source: r.source,
  sourceFields: r.source_fields,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});
/** What the audit log keeps of an issue: its view, secret links without their keys. */
const auditView = (r: issues.IssueRow) => ({
  ...issueView(r),
  sourceFields: redactedFields(r.source, r.source_fields),
});
const attachmentView = (a: issues.AttachmentMeta) => ({
  id: a.id,
  fileName: a.file_name,
  contentType: a.content_type,
  sizeBytes: a.size_bytes,
  uploadedBy: a.uploaded_by,
  createdAt: iso(a.created_at),
});
const commentView = (c: issues.CommentRow) => ({
  id: c.id,
  authorId: c.author_id,
  authorEmail: c.author_email,
  kind: c.kind,
  body: c.body,
  createdAt: iso(c.created_at),
});
const b64url = (b: Buffer) => b.toString('base64url');
/** The audit entry of a comment or attachment added to an issue. */
const childCreated = (entityType: 'issue-comment' | 'issue-attachment', issueId: string, view: { id: string }) => ({
  action: 'create' as const,
  entityType,
  entityId: view.id,
  before: null,
  after: { issueId, ...view },
});

/** The merchant a caller's reads are bound to: its own for a merchant's user, none (all) for operators. */
const boundMerchant = (caller: Caller) => (caller.kind === 'merchant' ? caller.merchantId : null);

export function issuesRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const keyAuth = adminAuth(ds, deps.adminKey, deps.authFailureLimits);
  const auth: Authenticator = (req, res, sessionOnly) => authenticate(deps, keyAuth, req, res, sessionOnly);
  const person = (caller: Caller) => caller.person!;

  /** The issue the caller may see, locked for the change when `lock`; 404 otherwise. */
  const visibleIssue = async (db: Pick<EntityManager, 'query'>, caller: Caller, id: string, lock = false) => {
    const row = await issues.issueById(db, id, boundMerchant(caller), lock);
    if (!row) throw new HttpError(404, 'NOT_FOUND', `no issue ${id}`);
    return row;
  };
  const checkOwner = async (db: Pick<EntityManager, 'query'>, ownerId: string | null | undefined, merchant: string) => {
    if (ownerId && !(await issues.canOwn(db, ownerId, merchant))) {
      throw invalidField('ownerId', "must be an active operator or a user of the issue's merchant");
    }
  };
  /** Runs a change of one visible issue under its row lock and audits what it returns. */
  const changeIssue = <T>(
    req: Request,
    caller: Caller,
    id: string,
    change: (tx: EntityManager, before: issues.IssueRow) => Promise<{ result: T; changes: AuditedChange[] }>,
  ) =>
    audited(ds, req, async (tx) => {
      const before = await visibleIssue(tx, caller, id, true);
      return change(tx, before);
    });
  const issueChange = (before: issues.IssueRow | null, after: issues.IssueRow, note: string | null = null) => ({
    action: before ? ('update' as const) : ('create' as const),
    entityType: 'issue',
    entityId: after.id,
    before: before ? auditView(before) : null,
    after: auditView(after),
    note,
  });

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/issues/form',
      summary: "The Add issue wizard's rules: the description template, each Source's required fields, the moves",
      auth: 'session',
      action: READ,
      tag: TAG,
      response: z.object({
        descriptionTemplate: z.string(),
        statuses: z.array(z.string()),
        priorities: z.array(z.string()),
        sources: z.record(
          z.string(),
          z.array(
            z.object({
              name: z.string(),
              label: z.string(),
              kind: z.string(),
              choices: z.array(z.string()).optional(),
            }),
          ),
        ),
        transitions: z.array(z.object({ from: z.string(), to: z.string(), by: z.string(), via: z.string() })),
      }),
    },
    async () => ({
      descriptionTemplate: DESCRIPTION_TEMPLATE,
      statuses: [...ISSUE_STATUSES],
      priorities: [...ISSUE_PRIORITIES],
      sources: Object.fromEntries(
        Object.entries(SOURCE_FIELDS).map(([s, fields]) => [
          s,
          fields.map((f) => ({ ...f, ...(f.choices ? { choices: [...f.choices] } : {}) })),
        ]),
      ),
      transitions: ISSUE_TRANSITIONS.map((t) => ({ ...t })),
    }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues',
      summary: "File an issue for my merchant (merchants' users): it starts in Draft",
      auth: 'session',
      merchantOnly: true,
      action: WRITE,
      tag: TAG,
      body: CreateIssue,
      response: IssueDetail,
      status: 201,
      errors: { 413: 'An attachment is larger than 2 MiB' },
    },
    async ({ body, req, caller }) => {
      refuseSecretInClear('subject', body.subject);
      refuseSecretInClear('description', body.description);
      const files = (body.attachments ?? []).map((a) => ({ ...a, content: checkAttachment(a) }));
      const sourceFields = checkSourceFields(
        body.source,
        body.sourceFields,
        files.map((f) => f.fileName),
      );
      const merchantId = caller.merchantId!;
      return audited(ds, req, async (tx) => {
        await checkOwner(tx, body.ownerId, merchantId);
        const row = await issues.insertIssue(tx, {
          merchantId,
          createdBy: person(caller).userId,
          ownerId: body.ownerId ?? null,
          subject: body.subject,
          description: body.description,
          priority: body.priority,
          source: body.source,
          sourceFields,
        });
        const attached = [];
        for (const f of files) {
          attached.push(
            await issues.insertAttachment(tx, {
              issueId: row.id,
              uploadedBy: person(caller).userId,
              fileName: f.fileName,
              contentType: f.contentType.toLowerCase(),
              content: f.content,
            }),
          );
        }
        return {
          result: { ...issueView(row), comments: [], attachments: attached.map(attachmentView) },
          changes: [
            issueChange(null, row),
            ...attached.map((a) => childCreated('issue-attachment', row.id, attachmentView(a))),
          ],
        };
      });
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/issues',
      summary:
        'The board: filter by Status, Issue ID, User (creator), Owner, Created range and free text; newest first, keyset pages',
      auth: 'session',
      action: READ,
      tag: TAG,
      query: IssueQuery,
      response: IssuePage,
    },
    async ({ query, caller }) => {
      const rows = await issues.listIssues(ds, {
        merchantId: boundMerchant(caller) ?? query.merchantId ?? null,
        status: query.status,
        id: query.id,
        createdBy: query.user,
        ownerId: query.owner,
        createdFrom: query.createdFrom,
        createdTo: query.createdTo,
        search: query.search,
        before: query.before,
        limit: query.limit + 1,
      });
      const items = rows.slice(0, query.limit).map(issueView);
      return { items, nextBefore: rows.length > query.limit ? items[items.length - 1]!.id : null };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/issues/{id}',
      summary: 'One issue with its comments and attachments (another merchant’s is 404)',
      auth: 'session',
      action: READ,
      tag: TAG,
      params: IssueIdParams,
      response: IssueDetail,
      errors: { 404: 'No such issue that I may see' },
    },
    async ({ params, caller }) => {
      const row = await visibleIssue(ds, caller, params.id);
      return {
        ...issueView(row),
        comments: (await issues.listComments(ds, row.id)).map(commentView),
        attachments: (await issues.listAttachments(ds, row.id)).map(attachmentView),
      };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'patch',
      path: '/api/v1/issues/{id}',
      summary: "Change an issue's fields (not once in Success); a new Source needs its required fields",
      auth: 'session',
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: UpdateIssue,
      response: Issue,
      errors: { 404: 'No such issue that I may see', 409: 'The issue is in Success' },
    },
    async ({ params, body, req, caller }) => {
      refuseSecretInClear('subject', body.subject);
      refuseSecretInClear('description', body.description);
      return changeIssue(req, caller, params.id, async (tx, before) => {
        if (before.status === 'Success') throw new HttpError(409, 'ISSUE_CLOSED', 'the issue is in Success');
        const source = body.source ?? before.source;
        let sourceFields: Record<string, string> | undefined;
        if (body.source !== undefined || body.sourceFields !== undefined) {
          const names = (await issues.listAttachments(tx, before.id)).map((a) => a.file_name);
          const given = body.sourceFields ?? (body.source === before.source ? before.source_fields : {});
          sourceFields = checkSourceFields(source, given, names);
        }
        await checkOwner(tx, body.ownerId, before.merchant_id);
        const after = await issues.updateIssue(tx, before.id, {
          ...body,
          ...(sourceFields ? { sourceFields } : {}),
        });
        return { result: issueView(after), changes: [issueChange(before, after)] };
      });
    },
  );

  /** Moves the issue by a transition of the table, recording the comment that goes with accept and send-back. */
  const move = (req: Request, caller: Caller, id: string, to: IssueStatus, via: TransitionVia, comment?: string) =>
    changeIssue(req, caller, id, async (tx, before) => {
      const allowed = transitionFor(before.status, to, caller.kind, via);
      if (!allowed.ok) {
        if (allowed.reason === 'forbidden') throw forbidden(caller, `move an issue from ${before.status} to ${to}`);
        throw new HttpError(
          409,
          'TRANSITION_NOT_ALLOWED',
          `an issue in ${before.status} cannot go to ${to} this way (docs/issues.md lists the moves)`,
        );
      }
      const after = await issues.updateIssue(tx, before.id, { status: to });
      const changes: AuditedChange[] = [issueChange(before, after, `status ${before.status} → ${to}`)];
      let recorded: issues.CommentRow | null = null;
      if (comment !== undefined) {
        recorded = await issues.insertComment(tx, {
          issueId: before.id,
          authorId: person(caller).userId,
          kind: via === 'accept' ? 'accept' : 'send-back',
          body: comment,
        });
        changes.push(childCreated('issue-comment', before.id, commentView(recorded)));
      }
      return { result: { issue: issueView(after), comment: recorded ? commentView(recorded) : null }, changes };
    });
  const Moved = z.object({ issue: Issue, comment: Comment.nullable() });

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues/{id}/status',
      summary:
        'Move an issue (operators: Draft → Development → Testing → Requires acceptance, and back); docs/issues.md',
      auth: 'session',
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: z.strictObject({ status: Status }),
      response: Moved,
      errors: { 404: 'No such issue that I may see', 409: 'Not a move of the table from the current status' },
    },
    async ({ params, body, req, caller }) => move(req, caller, params.id, body.status, 'move'),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues/{id}/accept',
      summary: 'Accept an issue in Requires acceptance ("OK", recorded as a comment): it goes to Success',
      auth: 'session',
      merchantOnly: true,
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: z.strictObject({ comment: CommentText.optional() }),
      response: Moved,
      errors: { 404: 'No such issue of my merchant', 409: 'The issue is not in Requires acceptance' },
    },
    async ({ params, body, req, caller }) => {
      refuseSecretInClear('comment', body.comment);
      return move(req, caller, params.id, 'Success', 'accept', body.comment ? `OK\n\n${body.comment}` : 'OK');
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues/{id}/send-back',
      summary: 'Send an issue in Requires acceptance back to Development with what is wrong (recorded as a comment)',
      auth: 'session',
      merchantOnly: true,
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: z.strictObject({
        reason: CommentText.openapi({ description: 'What is wrong and what the expected result is' }),
      }),
      response: Moved,
      errors: { 404: 'No such issue of my merchant', 409: 'The issue is not in Requires acceptance' },
    },
    async ({ params, body, req, caller }) => {
      refuseSecretInClear('reason', body.reason);
      return move(req, caller, params.id, 'Development', 'send-back', body.reason);
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues/{id}/comments',
      summary: 'Comment on an issue (clarifications, test results, links); no secrets in clear',
      auth: 'session',
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: z.strictObject({ body: CommentText }),
      response: z.object({ comment: Comment }),
      status: 201,
      errors: { 404: 'No such issue that I may see' },
    },
    async ({ params, body, req, caller }) => {
      refuseSecretInClear('body', body.body);
      return changeIssue(req, caller, params.id, async (tx, issue) => {
        const c = await issues.insertComment(tx, {
          issueId: issue.id,
          authorId: person(caller).userId,
          kind: 'comment',
          body: body.body,
        });
        return {
          result: { comment: commentView(c) },
          changes: [childCreated('issue-comment', issue.id, commentView(c))],
        };
      });
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/issues/{id}/attachments',
      summary: 'Attach a file (PNG, JPEG, GIF, WebP, PDF, ZIP, MP4, text, CSV or JSON; at most 2 MiB)',
      auth: 'session',
      action: WRITE,
      tag: TAG,
      params: IssueIdParams,
      body: NewAttachment,
      response: z.object({ attachment: Attachment }),
      status: 201,
      errors: { 404: 'No such issue that I may see', 413: 'The file is larger than 2 MiB' },
    },
    async ({ params, body, req, caller }) => {
      const content = checkAttachment(body);
      return changeIssue(req, caller, params.id, async (tx, issue) => {
        const a = await issues.insertAttachment(tx, {
          issueId: issue.id,
          uploadedBy: person(caller).userId,
          fileName: body.fileName,
          contentType: body.contentType.toLowerCase(),
          content,
        });
        return {
          result: { attachment: attachmentView(a) },
          changes: [childCreated('issue-attachment', issue.id, attachmentView(a))],
        };
      });
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/issues/{id}/attachments/{attachmentId}',
      summary: 'One attachment with its content (base64)',
      auth: 'session',
      action: READ,
      tag: TAG,
      params: IssueIdParams.extend({ attachmentId: z.uuid({ error: 'must be a UUID' }) }),
      response: Attachment.extend({ contentBase64: z.string() }),
      errors: { 404: 'No such attachment of an issue I may see' },
    },
    async ({ params, caller }) => {
      const issue = await visibleIssue(ds, caller, params.id);
      const a = await issues.attachmentWithContent(ds, issue.id, params.attachmentId);
      if (!a) throw new HttpError(404, 'NOT_FOUND', `no attachment ${params.attachmentId}`);
      return { ...attachmentView(a), contentBase64: a.content.toString('base64') };
    },
  );

  secretRoutes(router, auth, deps);
  return router;
}

function secretRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const ds = deps.dataSource;

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/secrets',
      summary:
        'Store a one-time secret encrypted in the browser (the key stays in the link fragment, never sent): lifetime and views',
      auth: 'session',
      tag: TAG,
      body: CreateSecret,
      response: CreatedSecret,
      status: 201,
    },
    async ({ body, req, caller }) =>
      audited(ds, req, async (tx) => {
        const s = await secrets.insertSecret(tx, {
          ciphertext: Buffer.from(body.ciphertext, 'base64url'),
          iv: Buffer.from(body.iv, 'base64url'),
          views: body.views,
          lifetimeSeconds: body.lifetimeSeconds,
          createdBy: caller.person!.userId,
        });
        const view = { id: s.id, path: `/secrets/${s.id}`, viewsLeft: s.viewsLeft, expiresAt: iso(s.expiresAt) };
        return {
          result: view,
          changes: [
            {
              action: 'create',
              entityType: 'one-time-secret',
              entityId: s.id,
              before: null,
              after: { viewsLeft: s.viewsLeft, expiresAt: view.expiresAt },
            },
          ],
        };
      }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/secrets/{id}/open',
      summary:
        'Open a one-time secret: takes one view and answers the ciphertext (decrypt with the key of the link). Gone: 410',
      auth: 'none',
      tag: TAG,
      params: z.object({ id: z.uuid({ error: 'must be a UUID' }) }),
      response: OpenedSecret,
      errors: { 410: 'No such secret: it was opened its last time, expired, or never existed' },
    },
    async ({ params }) => {
      const opened = await secrets.openSecret((work) => ds.transaction((tx) => work(tx)), params.id);
      if (!opened) throw new HttpError(410, 'SECRET_GONE', 'this secret is gone: opened already, expired, or unknown');
      return { ciphertext: b64url(opened.ciphertext), iv: b64url(opened.iv), viewsLeft: opened.viewsLeft };
    },
  );
}
