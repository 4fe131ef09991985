import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { AuthFailureLimits } from '../auth-failures';
import { bearerKey } from '../auth-failures';
import { adminAuth } from '../admin/auth';
import { HttpError } from '../errors';
import { adminAction, allows, type UserKind } from './permissions';
import { digest, liveSession, SESSION_MAX_HOURS } from './store';

/**
 * Who a request comes from, for people: a session cookie (httpOnly, SameSite=Strict, Secure over https) names a
 * server-side session in PostgreSQL. A state-changing request authenticated by that cookie must also carry the
 * session's CSRF token in the X-CSRF-Token header (a synchronizer token: the server keeps its digest; the browser
 * gets it at sign-in, in the answer and in a script-readable cookie). Requests with a bearer key are machines: the
 * cookie is ignored, no CSRF token is needed, and an operator key acts with the admin role.
 */

export const SESSION_COOKIE = 'ps_session';
export const CSRF_COOKIE = 'ps_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A signed-in person, set on the request by the session middleware. */
export interface Person {
  userId: string;
  email: string;
  kind: UserKind;
  role: string;
  merchantId: string | null;
  sessionId: string;
}

/** The caller as the permission table sees it: a person, or an operator key (role admin). */
export interface Caller {
  kind: UserKind;
  role: string;
  merchantId: string | null;
  person: Person | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    person?: Person;
  }
}

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Sets the session and CSRF cookies; Secure when the request came over https. */
export function setSessionCookies(req: Request, res: Response, token: string, csrfToken: string): void {
  const base = { sameSite: 'strict', secure: req.protocol === 'https', path: '/' } as const;
  const maxAge = SESSION_MAX_HOURS * 3600_000;
  res.cookie(SESSION_COOKIE, token, { ...base, httpOnly: true, maxAge });
  res.cookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false, maxAge });
}

export function clearSessionCookies(req: Request, res: Response): void {
  const base = { sameSite: 'strict', secure: req.protocol === 'https', path: '/' } as const;
  res.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, base);
}

const sameDigest = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * The person of a session-cookie request: 401 when the session is unknown, over, revoked or its user disabled; 403
 * when a state-changing request lacks the session's CSRF token. Sets `req.person`.
 */
export async function sessionPerson(dataSource: DataSource, req: Request): Promise<Person> {
  const token = cookieOf(req, SESSION_COOKIE);
  const row = token ? await liveSession(dataSource, token) : undefined;
  if (!row) throw new HttpError(401, 'UNAUTHORIZED', 'not signed in, or the session has ended');
  if (!SAFE_METHODS.has(req.method)) {
    const presented = req.get(CSRF_HEADER);
    if (!presented || !sameDigest(digest(presented), row.csrf_hash)) {
      throw new HttpError(403, 'CSRF_TOKEN_INVALID', `a missing or wrong ${CSRF_HEADER} header`);
    }
  }
  req.person = {
    userId: row.id,
    email: row.email,
    kind: row.kind,
    role: row.role,
    merchantId: row.merchant_id,
    sessionId: row.session_id,
  };
  return req.person;
}

const asPromise = (handler: RequestHandler, req: Request, res: Response) =>
  new Promise<void>((resolve, reject) => {
    Promise.resolve(handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()))).catch(reject);
  });

export const forbidden = (caller: Caller, action: string) =>
  new HttpError(403, 'FORBIDDEN', `the ${caller.kind} role ${caller.role} may not ${action}`);

/**
 * Authenticates a request by bearer key (operator keys only, through the admin API's key check: same limits and
 * answers) or, without one, by session cookie; `sessionOnly` refuses keys. Sets `req.admin` for operators so the
 * audit log names them.
 */
export async function authenticate(
  deps: { dataSource: DataSource; adminKey?: string | undefined; authFailureLimits?: AuthFailureLimits | undefined },
  keyAuth: RequestHandler,
  req: Request,
  res: Response,
  sessionOnly = false,
): Promise<Caller> {
  if (bearerKey(req) === null && cookieOf(req, SESSION_COOKIE) !== undefined) {
    const person = await sessionPerson(deps.dataSource, req);
    if (person.kind === 'operator') req.admin = { actor: person.email, operatorId: null };
    return { kind: person.kind, role: person.role, merchantId: person.merchantId, person };
  }
  if (sessionOnly) throw new HttpError(401, 'UNAUTHORIZED', 'sign in first: this endpoint takes a session only');
  await asPromise(keyAuth, req, res);
  return { kind: 'operator', role: 'admin', merchantId: null, person: null };
}

/** The admin API's gate: an operator key or an operator's session, then the role's permission for the request. */
export function adminAccess(deps: {
  dataSource: DataSource;
  adminKey?: string | undefined;
  authFailureLimits?: AuthFailureLimits | undefined;
}): RequestHandler {
  const keyAuth = adminAuth(deps.dataSource, deps.adminKey, deps.authFailureLimits);
  return async (req, res, next) => {
    const caller = await authenticate(deps, keyAuth, req, res);
    const action = adminAction(req.method, req.path);
    if (!allows(caller.kind, caller.role, action)) throw forbidden(caller, action);
    next();
  };
}
