/**
 * The Issues board's vocabulary (seed 000, issue 17; docs/issues.md): statuses, priorities, the Source wizard's
 * required fields, who may move an issue where, and the description template. Pure TypeScript: the API enforces
 * these rules and the web application can show the same ones.
 */

export const ISSUE_STATUSES = ['Draft', 'Development', 'Testing', 'Requires acceptance', 'Success'] as const;
export const ISSUE_PRIORITIES = ['Low', 'Medium', 'High', 'Highest'] as const;
export const ISSUE_SOURCES = ['Head', 'MerchHead', 'API', 'Integration'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
export type IssuePriority = (typeof ISSUE_PRIORITIES)[number];
export type IssueSource = (typeof ISSUE_SOURCES)[number];

/** The kinds of API documentation an API issue is about (seed 000 §5.3). */
export const API_DOC_KINDS = ['endpoint', 'schema', 'example', 'enum', 'error text', 'FAQ'] as const;
/** Integration directions: the "direction" of "Gateway name + direction*" (e.g. "Bank name — deposit P2P"). */
export const INTEGRATION_DIRECTIONS = ['deposit', 'payout'] as const;

/**
 * How a Source field is checked: free `text`; one of `choices`; `secret-link`, a one-time-secret link (never the
 * secret itself); `link-or-attachment`, an http(s) URL or `attachment:<id>` of a file attached to the issue.
 */
export type SourceFieldKind = 'text' | 'choice' | 'secret-link' | 'link-or-attachment';
export interface SourceField {
  name: string;
  label: string;
  kind: SourceFieldKind;
  choices?: readonly string[];
}

/** Each Source's required fields, exactly as seed 000 lists them (all required: the form marks them with *). */
export const SOURCE_FIELDS: Readonly<Record<IssueSource, readonly SourceField[]>> = {
  Head: [{ name: 'module', label: 'Head* (the admin module or section)', kind: 'text' }],
  MerchHead: [{ name: 'module', label: 'Module* (the merchant cabinet section)', kind: 'text' }],
  API: [{ name: 'docKind', label: 'Documentation*', kind: 'choice', choices: API_DOC_KINDS }],
  Integration: [
    { name: 'gatewayName', label: 'Gateway name*', kind: 'text' },
    { name: 'direction', label: 'Direction*', kind: 'choice', choices: INTEGRATION_DIRECTIONS },
    { name: 'techContact', label: 'Tech contact* (email / @telegram)', kind: 'text' },
    { name: 'testApiKey', label: 'Test API key* (a one-time secret link)', kind: 'secret-link' },
    { name: 'prodApiKey', label: 'Prod API key* (a one-time secret link)', kind: 'secret-link' },
    { name: 'apiDoc', label: 'API doc* (a link, or an attached file)', kind: 'link-or-attachment' },
    { name: 'testBalance', label: 'Available balance for test*', kind: 'text' },
    { name: 'testCard', label: 'Card for test* (a one-time secret link)', kind: 'secret-link' },
  ],
};

/** Who does what: merchants create and accept, operators develop and test. */
export type IssueActorKind = 'operator' | 'merchant';
/** `move`: POST …/status; `accept`: the requester's "OK"; `send-back`: what is wrong, back to Development. */
export type TransitionVia = 'move' | 'accept' | 'send-back';
export interface IssueTransition {
  from: IssueStatus;
  to: IssueStatus;
  by: IssueActorKind;
  via: TransitionVia;
}

/** Every allowed move; docs/issues.md prints this table and test/unit/issues-domain.test.ts keeps them in step. */
export const ISSUE_TRANSITIONS: readonly IssueTransition[] = [
  { from: 'Draft', to: 'Development', by: 'operator', via: 'move' },
  { from: 'Development', to: 'Draft', by: 'operator', via: 'move' },
  { from: 'Development', to: 'Testing', by: 'operator', via: 'move' },
  { from: 'Testing', to: 'Development', by: 'operator', via: 'move' },
  { from: 'Testing', to: 'Requires acceptance', by: 'operator', via: 'move' },
  { from: 'Requires acceptance', to: 'Success', by: 'merchant', via: 'accept' },
  { from: 'Requires acceptance', to: 'Development', by: 'merchant', via: 'send-back' },
];

/** The transition of a request, or why there is none: `forbidden` (another kind's move) or `invalid`. */
export function transitionFor(
  from: IssueStatus,
  to: IssueStatus,
  by: IssueActorKind,
  via: TransitionVia,
): { ok: true } | { ok: false; reason: 'forbidden' | 'invalid' } {
  const matching = ISSUE_TRANSITIONS.filter((t) => t.from === from && t.to === to && t.via === via);
  if (matching.some((t) => t.by === by)) return { ok: true };
  return { ok: false, reason: matching.length ? 'forbidden' : 'invalid' };
}

/** Seed 000 §7's recommended Description structure, offered as the starting text. */
export const DESCRIPTION_TEMPLATE = [
  'Context: Source + module (Head*), provider/method/currency (if applicable)',
  'Steps to reproduce: 1) … 2) … 3) …',
  'Expected: what should happen',
  'Actual: what happens now',
  'Data: Order/Payment ID, external_id, gateway_id, time/timezone',
  'Evidence: screenshot/video/log/file',
].join('\n');

/** A one-time secret link: `<origin>/secrets/<id>#<key>` (the origin may be left out): origin, id, key. */
export const SECRET_LINK = /^((?:https?:\/\/[^\s/#?]+)?)\/secrets\/([0-9a-f-]{36})#([A-Za-z0-9_-]{43})$/;

/** The link without its key, as the audit log keeps it: the key opens the secret, so no record holds it. */
export const redactSecretLink = (link: string): string => link.replace(/#.*$/, '#…');
