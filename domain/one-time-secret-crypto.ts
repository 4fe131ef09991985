/**
 * The browser's half of one-time secrets (docs/one-time-secrets.md), as Yopass does it: the secret is encrypted
 * where it is typed, with AES-256-GCM under a fresh random key, and only the ciphertext and IV go to the server. The
 * key goes into the link's fragment (`<origin>/secrets/<id>#<key>`), which browsers never send, so the server holds
 * nothing it can read. Uses only WebCrypto (`globalThis.crypto.subtle`), `fetch`, TextEncoder and TextDecoder:
 * the same module runs in the web application and in Node 20 (the unit test).
 *
 *   const link = await shareSecret({ baseUrl: '', csrfToken }, 'the test API key', { views: 1, lifetimeSeconds: 3600 });
 *   const text = await revealSecret(link);   // once; then the server answers 410 and this throws SecretGoneError
 */

import { SECRET_LINK } from './issues';

const b64url = (bytes: Uint8Array): string => {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64url = (text: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const subtle = () => globalThis.crypto.subtle;

/** What the server stores (both base64url) and the key that stays with the link (base64url, 32 bytes). */
export interface EncryptedSecret {
  ciphertext: string;
  iv: string;
  key: string;
}

/** Encrypts under a new random 256-bit key and a random 96-bit IV. */
export async function encryptSecret(plaintext: string): Promise<EncryptedSecret> {
  const rawKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await subtle().importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const sealed = await subtle().encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plaintext));
  return { ciphertext: b64url(new Uint8Array(sealed)), iv: b64url(iv), key: b64url(rawKey) };
}

/** Decrypts; throws when the key is wrong or the ciphertext was altered (GCM's tag). */
export async function decryptSecret(sealed: { ciphertext: string; iv: string }, key: string): Promise<string> {
  const k = await subtle().importKey('raw', fromB64url(key), 'AES-GCM', false, ['decrypt']);
  const plain = await subtle().decrypt(
    { name: 'AES-GCM', iv: fromB64url(sealed.iv) },
    k,
    fromB64url(sealed.ciphertext),
  );
  return new TextDecoder().decode(plain);
}

/** `<origin>/secrets/<id>#<key>`. */
export const secretLink = (origin: string, id: string, key: string): string => `${origin}/secrets/${id}#${key}`;

/** The id and key of a link; throws for anything else. */
export function parseSecretLink(link: string): { origin: string; id: string; key: string } {
  const m = SECRET_LINK.exec(link.trim());
  if (!m) throw new Error('not a one-time secret link');
  return { origin: m[1]!, id: m[2]!, key: m[3]! };
}

export class SecretGoneError extends Error {
  constructor() {
    super('this secret is gone: it was opened its last time or has expired');
  }
}

/** The API to talk to: `baseUrl` ('' in the browser, same origin) and the session's CSRF token for creating. */
export interface SecretApi {
  baseUrl: string;
  csrfToken?: string;
  fetch?: typeof fetch;
}

/** Encrypts, stores the ciphertext (a signed-in session's cookie goes along), and answers the link to share. */
export async function shareSecret(
  api: SecretApi,
  plaintext: string,
  opts: { views?: number; lifetimeSeconds?: number; origin?: string } = {},
): Promise<string> {
  const sealed = await encryptSecret(plaintext);
  const res = await (api.fetch ?? fetch)(`${api.baseUrl}/api/v1/secrets`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(api.csrfToken ? { 'x-csrf-token': api.csrfToken } : {}) },
    body: JSON.stringify({
      ciphertext: sealed.ciphertext,
      iv: sealed.iv,
      views: opts.views ?? 1,
      lifetimeSeconds: opts.lifetimeSeconds ?? 24 * 3600,
    }),
  });
  if (res.status !== 201) throw new Error(`the secret was not stored (${res.status})`);
  const created = (await res.json()) as { id: string };
  return secretLink(opts.origin ?? api.baseUrl, created.id, sealed.key);
}

/** Opens a link once (a view is used) and decrypts it; SecretGoneError when the server says it is gone. */
export async function revealSecret(link: string, api: Omit<SecretApi, 'csrfToken'> = { baseUrl: '' }): Promise<string> {
  const { origin, id, key } = parseSecretLink(link);
  const res = await (api.fetch ?? fetch)(`${api.baseUrl || origin}/api/v1/secrets/${id}/open`, { method: 'POST' });
  if (res.status === 410) throw new SecretGoneError();
  if (res.status !== 200) throw new Error(`the secret could not be opened (${res.status})`);
  return decryptSecret((await res.json()) as { ciphertext: string; iv: string }, key);
}
