import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi';

/**
 * The one way the screens reach the server: openapi-fetch over the types generated from our own /openapi.json
 * (scripts/web-client.ts), so a request or an answer that does not fit the API fails to compile.
 * The session travels in its httpOnly cookie; state-changing requests carry the CSRF token from the ps_csrf cookie.
 */
/** The session's CSRF token (the ps_csrf cookie), for state-changing requests. */
export function csrfToken(): string | undefined {
  const token = document.cookie
    .split('; ')
    .find((c) => c.startsWith('ps_csrf='))
    ?.slice('ps_csrf='.length);
  return token ? decodeURIComponent(token) : undefined;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const token = csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

export type Schemas = components['schemas'];
export type Account = paths['/api/v1/account']['get']['responses'][200]['content']['application/json'];

/** The message of an error answer (every 4xx/5xx of the API has the Error body). */
export function messageOf(error: unknown): string {
  const e = (error as { error?: { message?: string; details?: Array<{ field: string; message: string }> } })?.error;
  if (!e) return 'Something went wrong';
  const details = e.details?.map((d) => `${d.field}: ${d.message}`).join('; ');
  return details ? `${e.message} (${details})` : (e.message ?? 'Something went wrong');
}

/** An error answer's `details` by field (`sourceFields.testCard` → its message), to show at each field. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const e = (error as { error?: { details?: Array<{ field: string; message: string }> } })?.error;
  return Object.fromEntries((e?.details ?? []).map((d) => [d.field, d.message]));
}

/** Whether the role's permission patterns (from GET /api/v1/account) allow an action, as the server decides. */
export function allows(permissions: readonly string[], action: string): boolean {
  return permissions.some((pattern) => {
    if (pattern === '*') return true;
    const p = pattern.split(':');
    const a = action.split(':');
    return p.length === a.length && p.every((part, i) => part === '*' || part === a[i]);
  });
}
