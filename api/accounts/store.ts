import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RowOf } from '../../entities/rows';
import type { UserLinkEntity } from '../../entities/user-link.entity';
import type { UserSessionEntity } from '../../entities/user-session.entity';
import type { UserEntity } from '../../entities/user.entity';
import { HttpError } from '../errors';
import type { UserKind } from './permissions';

/**
 * The only module that reads and writes `users`, `user_sessions` and `user_links` (issue 16). Tokens (session,
 * CSRF, one-time links) are 32 random bytes handed out once and stored as SHA-256 digests: with that much entropy a
 * slow hash adds nothing, and lookups stay one index probe.
 */

type Db = Pick<EntityManager, 'query'>;

/** The rows of an UPDATE … RETURNING: TypeORM answers those as [rows, affected count]. */
async function updated<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** A session lasts 12 hours at most, and ends after 2 hours without a request. */
export const SESSION_MAX_HOURS = 12;
export const SESSION_IDLE_MINUTES = 120;
/** Invite and password-reset links are valid for 72 hours, once. */
export const LINK_HOURS = 72;

export const newToken = () => randomBytes(32).toString('base64url');
export const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** A whole user row as USER_COLUMNS reads it (`totp_last_epoch` as text). */
export type UserRow = RowOf<UserEntity, keyof UserEntity>;

/** A user as the API shows it: never a hash or a secret. */
export interface UserView {
  id: string;
  email: string;
  kind: UserKind;
  merchantId: string | null;
  role: string;
  status: 'invited' | 'active' | 'disabled';
  totpEnabled: boolean;
  passwordChangedAt: string | null;
  createdAt: string;
}

export const userView = (r: UserRow): UserView => ({
  id: r.id,
  email: r.email,
  kind: r.kind,
  merchantId: r.merchant_id,
  role: r.role,
  status: r.disabled_at ? 'disabled' : r.password_hash ? 'active' : 'invited',
  totpEnabled: r.totp_enabled,
  passwordChangedAt: r.password_changed_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

const USER_COLUMNS = `id, email, kind, merchant_id, role, password_hash, password_changed_at, totp_secret,
  totp_enabled, totp_last_epoch::text AS totp_last_epoch, disabled_at, created_at`;

export async function userByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row]: UserRow[] = await db.query(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]);
  return row;
}

/** The user, locked for the rest of the transaction when `lock`; 404 when there is none. */
export async function userById(db: Db, id: string, lock = false): Promise<UserRow> {
  const [row]: UserRow[] = await db.query(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no user ${id}`);
  return row;
}

/** Operators (merchantId null) or one merchant's users, oldest first. */
export async function listUsers(db: Db, merchantId: string | null): Promise<UserRow[]> {
  return db.query(
    `SELECT ${USER_COLUMNS} FROM users WHERE ${merchantId ? 'merchant_id = $1' : "kind = 'operator'"}
     ORDER BY created_at, id`,
    merchantId ? [merchantId] : [],
  );
}

/** A new user without a password: it gets one through its invite link (or, at start-up, directly). */
export async function insertUser(
  db: Db,
  u: { email: string; kind: UserKind; merchantId: string | null; role: string; passwordHash?: string | null },
): Promise<UserRow> {
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO users (email, kind, merchant_id, role, password_hash, password_changed_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END) RETURNING id`,
    [u.email, u.kind, u.merchantId, u.role, u.passwordHash ?? null],
  );
  return userById(db, row!.id);
}

export async function updateUser(
  db: Db,
  id: string,
  change: {
    role?: string;
    disabled?: boolean;
    passwordHash?: string;
    totpSecret?: string | null;
    totpEnabled?: boolean;
    totpLastEpoch?: number | null;
  },
): Promise<UserRow> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  const set = (sql: string, value: unknown) => {
    values.push(value);
    sets.push(sql.replace('?', `$${values.length}`));
  };
  if (change.role !== undefined) set('role = ?', change.role);
  if (change.disabled !== undefined) sets.push(change.disabled ? 'disabled_at = now()' : 'disabled_at = NULL');
  if (change.passwordHash !== undefined) {
    set('password_hash = ?', change.passwordHash);
    sets.push('password_changed_at = now()');
  }
  if (change.totpSecret !== undefined) set('totp_secret = ?', change.totpSecret);
  if (change.totpEnabled !== undefined) set('totp_enabled = ?', change.totpEnabled);
  if (change.totpLastEpoch !== undefined) set('totp_last_epoch = ?', change.totpLastEpoch);
  if (sets.length) await db.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, values);
  return userById(db, id);
}

export type SessionRow = RowOf<
  UserSessionEntity,
  'id' | 'userId' | 'userAgent' | 'createdAt' | 'lastSeenAt' | 'expiresAt'
>;

/** Opens a session; its token and CSRF token are in this answer only. */
export async function insertSession(db: Db, userId: string, userAgent: string | undefined) {
  const token = newToken();
  const csrfToken = newToken();
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO user_sessions (user_id, token_hash, csrf_hash, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, now() + $5 * interval '1 hour') RETURNING id`,
    [userId, digest(token), digest(csrfToken), userAgent?.slice(0, 200) ?? null, SESSION_MAX_HOURS],
  );
  return { id: row!.id, token, csrfToken };
}

/**
 * The live session a token opens, with its user and the digest of its CSRF token, and marks it used: a session is
 * live until revoked, past its end, idle too long, or its user disabled.
 */
export async function liveSession(db: Db, token: string) {
  const [row] = await updated<{ session_id: string } & RowOf<UserSessionEntity, 'csrfHash'> & UserRow>(
    db,
    `UPDATE user_sessions s SET last_seen_at = now()
     FROM users u
     WHERE s.token_hash = $1 AND u.id = s.user_id AND s.revoked_at IS NULL AND s.expires_at > now()
       AND s.last_seen_at > now() - $2 * interval '1 minute' AND u.disabled_at IS NULL
     RETURNING s.id AS session_id, s.csrf_hash, ${USER_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1u.$2')}`,
    [digest(token), SESSION_IDLE_MINUTES],
  );
  return row;
}

export async function listSessions(db: Db, userId: string): Promise<SessionRow[]> {
  return db.query(
    `SELECT id, user_id, user_agent, created_at, last_seen_at, expires_at FROM user_sessions
     WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
       AND last_seen_at > now() - $2 * interval '1 minute'
     ORDER BY created_at DESC, id`,
    [userId, SESSION_IDLE_MINUTES],
  );
}

/** Revokes one of the user's live sessions; false when the user has no such live session. */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const rows = await updated<{ id: string }>(
    db,
    `UPDATE user_sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
    [sessionId, userId],
  );
  return rows.length > 0;
}

/** Revokes every session of the user but `keep` (a password change keeps the session that made it). */
export async function revokeSessionsOf(db: Db, userId: string, keep: string | null = null): Promise<void> {
  await db.query(
    `UPDATE user_sessions SET revoked_at = now()
     WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2)`,
    [userId, keep],
  );
}

/** A one-time link for the user; an earlier unused link of the same purpose stops working. */
export async function insertLink(db: Db, userId: string, purpose: 'invite' | 'reset') {
  await db.query(
    `UPDATE user_links SET expires_at = least(expires_at, now()) WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
    [userId, purpose],
  );
  const token = newToken();
  const [row]: Array<RowOf<UserLinkEntity, 'expiresAt'>> = await db.query(
    `INSERT INTO user_links (user_id, purpose, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + $4 * interval '1 hour') RETURNING expires_at`,
    [userId, purpose, digest(token), LINK_HOURS],
  );
  return { token, expiresAt: row!.expires_at.toISOString() };
}

/** Uses a link: 404 for a token nobody issued, 410 for one used or expired. Locks the link until commit. */
export async function useLink(db: Db, token: string): Promise<{ userId: string; purpose: 'invite' | 'reset' }> {
  const [link]: Array<RowOf<UserLinkEntity, 'id' | 'userId' | 'purpose'> & { usable: boolean }> = await db.query(
    `SELECT id, user_id, purpose, used_at IS NULL AND expires_at > now() AS usable FROM user_links
     WHERE token_hash = $1 FOR UPDATE`,
    [digest(token)],
  );
  if (!link) throw new HttpError(404, 'LINK_NOT_FOUND', 'no such link');
  if (!link.usable) throw new HttpError(410, 'LINK_GONE', 'the link was used already or has expired');
  await db.query(`UPDATE user_links SET used_at = now() WHERE id = $1`, [link.id]);
  return { userId: link.user_id, purpose: link.purpose };
}
