import { randomUUID } from 'node:crypto';
import { purgeExpiredSecrets } from '../../data/one-time-secrets';
import {
  encryptSecret,
  parseSecretLink,
  revealSecret,
  SecretGoneError,
  shareSecret,
} from '../../domain/one-time-secret-crypto';
import { useAdminApi } from '../helpers/admin-client';
import { sessionFetch } from '../helpers/issues';
import { invitedPerson, sessionClient } from '../helpers/session-client';

/** Issue 17: one-time secrets — ciphertext only on the server, views taken atomically, gone for good. */

const ctx = useAdminApi();
let api: ReturnType<typeof sessionFetch> & { baseUrl: string };
beforeAll(async () => {
  const { client } = await invitedPerson(ctx.api.baseUrl, ctx.admin, 'support');
  api = { ...sessionFetch(client), baseUrl: ctx.api.baseUrl };
});

const open = (id: string) => fetch(`${ctx.api.baseUrl}/api/v1/secrets/${id}/open`, { method: 'POST' });
const rowOf = async (id: string) =>
  (
    (await ctx.ds.query(`SELECT ciphertext, iv, views_left FROM one_time_secrets WHERE id = $1`, [id])) as Array<{
      ciphertext: Buffer;
      iv: Buffer;
      views_left: number;
    }>
  )[0];

test('the link opens once, then the secret is gone; the server never saw the key or the plaintext', async () => {
  const plaintext = `test API key ${randomUUID()}`;
  const link = await shareSecret(api, plaintext, { views: 1, lifetimeSeconds: 600 });
  const { id, key } = parseSecretLink(link);
  const row = await rowOf(id);
  expect(row!.views_left).toBe(1);
  // The database holds ciphertext only: neither the plaintext nor the key, in the secret's row or the audit log.
  const stored = Buffer.concat([row!.ciphertext, row!.iv]);
  expect(stored.includes(Buffer.from(plaintext))).toBe(false);
  const audit = JSON.stringify(await ctx.ds.query(`SELECT * FROM audit_log WHERE entity_id = $1`, [id]));
  expect(audit).toContain('one-time-secret');
  expect(audit).not.toContain(plaintext);
  expect(audit).not.toContain(key);
  // What went over the wire to the server: never the key.
  expect(api.sent.join('\n')).not.toContain(key);
  expect(api.sent.join('\n')).not.toContain(plaintext);

  expect(await revealSecret(link, { baseUrl: ctx.api.baseUrl })).toBe(plaintext);
  expect(await rowOf(id)).toBeUndefined();
  await expect(revealSecret(link, { baseUrl: ctx.api.baseUrl })).rejects.toBeInstanceOf(SecretGoneError);
  const again = await open(id);
  expect(again.status).toBe(410);
  expect(((await again.json()) as { error: { code: string } }).error.code).toBe('SECRET_GONE');
});

test('20 concurrent opens of a one-view secret: exactly one gets it', async () => {
  const { id } = parseSecretLink(await shareSecret(api, 'one view only', { views: 1 }));
  const answers = await Promise.all(Array.from({ length: 20 }, () => open(id)));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([200, ...Array(19).fill(410)]);
  expect(await rowOf(id)).toBeUndefined();
});

test('a three-view secret opens three times under 12 concurrent opens, each answer counting down', async () => {
  const { id } = parseSecretLink(await shareSecret(api, 'three views', { views: 3 }));
  const answers = await Promise.all(Array.from({ length: 12 }, () => open(id)));
  const ok = answers.filter((a) => a.status === 200);
  expect(ok).toHaveLength(3);
  const left = await Promise.all(ok.map(async (a) => ((await a.json()) as { viewsLeft: number }).viewsLeft));
  expect(left.sort()).toEqual([0, 1, 2]);
});

test('an expired secret is gone (410) and its row deleted; the purge deletes only expired rows', async () => {
  const expired = parseSecretLink(await shareSecret(api, 'expired', { views: 5 })).id;
  const live = parseSecretLink(await shareSecret(api, 'still live', { views: 5 })).id;
  const purgeable = parseSecretLink(await shareSecret(api, 'to purge', { views: 5 })).id;
  await ctx.ds.query(`UPDATE one_time_secrets SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [
    [expired, purgeable],
  ]);
  expect((await open(expired)).status).toBe(410);
  expect(await rowOf(expired)).toBeUndefined();
  expect(await purgeExpiredSecrets(ctx.ds)).toBeGreaterThanOrEqual(1);
  expect(await rowOf(purgeable)).toBeUndefined();
  expect((await rowOf(live))!.views_left).toBe(5);
});

test('creating needs a session; bad input is a 400 naming the field; an unknown id is gone too', async () => {
  const sealed = await encryptSecret('x');
  const anonymous = sessionClient(ctx.api.baseUrl);
  expect((await anonymous.post('/api/v1/secrets', { ciphertext: sealed.ciphertext, iv: sealed.iv })).status).toBe(401);
  const bad = await fetch(`${ctx.api.baseUrl}/api/v1/secrets`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': api.csrfToken,
    },
    body: JSON.stringify({ ciphertext: sealed.ciphertext, iv: 'short', views: 0 }),
  });
  expect(bad.status).toBe(401); // no cookie: still refused before validation
  const invalid = await api.fetch(`${ctx.api.baseUrl}/api/v1/secrets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': api.csrfToken },
    body: JSON.stringify({ ciphertext: sealed.ciphertext, iv: 'short', views: 0, lifetimeSeconds: 10 }),
  });
  expect(invalid.status).toBe(400);
  const fields = ((await invalid.json()) as { error: { details: Array<{ field: string }> } }).error.details.map(
    (d) => d.field,
  );
  expect(fields.sort()).toEqual(['iv', 'lifetimeSeconds', 'views']);
  expect((await open(randomUUID())).status).toBe(410);
  expect((await open('not-a-uuid')).status).toBe(400);
});
