import { z } from 'zod';
import { ISSUE_PRIORITIES, ISSUE_SOURCES, ISSUE_STATUSES } from '../../domain/issues';

/** The Issues board's and one-time secrets' request and answer shapes (docs/issues.md, docs/one-time-secrets.md). */

export const IssueNumber = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be an issue number')
  .openapi({ description: 'The Issue ID', example: '42' });
export const IssueIdParams = z.object({ id: IssueNumber });
export const Status = z.enum(ISSUE_STATUSES);
export const Priority = z.enum(ISSUE_PRIORITIES);
export const Source = z.enum(ISSUE_SOURCES);
const Uuid = z.uuid({ error: 'must be a UUID' });

/** Free text a person writes; checked for secrets in clear by the handlers. */
export const Subject = z.string().trim().min(1, 'must not be empty').max(200);
export const Description = z.string().max(20_000);
export const CommentText = z.string().trim().min(1, 'must not be empty').max(10_000);

export const SourceFields = z
  .record(z.string().regex(/^[A-Za-z]{1,40}$/, 'is not a field name'), z.string().max(2000))
  .openapi({
    description:
      'The fields the Source requires (GET /api/v1/issues/form lists them): Head and MerchHead `module`; API `docKind`; Integration `gatewayName`, `direction`, `techContact`, `testApiKey`, `prodApiKey`, `apiDoc`, `testBalance`, `testCard` (the key and card fields take a one-time secret link, never the secret)',
  });

export const NewAttachment = z.strictObject({
  fileName: z.string().trim().min(1).max(200),
  contentType: z.string().max(100),
  contentBase64: z.string().max(3_000_000).openapi({ description: 'The file, base64; at most 2 MiB decoded' }),
});

export const CreateIssue = z.strictObject({
  subject: Subject,
  description: Description.openapi({ description: 'GET /api/v1/issues/form has the template to start from' }),
  priority: Priority.default('Medium'),
  ownerId: Uuid.nullable().optional(),
  source: Source,
  sourceFields: SourceFields.default({}),
  attachments: z.array(NewAttachment).max(5).optional().openapi({
    description: 'Files attached at creation (an Integration `apiDoc` may name one: `attachment:<fileName>`)',
  }),
});

export const UpdateIssue = z
  .strictObject({
    subject: Subject.optional(),
    description: Description.optional(),
    priority: Priority.optional(),
    ownerId: Uuid.nullable().optional(),
    source: Source.optional(),
    sourceFields: SourceFields.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'give at least one field' });

export const Comment = z
  .object({
    id: z.uuid(),
    authorId: z.uuid(),
    authorEmail: z.string().nullable(),
    kind: z.enum(['comment', 'accept', 'send-back']),
    body: z.string(),
    createdAt: z.string(),
  })
  .openapi('IssueComment');

export const Attachment = z
  .object({
    id: z.uuid(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    uploadedBy: z.uuid(),
    createdAt: z.string(),
  })
  .openapi('IssueAttachment');

export const Issue = z
  .object({
    id: z.string().openapi({ description: 'The Issue ID' }),
    merchantId: z.uuid(),
    createdBy: z.uuid(),
    createdByEmail: z.string().nullable(),
    ownerId: z.uuid().nullable(),
    ownerEmail: z.string().nullable(),
    subject: z.string(),
    description: z.string(),
    priority: Priority,
    status: Status,
    source: Source,
    sourceFields: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Issue');

export const IssueDetail = Issue.extend({ comments: z.array(Comment), attachments: z.array(Attachment) }).openapi(
  'IssueDetail',
);

export const IssueQuery = z.object({
  status: Status.optional(),
  id: IssueNumber.optional(),
  user: Uuid.optional().openapi({ description: 'Created by this user' }),
  owner: Uuid.optional(),
  merchantId: Uuid.optional().openapi({ description: "Operators: one merchant's issues" }),
  createdFrom: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone' }).optional(),
  createdTo: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone' }).optional(),
  search: z.string().trim().min(1).max(200).optional().openapi({ description: 'Words in the subject or description' }),
  before: IssueNumber.optional().openapi({ description: 'Keyset paging: the nextBefore of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const IssuePage = z.object({
  items: z.array(Issue),
  nextBefore: z.string().nullable().openapi({ description: 'Pass as `before` for the next page; null on the last' }),
});

const base64url = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url')
    .max(max);

export const CreateSecret = z.strictObject({
  ciphertext: base64url(90_000).openapi({ description: 'AES-256-GCM ciphertext (with its tag), base64url' }),
  iv: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16}$/, 'must be the 12-byte IV, base64url')
    .openapi({ description: 'The 12-byte AES-GCM IV, base64url' }),
  views: z.number().int().min(1).max(10).default(1),
  lifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
});

export const CreatedSecret = z
  .object({
    id: z.uuid(),
    path: z.string().openapi({ description: "Append '#' and the key: the link to share" }),
    viewsLeft: z.number().int(),
    expiresAt: z.string(),
  })
  .openapi('CreatedSecret');

export const OpenedSecret = z
  .object({
    ciphertext: z.string(),
    iv: z.string(),
    viewsLeft: z.number().int().openapi({ description: '0: this was the last view, the secret is gone' }),
  })
  .openapi('OpenedSecret');
