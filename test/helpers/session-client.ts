import { randomUUID } from 'node:crypto';
import type { Answer, HttpClient } from './admin-client';
import { expectStatus } from './admin-client';

/**
 * A browser's view of the API for one person: it keeps the cookies the server sets (session and CSRF) and sends the
 * CSRF header on state-changing requests, unless told not to. `setCookies` keeps every Set-Cookie header seen.
 */
export function sessionClient(baseUrl: string) {
  const jar = new Map<string, string>();
  const setCookies: string[] = [];
  const call = async (method: string, path: string, body?: unknown, opts: { csrf?: string | null } = {}) => {
    const csrf = opts.csrf === undefined ? jar.get('ps_csrf') : opts.csrf;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined } as Answer;
  };
  return {
    jar,
    setCookies,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}, opts?: { csrf?: string | null }) => call('POST', path, body, opts),
    patch: (path: string, body: unknown, opts?: { csrf?: string | null }) => call('PATCH', path, body, opts),
    delete: (path: string, opts?: { csrf?: string | null }) => call('DELETE', path, undefined, opts),
    signIn: (email: string, password: string, totpCode?: string) =>
      call('POST', '/api/v1/auth/sign-in', { email, password, ...(totpCode ? { totpCode } : {}) }),
  };
}
export type SessionClient = ReturnType<typeof sessionClient>;

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A person with a role, made the way a team admin would: invited through the API with the operator key (an
 * operator key acts as admin), the invite link used to set the password, then signed in.
 */
export async function invitedPerson(
  baseUrl: string,
  admin: HttpClient,
  role: string,
  merchantId?: string,
): Promise<{ client: SessionClient; email: string; userId: string }> {
  const email = `${role}-${randomUUID()}@example.test`;
  const invite = await expectStatus(
    admin.post('/api/v1/team/invites', { email, role, ...(merchantId ? { merchantId } : {}) }),
    201,
  );
  const client = sessionClient(baseUrl);
  await expectStatus(
    client.post('/api/v1/auth/links/accept', { token: invite.link.token, password: TEST_PASSWORD }),
    200,
  );
  await expectStatus(client.signIn(email, TEST_PASSWORD), 200);
  return { client, email, userId: invite.user.id };
}
