import { Router, type Request } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { audited } from '../admin/audit';
import { adminAuth } from '../admin/auth';
import { constraintErrors } from '../admin';
import type { ApiDependencies } from '../app';
import { authFailureGuard, DEFAULT_AUTH_FAILURE_LIMITS } from '../auth-failures';
import { HttpError, invalidField } from '../errors';
import { authenticate, clearSessionCookies, setSessionCookies, type Caller } from './access';
import { hashPassword, verifyPassword } from './passwords';
import { patternsOf, rolesOf, type UserKind } from './permissions';
import { accountRoute, type Authenticator } from './route';
import { AnyPassword, Email, NewPassword, OneTimeLink, Role, Session, TotpCode, User } from './schemas';
import { portalRoutes } from './portal';
import * as store from './store';
import { checkTotp, newTotpSecret, sealTotpSecret, totpUri } from './totp';

/**
 * People (issue 16; docs/accounts.md): sign-in and sign-out, one-time links, My Account (password, second factor,
 * sessions), the team (invite, role, disable, password-reset links) and the merchant cabinet's own data. Every
 * change is written to the audit log under the signed-in person, in the change's transaction.
 */

const Id = z.object({ id: z.uuid({ error: 'must be a UUID' }) });
const linkOf = (l: { token: string; expiresAt: string }) => ({ ...l, path: `/sign-in/link#${l.token}` });
const sha = (email: string) => store.digest(`email:${email}`);
const emailTarget = (req: Request) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? sha(email.toLowerCase()) : undefined;
};

/** The merchant a merchant caller belongs to, or null for operators; another merchant's id is 404. */
function teamOf(caller: Caller, merchantId: string | undefined): string | null {
  if (caller.kind === 'merchant') {
    if (merchantId !== undefined && merchantId !== caller.merchantId) {
      throw new HttpError(404, 'NOT_FOUND', `no merchant ${merchantId}`);
    }
    return caller.merchantId;
  }
  return merchantId ?? null;
}

/** A user the caller may manage: a merchant user only its own merchant's users (others are 404). */
async function teamMember(tx: EntityManager, caller: Caller, id: string): Promise<store.UserRow> {
  const user = await store.userById(tx, id, true);
  if (caller.kind === 'merchant' && user.merchant_id !== caller.merchantId) {
    throw new HttpError(404, 'NOT_FOUND', `no user ${id}`);
  }
  return user;
}

function assertRoleFits(kind: UserKind, role: string): void {
  if (!(rolesOf(kind) as readonly string[]).includes(role)) {
    throw invalidField('role', `a ${kind} user's role is one of ${rolesOf(kind).join(', ')}`);
  }
}

export function accountsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const keyAuth = adminAuth(ds, deps.adminKey, deps.authFailureLimits);
  const auth: Authenticator = (req, res, sessionOnly) => authenticate(deps, keyAuth, req, res, sessionOnly);
  const limits = deps.authFailureLimits ?? DEFAULT_AUTH_FAILURE_LIMITS;
  const signInGuard = authFailureGuard(ds, 'sign-in', limits, emailTarget);

  // ---- Signing in and out, one-time links ----

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/auth/sign-in',
      summary:
        'Sign in with email and password (and the TOTP code when the second factor is on); sets the session cookie',
      auth: 'none',
      body: z.strictObject({ email: Email, password: AnyPassword, totpCode: TotpCode.optional() }),
      response: z.object({
        user: User,
        csrfToken: z.string().openapi({ description: 'Send it as X-CSRF-Token on POST, PUT, PATCH and DELETE' }),
      }),
      errors: {
        401: 'Wrong email or password (INVALID_CREDENTIALS), or the second factor is needed (TOTP_REQUIRED) or wrong',
        429: 'Too many failed sign-ins from this client or for this account; retry later',
      },
    },
    async ({ body, req, res }) => {
      await signInGuard.check(req);
      const email = body.email.toLowerCase();
      const user = await store.userByEmail(ds, email);
      const passwordOk = await verifyPassword(body.password, user?.password_hash ?? null);
      if (!user || !passwordOk || user.disabled_at) return signInGuard.refuse(req, res, 'wrong email or password');
      if (user.totp_enabled) {
        if (!body.totpCode) throw new HttpError(401, 'TOTP_REQUIRED', 'give the code of your authenticator app');
        const epoch = await checkTotp(
          deps.keyring,
          { id: user.id, totpSecret: user.totp_secret! },
          body.totpCode,
          user.totp_last_epoch === null ? null : Number(user.totp_last_epoch),
        );
        if (epoch === null) return signInGuard.refuse(req, res, 'wrong second-factor code');
        await store.updateUser(ds, user.id, { totpLastEpoch: epoch });
      }
      req.person = personOf(user, '');
      const session = await audited(ds, req, async (tx) => {
        const s = await store.insertSession(tx, user.id, req.get('user-agent'));
        return {
          result: s,
          changes: [
            { action: 'create', entityType: 'session', entityId: s.id, before: null, after: { userId: user.id } },
          ],
        };
      });
      setSessionCookies(req, res, session.token, session.csrfToken);
      return { user: store.userView(user), csrfToken: session.csrfToken };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/auth/sign-out',
      summary: 'End this session',
      auth: 'session',
      response: z.object({ signedOut: z.literal(true) }),
    },
    async ({ req, res, caller }) => {
      const person = caller.person!;
      await audited(ds, req, async (tx) => {
        await store.revokeSession(tx, person.userId, person.sessionId);
        return {
          result: null,
          changes: [{ action: 'revoke', entityType: 'session', entityId: person.sessionId, before: null, after: null }],
        };
      });
      clearSessionCookies(req, res);
      return { signedOut: true };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/auth/links/accept',
      summary: 'Use an invite or password-reset link once: set the password (then sign in)',
      auth: 'none',
      body: z.strictObject({ token: z.string().min(1).max(200), password: NewPassword }),
      response: z.object({ user: User }),
      errors: { 404: 'No such link', 410: 'The link was used already, has expired, or its user is disabled' },
    },
    async ({ body, req }) => {
      const passwordHash = await hashPassword(body.password);
      return audited(ds, req, async (tx) => {
        const link = await store.useLink(tx, body.token);
        const before = await store.userById(tx, link.userId, true);
        if (before.disabled_at) throw new HttpError(410, 'LINK_GONE', 'the user of this link is disabled');
        const after = await store.updateUser(tx, before.id, { passwordHash });
        await store.revokeSessionsOf(tx, before.id);
        // Nobody is signed in: the change is the link's user's own.
        req.person = personOf(after, '');
        return {
          result: { user: store.userView(after) },
          changes: [
            {
              action: 'update',
              entityType: 'user',
              entityId: after.id,
              before: store.userView(before),
              after: store.userView(after),
              note: link.purpose === 'invite' ? 'invite accepted' : 'password reset by link',
            },
          ],
        };
      });
    },
  );

  myAccountRoutes(router, auth, deps);
  teamRoutes(router, auth, deps);
  portalRoutes(router, auth, deps);
  // A duplicate email is 409, an unknown merchant 404, a value the schema refuses 400 (as in the admin API).
  router.use(['/api/v1/auth', '/api/v1/account', '/api/v1/team', '/api/v1/portal'], constraintErrors);
  return router;
}

const personOf = (u: store.UserRow, sessionId: string) => ({
  userId: u.id,
  email: u.email,
  kind: u.kind,
  role: u.role,
  merchantId: u.merchant_id,
  sessionId,
});

/** One audited change of a user row: its view before and after. */
const userChange = (before: store.UserRow, after: store.UserRow, note: string | null = null) => ({
  action: 'update' as const,
  entityType: 'user',
  entityId: after.id,
  before: store.userView(before),
  after: store.userView(after),
  note,
});

function myAccountRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const ds = deps.dataSource;
  const me = (caller: Caller) => caller.person!;
  /** Runs a change of the signed-in person's own row, locked, audited as `note`. */
  const changeMe = <T>(
    req: Request,
    caller: Caller,
    note: string,
    change: (tx: EntityManager, before: store.UserRow) => Promise<{ after: store.UserRow; result: T }>,
  ) =>
    audited(ds, req, async (tx) => {
      const before = await store.userById(tx, me(caller).userId, true);
      const { after, result } = await change(tx, before);
      return { result, changes: [userChange(before, after, note)] };
    });
  const wrongPassword = () => invalidField('password', 'is not your current password');

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/account',
      summary: 'Who is signed in: the user, and the merchant of a merchant user',
      auth: 'session',
      response: z.object({
        user: User,
        merchant: z.object({ id: z.uuid(), name: z.string() }).nullable(),
        permissions: z.array(z.string()).openapi({
          description:
            "The action patterns the user's role allows (api/accounts/permissions.ts): screens hide what the server would refuse",
        }),
      }),
    },
    async ({ caller }) => {
      const user = await store.userById(ds, me(caller).userId);
      const [merchant]: Array<{ id: string; name: string }> = user.merchant_id
        ? await ds.query(`SELECT id, name FROM merchants WHERE id = $1`, [user.merchant_id])
        : [];
      return {
        user: store.userView(user),
        merchant: merchant ?? null,
        permissions: [...patternsOf(user.kind, user.role)],
      };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/account/password',
      summary: 'Change my password; my other sessions end',
      auth: 'session',
      body: z.strictObject({ password: AnyPassword, newPassword: NewPassword }),
      response: z.object({ user: User }),
    },
    async ({ body, req, caller }) => {
      const passwordHash = await hashPassword(body.newPassword);
      return changeMe(req, caller, 'password changed', async (tx, before) => {
        if (!(await verifyPassword(body.password, before.password_hash))) throw wrongPassword();
        const after = await store.updateUser(tx, before.id, { passwordHash });
        await store.revokeSessionsOf(tx, before.id, me(caller).sessionId);
        return { after, result: { user: store.userView(after) } };
      });
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/account/totp/setup',
      summary: 'Start the second factor: a new TOTP secret for the authenticator app (on once confirmed by a code)',
      auth: 'session',
      body: z.strictObject({ password: AnyPassword }),
      response: z.object({
        secret: z.string().openapi({ description: 'Base32; shown once' }),
        otpauthUri: z.string(),
      }),
      errors: { 409: 'The second factor is on already' },
    },
    async ({ body, req, caller }) =>
      changeMe(req, caller, 'second factor set up', async (tx, before) => {
        if (!(await verifyPassword(body.password, before.password_hash))) throw wrongPassword();
        if (before.totp_enabled) throw new HttpError(409, 'TOTP_ENABLED', 'the second factor is on already');
        const secret = newTotpSecret();
        const after = await store.updateUser(tx, before.id, {
          totpSecret: sealTotpSecret(deps.keyring, before.id, secret),
          totpLastEpoch: null,
        });
        return { after, result: { secret, otpauthUri: totpUri(secret, before.email) } };
      }),
  );

  const codeOk = async (user: store.UserRow, code: string) => {
    if (!user.totp_secret) return null;
    const last = user.totp_last_epoch === null ? null : Number(user.totp_last_epoch);
    return checkTotp(deps.keyring, { id: user.id, totpSecret: user.totp_secret }, code, last);
  };

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/account/totp/enable',
      summary: 'Turn the second factor on with a code of the authenticator app',
      auth: 'session',
      body: z.strictObject({ code: TotpCode }),
      response: z.object({ user: User }),
      errors: { 409: 'The second factor is on already, or was not set up' },
    },
    async ({ body, req, caller }) =>
      changeMe(req, caller, 'second factor on', async (tx, before) => {
        if (before.totp_enabled || !before.totp_secret) {
          throw new HttpError(409, 'TOTP_STATE', 'set the second factor up first (it must be off)');
        }
        const epoch = await codeOk(before, body.code);
        if (epoch === null) throw invalidField('code', 'is not the current code of the authenticator app');
        const after = await store.updateUser(tx, before.id, { totpEnabled: true, totpLastEpoch: epoch });
        return { after, result: { user: store.userView(after) } };
      }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/account/totp/disable',
      summary: 'Turn the second factor off (password and a current code)',
      auth: 'session',
      body: z.strictObject({ password: AnyPassword, code: TotpCode }),
      response: z.object({ user: User }),
      errors: { 409: 'The second factor is off' },
    },
    async ({ body, req, caller }) =>
      changeMe(req, caller, 'second factor off', async (tx, before) => {
        if (!before.totp_enabled) throw new HttpError(409, 'TOTP_STATE', 'the second factor is off');
        if (!(await verifyPassword(body.password, before.password_hash))) throw wrongPassword();
        if ((await codeOk(before, body.code)) === null) {
          throw invalidField('code', 'is not the current code of the authenticator app');
        }
        const after = await store.updateUser(tx, before.id, {
          totpEnabled: false,
          totpSecret: null,
          totpLastEpoch: null,
        });
        return { after, result: { user: store.userView(after) } };
      }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/account/sessions',
      summary: 'My live sessions',
      auth: 'session',
      response: z.object({ items: z.array(Session) }),
    },
    async ({ caller }) => {
      const rows = await store.listSessions(ds, me(caller).userId);
      return {
        items: rows.map((s) => ({
          id: s.id,
          userAgent: s.user_agent,
          createdAt: s.created_at.toISOString(),
          lastSeenAt: s.last_seen_at.toISOString(),
          expiresAt: s.expires_at.toISOString(),
          current: s.id === me(caller).sessionId,
        })),
      };
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/account/sessions/{id}/revoke',
      summary: 'End one of my sessions',
      auth: 'session',
      params: Id,
      response: z.object({ revoked: z.literal(true) }),
      errors: { 404: 'No such live session of mine' },
    },
    async ({ params, req, caller }) =>
      audited(ds, req, async (tx) => {
        if (!(await store.revokeSession(tx, me(caller).userId, params.id))) {
          throw new HttpError(404, 'NOT_FOUND', `no live session ${params.id}`);
        }
        return {
          result: { revoked: true as const },
          changes: [{ action: 'revoke', entityType: 'session', entityId: params.id, before: null, after: null }],
        };
      }),
  );
}

function teamRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const ds = deps.dataSource;

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/team/users',
      summary: "The team: operators, or a merchant's users (a merchant user sees its own merchant's only)",
      auth: 'session-or-key',
      action: 'team:users:read',
      query: z.object({ merchantId: z.uuid({ error: 'must be a UUID' }).optional() }),
      response: z.object({ items: z.array(User) }),
      errors: { 404: 'Another merchant' },
    },
    async ({ query, caller }) => ({
      items: (await store.listUsers(ds, teamOf(caller, query.merchantId))).map(store.userView),
    }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/team/invites',
      summary: 'Invite a person: a user without a password and a one-time link to set it (shown once)',
      auth: 'session-or-key',
      action: 'team:users:write',
      body: z.strictObject({
        email: Email,
        role: Role,
        merchantId: z
          .uuid({ error: 'must be a UUID' })
          .optional()
          .openapi({ description: "Operators: invite a merchant's user. Merchant users invite to their own merchant" }),
      }),
      response: z.object({ user: User, link: OneTimeLink }),
      status: 201,
      errors: { 404: 'No such merchant', 409: 'A user with that email exists' },
    },
    async ({ body, req, caller }) =>
      audited(ds, req, async (tx) => {
        const merchantId = teamOf(caller, body.merchantId);
        const kind: UserKind = merchantId ? 'merchant' : 'operator';
        assertRoleFits(kind, body.role);
        const user = await store.insertUser(tx, { email: body.email.toLowerCase(), kind, merchantId, role: body.role });
        const link = await store.insertLink(tx, user.id, 'invite');
        const view = store.userView(user);
        return {
          result: { user: view, link: linkOf(link) },
          changes: [
            { action: 'create', entityType: 'user', entityId: user.id, before: null, after: view, note: 'invited' },
          ],
        };
      }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'patch',
      path: '/api/v1/team/users/{id}',
      summary: "Change a team member's role, or disable (and re-enable) them; disabling ends their sessions",
      auth: 'session-or-key',
      action: 'team:users:write',
      params: Id,
      body: z
        .strictObject({ role: Role.optional(), disabled: z.boolean().optional() })
        .refine((b) => b.role !== undefined || b.disabled !== undefined, { error: 'give role or disabled' }),
      response: z.object({ user: User }),
      errors: { 404: 'No such user in your team', 409: 'You cannot change your own role or disable yourself' },
    },
    async ({ params, body, req, caller }) =>
      audited(ds, req, async (tx) => {
        const before = await teamMember(tx, caller, params.id);
        if (before.id === caller.person?.userId) {
          throw new HttpError(409, 'SELF_CHANGE', 'ask another admin to change your own role or status');
        }
        if (body.role !== undefined) assertRoleFits(before.kind, body.role);
        const after = await store.updateUser(tx, before.id, body);
        if (body.disabled) await store.revokeSessionsOf(tx, before.id);
        return { result: { user: store.userView(after) }, changes: [userChange(before, after)] };
      }),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/team/users/{id}/reset-link',
      summary: 'Issue a one-time password-reset link for a user (operators only; shown once)',
      auth: 'session-or-key',
      action: 'team:users:reset',
      params: Id,
      response: z.object({ link: OneTimeLink }),
      errors: { 404: 'No such user' },
    },
    async ({ params, req, caller }) =>
      audited(ds, req, async (tx) => {
        const user = await teamMember(tx, caller, params.id);
        const link = await store.insertLink(tx, user.id, 'reset');
        return {
          result: { link: linkOf(link) },
          changes: [
            {
              action: 'create',
              entityType: 'password-reset-link',
              entityId: user.id,
              before: null,
              after: { userId: user.id, expiresAt: link.expiresAt },
            },
          ],
        };
      }),
  );
}
