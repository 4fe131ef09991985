/**
 * Who may do what: the permission table of issue 16, as data. Every endpoint that a person (or an operator key) can
 * call names one action; the server refuses it with 403 unless the caller's role lists a pattern matching it.
 * docs/accounts.md prints this table; test/unit/permissions.test.ts keeps the two in step.
 *
 * Actions read `<area>:<resource>:<verb>`. A pattern may put `*` in place of one part, or be `*` alone (everything).
 * The admin API's actions are derived from the request (see {@link adminAction}): a resource this table does not
 * name yet (a new admin route) is open to the admin role only until someone adds it here.
 */

export const OPERATOR_ROLES = ['admin', 'operations', 'finance', 'support'] as const;
export const MERCHANT_ROLES = ['owner', 'developer', 'finance', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export type MerchantRole = (typeof MERCHANT_ROLES)[number];
export type UserKind = 'operator' | 'merchant';
export type Role = OperatorRole | MerchantRole;

/** Role → the action patterns it is allowed. Operator keys (machines) act as `operator:admin`. */
export const PERMISSIONS: Readonly<Record<`operator:${OperatorRole}` | `merchant:${MerchantRole}`, readonly string[]>> =
  {
    'operator:admin': ['*'],
    'operator:operations': [
      'admin:*:read',
      'admin:orders:write',
      'admin:merchants:write',
      'admin:gateways:write',
      'admin:routing:write',
      'admin:limits:write',
      'admin:blacklist:write',
      'team:users:read',
      'issues:issues:read',
      'issues:issues:write',
      'reports:*:read',
    ],
    'operator:finance': [
      'admin:*:read',
      'admin:commissions:write',
      'admin:limits:write',
      'team:users:read',
      'issues:issues:read',
      'issues:issues:write',
      'reports:*:read',
    ],
    'operator:support': [
      'admin:*:read',
      'team:users:read',
      'issues:issues:read',
      'issues:issues:write',
      'reports:*:read',
    ],
    'merchant:owner': [
      'portal:*:read',
      'portal:blacklist:write',
      'portal:keys:write',
      'portal:callbacks:write',
      'team:users:read',
      'team:users:write',
      'issues:issues:read',
      'issues:issues:write',
      'reports:*:read',
    ],
    'merchant:developer': [
      'portal:*:read',
      'portal:blacklist:write',
      'portal:keys:write',
      'portal:callbacks:write',
      'team:users:read',
      'issues:issues:read',
      'issues:issues:write',
    ],
    'merchant:finance': [
      'portal:*:read',
      'team:users:read',
      'issues:issues:read',
      'issues:issues:write',
      'reports:*:read',
    ],
    'merchant:viewer': ['portal:*:read', 'issues:issues:read', 'reports:*:read'],
  };

/**
 * Actions only operators can be given, whatever a table row says: the whole admin API, and issuing password-reset
 * links (an operator issues them, issue 16). A merchant user is confined to its own merchant by the portal's queries.
 */
const OPERATOR_ONLY = /^admin:|^team:users:reset$/;

/** The admin API's resources by the first segment of the path under /api/v1/admin. */
const ADMIN_RESOURCES: Readonly<Record<string, string>> = {
  operators: 'operators',
  merchants: 'merchants',
  keys: 'merchants',
  gateways: 'gateways',
  'gateway-answers': 'gateways',
  pipelines: 'routing',
  'routing-rules': 'routing',
  'cascade-policy': 'routing',
  limits: 'limits',
  commissions: 'commissions',
  blacklist: 'blacklist',
  'audit-log': 'audit',
  orders: 'orders',
};

/** POSTs of the admin API that only read (a search whose criteria are too sensitive for a query string). */
const READING_POSTS = new Set(['blacklist/search']);

/** The action of an admin API request, from its method and its path below /api/v1/admin. */
export function adminAction(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const first = segments[0] ?? '';
  const resource = ADMIN_RESOURCES[first] ?? first;
  const reads = method === 'GET' || method === 'HEAD' || READING_POSTS.has(segments.slice(0, 2).join('/'));
  return `admin:${resource}:${reads ? 'read' : 'write'}`;
}

function matches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const a = action.split(':');
  return p.length === a.length && p.every((part, i) => part === '*' || part === a[i]);
}

/** Whether a person of this kind and role may do the action. Unknown roles may do nothing. */
export function allows(kind: UserKind, role: string, action: string): boolean {
  if (kind === 'merchant' && OPERATOR_ONLY.test(action)) return false;
  return patternsOf(kind, role).some((p) => matches(p, action));
}

export const rolesOf = (kind: UserKind): readonly Role[] => (kind === 'operator' ? OPERATOR_ROLES : MERCHANT_ROLES);

/** The action patterns a role is given (none for an unknown role). */
export const patternsOf = (kind: UserKind, role: string): readonly string[] =>
  (PERMISSIONS as Record<string, readonly string[] | undefined>)[`${kind}:${role}`] ?? [];
