import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { DEMO_MERCHANT_USER_EMAIL, FIRST_OPERATOR_EMAIL, seedPeople } from '../../api/accounts/seed';
import { expectStatus, useAdminApi } from '../helpers/admin-client';
import { startApi } from '../helpers/http';
import { invitedPerson, sessionClient, TEST_PASSWORD } from '../helpers/session-client';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/** Issue 16: people sign in, have roles the server enforces, manage their team and account; all audited. */

const ctx = useAdminApi();
const person = (role: string, merchantId?: string) => invitedPerson(ctx.api.baseUrl, ctx.admin, role, merchantId);
const newMerchant = async () =>
  (await expectStatus(ctx.admin.post('/api/v1/admin/merchants', { name: `merchant ${randomUUID()}` }), 201))
    .id as string;
const auditOf = (userId: string) =>
  ctx.ds.query(`SELECT actor, action, entity_type, entity_id, note FROM audit_log WHERE user_id = $1 ORDER BY id`, [
    userId,
  ]) as Promise<Array<{ actor: string; action: string; entity_type: string; entity_id: string; note: string | null }>>;

describe('signing in', () => {
  test('sign in sets an httpOnly SameSite=Strict session cookie; sign out ends the session', async () => {
    const { client, email, userId } = await person('support');
    const cookie = client.setCookies.find((c) => c.startsWith('ps_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http on loopback; https requests get Secure
    const me = await expectStatus(client.get('/api/v1/account'), 200);
    expect(me.user).toMatchObject({ email, kind: 'operator', role: 'support', status: 'active' });
    expect(JSON.stringify(me)).not.toMatch(/scrypt|password_hash/);
    const [{ password_hash: stored }] = await ctx.ds.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$/);

    await expectStatus(client.post('/api/v1/auth/sign-out'), 200);
    expect((await client.get('/api/v1/account')).status).toBe(401);
  });

  test('a wrong password and an unknown email get the same 401; a stale cookie is 401', async () => {
    const { email, client } = await person('support');
    const wrong = await sessionClient(ctx.api.baseUrl).signIn(email, 'not the password at all');
    const unknown = await sessionClient(ctx.api.baseUrl).signIn(`nobody-${randomUUID()}@example.test`, TEST_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
    const stale = sessionClient(ctx.api.baseUrl);
    stale.jar.set('ps_session', 'forged-token');
    expect((await stale.get('/api/v1/account')).status).toBe(401);
    await expectStatus(client.get('/api/v1/account'), 200);
  });

  test('failed sign-ins are rate-limited per account: the right password is refused once over the limit', async () => {
    const limited = await startApi({
      dataSource: ctx.ds,
      temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
      authFailureLimits: { perKeyPrefix: 3 },
    });
    try {
      const { email } = await person('support');
      const other = await person('support');
      const browser = sessionClient(limited.baseUrl);
      for (let i = 0; i < 3; i++) expect((await browser.signIn(email, `guess number ${i}`)).status).toBe(401);
      const blocked = await browser.signIn(email, TEST_PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.json.error.code).toBe('TOO_MANY_FAILED_AUTHENTICATIONS');
      // Another account from the same client is not locked out by guesses at the first.
      await expectStatus(browser.signIn(other.email, TEST_PASSWORD), 200);
    } finally {
      await limited.stop();
    }
  });

  test('TOTP: set up, enabled with a code, then required at sign-in; a code works once; secret encrypted', async () => {
    const { client, email, userId } = await person('finance');
    expect((await client.post('/api/v1/account/totp/setup', { password: 'wrong password!' })).status).toBe(400);
    const { secret, otpauthUri } = await expectStatus(
      client.post('/api/v1/account/totp/setup', { password: TEST_PASSWORD }),
      200,
    );
    expect(otpauthUri).toContain('otpauth://totp/');
    const [{ totp_secret: stored }] = await ctx.ds.query(`SELECT totp_secret FROM users WHERE id = $1`, [userId]);
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain(secret);
    const wrongCode = (await generate({ secret })) === '000000' ? '111111' : '000000';
    expect((await client.post('/api/v1/account/totp/enable', { code: wrongCode })).status).toBe(400);
    const now = Math.floor(Date.now() / 1000);
    await expectStatus(
      client.post('/api/v1/account/totp/enable', { code: await generate({ secret, epoch: now }) }),
      200,
    );

    const browser = sessionClient(ctx.api.baseUrl);
    const missing = await browser.signIn(email, TEST_PASSWORD);
    expect([missing.status, missing.json.error.code]).toEqual([401, 'TOTP_REQUIRED']);
    expect((await browser.signIn(email, TEST_PASSWORD, wrongCode)).status).toBe(401);
    // The code of the next 30-second step (clock drift of one step is accepted); the same code again is refused.
    const next = await generate({ secret, epoch: now + 30 });
    await expectStatus(browser.signIn(email, TEST_PASSWORD, next), 200);
    expect((await sessionClient(ctx.api.baseUrl).signIn(email, TEST_PASSWORD, next)).status).toBe(401);
    expect((await auditOf(userId)).map((e) => e.note)).toEqual(
      expect.arrayContaining(['second factor set up', 'second factor on']),
    );
  });
});

describe('CSRF', () => {
  test('a cookie-authenticated change without the CSRF token, or with another, is refused; a key needs none', async () => {
    const { client } = await person('admin');
    for (const csrf of [null, 'another-token']) {
      for (const answer of [
        await client.post(
          '/api/v1/account/password',
          { password: TEST_PASSWORD, newPassword: 'x'.repeat(20) },
          { csrf },
        ),
        await client.post('/api/v1/admin/merchants', { name: `m ${randomUUID()}` }, { csrf }),
      ]) {
        expect([answer.status, answer.json.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
      }
    }
    await expectStatus(client.post('/api/v1/admin/merchants', { name: `m ${randomUUID()}` }), 201);
    await expectStatus(ctx.admin.post('/api/v1/admin/merchants', { name: `m ${randomUUID()}` }), 201);
  });
});

describe('roles on the server', () => {
  test('operator roles: each can and cannot, refused by the server when called directly', async () => {
    const admin = await person('admin');
    const operations = await person('operations');
    const finance = await person('finance');
    const support = await person('support');
    const merchant = () => ({ name: `m ${randomUUID()}` });
    for (const p of [admin, operations, finance, support]) {
      await expectStatus(p.client.get('/api/v1/admin/merchants'), 200);
      await expectStatus(p.client.get('/api/v1/team/users'), 200);
    }
    await expectStatus(admin.client.post('/api/v1/admin/operators', { name: `ops ${randomUUID()}` }), 201);
    await expectStatus(operations.client.post('/api/v1/admin/merchants', merchant()), 201);
    for (const [p, path, body] of [
      [support, '/api/v1/admin/merchants', merchant()],
      [finance, '/api/v1/admin/merchants', merchant()],
      [operations, '/api/v1/admin/operators', { name: `ops ${randomUUID()}` }],
      [operations, '/api/v1/admin/commissions', {}],
      [support, '/api/v1/team/invites', { email: `x-${randomUUID()}@example.test`, role: 'support' }],
      [operations, `/api/v1/team/users/${support.userId}/reset-link`, {}],
    ] as const) {
      const answer = await p.client.post(path, body);
      expect({ path, status: answer.status, code: answer.json.error.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    // Finance may write commissions: past the role check, the empty body is a 400, not a 403.
    expect((await finance.client.post('/api/v1/admin/commissions', {})).status).toBe(400);
    // A search by POST only reads: support may.
    expect((await support.client.post('/api/v1/admin/blacklist/search', {})).status).not.toBe(403);
  });

  test('merchant roles: the owner manages the team, others cannot; no merchant user reaches the admin API', async () => {
    const merchantId = await newMerchant();
    const owner = await person('owner', merchantId);
    const developer = await person('developer', merchantId);
    const viewer = await person('viewer', merchantId);
    const team = await expectStatus(owner.client.get('/api/v1/team/users'), 200);
    expect(team.items.map((u: { id: string }) => u.id).sort()).toEqual(
      [owner.userId, developer.userId, viewer.userId].sort(),
    );
    const invited = await expectStatus(
      owner.client.post('/api/v1/team/invites', { email: `f-${randomUUID()}@example.test`, role: 'finance' }),
      201,
    );
    expect(invited.user).toMatchObject({ kind: 'merchant', merchantId, role: 'finance', status: 'invited' });
    expect(
      (await owner.client.post('/api/v1/team/invites', { email: `a-${randomUUID()}@example.test`, role: 'admin' }))
        .status,
    ).toBe(400);
    await expectStatus(owner.client.patch(`/api/v1/team/users/${invited.user.id}`, { role: 'developer' }), 200);
    expect((await developer.client.patch(`/api/v1/team/users/${viewer.userId}`, { role: 'owner' })).status).toBe(403);
    expect((await viewer.client.get('/api/v1/team/users')).status).toBe(403);
    for (const p of [owner, developer, viewer]) {
      expect((await p.client.get('/api/v1/admin/merchants')).status).toBe(403);
      expect((await p.client.post(`/api/v1/team/users/${p.userId}/reset-link`)).status).toBe(403);
    }
    expect((await owner.client.patch(`/api/v1/team/users/${owner.userId}`, { disabled: true })).status).toBe(409);
  });

  test('disabling a person ends their sessions and their sign-ins', async () => {
    const target = await person('operations');
    const admin = await person('admin');
    await expectStatus(admin.client.patch(`/api/v1/team/users/${target.userId}`, { disabled: true }), 200);
    expect((await target.client.get('/api/v1/account')).status).toBe(401);
    expect((await sessionClient(ctx.api.baseUrl).signIn(target.email, TEST_PASSWORD)).status).toBe(401);
    const entries = await auditOf(admin.userId);
    expect(entries.some((e) => e.action === 'update' && e.entity_id === target.userId)).toBe(true);
    expect(entries.every((e) => e.actor === admin.email)).toBe(true);
  });
});

describe('merchant isolation', () => {
  test("a merchant user sees only its own merchant's orders, and another's is 404 even by id", async () => {
    const [mine, theirs] = [await newMerchant(), await newMerchant()];
    const order = async (merchantId: string) => {
      const id = randomUUID();
      await ctx.ds.query(
        `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status, workflow_id)
         VALUES ($1, $2, 'deposit', $3, 100, 'USD', 'Created', $4)`,
        [id, merchantId, `acc-${id}`, `deposit-${id}`],
      );
      return id;
    };
    const [myOrder, theirOrder] = [await order(mine), await order(theirs)];
    const { client } = await person('viewer', mine);
    const list = await expectStatus(client.get('/api/v1/portal/orders'), 200);
    expect(list.items.map((o: { id: string }) => o.id)).toEqual([myOrder]);
    await expectStatus(client.get(`/api/v1/portal/orders/${myOrder}`), 200);
    expect((await client.get(`/api/v1/portal/orders/${theirOrder}`)).status).toBe(404);
    const stranger = await person('viewer', theirs);
    const owner = await person('owner', mine);
    expect((await owner.client.get(`/api/v1/team/users?merchantId=${theirs}`)).status).toBe(404);
    expect((await owner.client.patch(`/api/v1/team/users/${stranger.userId}`, { role: 'owner' })).status).toBe(404);
    const account = await expectStatus(client.get('/api/v1/account'), 200);
    expect(account.merchant.id).toBe(mine);
    // Operators use the admin API for orders: the cabinet is for merchant users.
    const operator = await person('admin');
    expect((await operator.client.get('/api/v1/portal/orders')).status).toBe(403);
  });
});

describe('one-time links', () => {
  test('an invite link works once; unknown is 404; expired is 410', async () => {
    const email = `inv-${randomUUID()}@example.test`;
    const invite = await expectStatus(ctx.admin.post('/api/v1/team/invites', { email, role: 'support' }), 201);
    const browser = sessionClient(ctx.api.baseUrl);
    const accept = (token: string) => browser.post('/api/v1/auth/links/accept', { token, password: TEST_PASSWORD });
    await expectStatus(accept(invite.link.token), 200);
    expect((await accept(invite.link.token)).status).toBe(410);
    expect((await accept('no-such-token')).status).toBe(404);
    const [{ token_hash: stored }] = await ctx.ds.query(`SELECT token_hash FROM user_links WHERE user_id = $1`, [
      invite.user.id,
    ]);
    expect(stored).not.toBe(invite.link.token);

    const late = await expectStatus(
      ctx.admin.post('/api/v1/team/invites', { email: `late-${randomUUID()}@example.test`, role: 'support' }),
      201,
    );
    await ctx.ds.query(`UPDATE user_links SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      late.user.id,
    ]);
    expect((await accept(late.link.token)).status).toBe(410);
  });

  test('an operator-issued reset link sets a new password once and ends the old sessions; audited', async () => {
    const target = await person('developer', await newMerchant());
    const admin = await person('admin');
    const { link } = await expectStatus(admin.client.post(`/api/v1/team/users/${target.userId}/reset-link`), 200);
    const newPassword = 'a brand new passphrase';
    const browser = sessionClient(ctx.api.baseUrl);
    await expectStatus(browser.post('/api/v1/auth/links/accept', { token: link.token, password: newPassword }), 200);
    expect((await browser.post('/api/v1/auth/links/accept', { token: link.token, password: newPassword })).status).toBe(
      410,
    );
    expect((await target.client.get('/api/v1/account')).status).toBe(401);
    expect((await browser.signIn(target.email, TEST_PASSWORD)).status).toBe(401);
    await expectStatus(browser.signIn(target.email, newPassword), 200);
    expect((await auditOf(admin.userId)).map((e) => e.entity_type)).toContain('password-reset-link');
    expect((await auditOf(target.userId)).map((e) => e.note)).toContain('password reset by link');
  });
});

describe('my account', () => {
  test('change password (other sessions end), list and revoke my sessions', async () => {
    const { client, email, userId } = await person('viewer', await newMerchant());
    const second = sessionClient(ctx.api.baseUrl);
    await expectStatus(second.signIn(email, TEST_PASSWORD), 200);
    const sessions = await expectStatus(client.get('/api/v1/account/sessions'), 200);
    expect(sessions.items).toHaveLength(2);
    const other = sessions.items.find((s: { current: boolean }) => !s.current);
    await expectStatus(client.post(`/api/v1/account/sessions/${other.id}/revoke`), 200);
    expect((await second.get('/api/v1/account')).status).toBe(401);
    expect((await client.post(`/api/v1/account/sessions/${randomUUID()}/revoke`)).status).toBe(404);

    await expectStatus(second.signIn(email, TEST_PASSWORD), 200);
    const newPassword = 'another long passphrase';
    expect((await client.post('/api/v1/account/password', { password: 'not it at all', newPassword })).status).toBe(
      400,
    );
    expect(
      (await client.post('/api/v1/account/password', { password: TEST_PASSWORD, newPassword: 'short' })).status,
    ).toBe(400);
    await expectStatus(client.post('/api/v1/account/password', { password: TEST_PASSWORD, newPassword }), 200);
    await expectStatus(client.get('/api/v1/account'), 200);
    expect((await second.get('/api/v1/account')).status).toBe(401);
    const entries = await auditOf(userId);
    expect(entries.map((e) => [e.action, e.entity_type, e.note])).toEqual(
      expect.arrayContaining([
        ['create', 'session', null],
        ['revoke', 'session', null],
        ['update', 'user', 'password changed'],
      ]),
    );
    expect(entries.every((e) => e.actor === email)).toBe(true);
  });
});

describe('npm start', () => {
  test('creates the first operator and the demo merchant owner once; a second run changes nothing', async () => {
    const merchantId = await newMerchant();
    const first = { operatorPassword: `first-${randomUUID()}`, merchantUserPassword: `first-${randomUUID()}` };
    await seedPeople(ctx.ds, { ...first, demoMerchantId: merchantId });
    await seedPeople(ctx.ds, {
      operatorPassword: `second-${randomUUID()}`,
      merchantUserPassword: `second-${randomUUID()}`,
      demoMerchantId: merchantId,
    });
    const operator = sessionClient(ctx.api.baseUrl);
    const me = await expectStatus(operator.signIn(FIRST_OPERATOR_EMAIL, first.operatorPassword), 200);
    expect(me.user).toMatchObject({ kind: 'operator', role: 'admin' });
    const owner = await expectStatus(
      sessionClient(ctx.api.baseUrl).signIn(DEMO_MERCHANT_USER_EMAIL, first.merchantUserPassword),
      200,
    );
    expect(owner.user).toMatchObject({ kind: 'merchant', role: 'owner', merchantId });
  });
});

describe('bad input', () => {
  test('a duplicate email is 409, an unknown merchant 404, a role of the other kind 400; never a 500', async () => {
    const email = `dup-${randomUUID()}@example.test`;
    await expectStatus(ctx.admin.post('/api/v1/team/invites', { email, role: 'support' }), 201);
    expect((await ctx.admin.post('/api/v1/team/invites', { email: email.toUpperCase(), role: 'admin' })).status).toBe(
      409,
    );
    const stranger = { email: `x-${randomUUID()}@example.test`, role: 'owner', merchantId: randomUUID() };
    expect((await ctx.admin.post('/api/v1/team/invites', stranger)).status).toBe(404);
    expect(
      (await ctx.admin.post('/api/v1/team/invites', { email: `y-${randomUUID()}@example.test`, role: 'owner' })).status,
    ).toBe(400);
    expect((await ctx.admin.patch(`/api/v1/team/users/${randomUUID()}`, { role: 'admin' })).status).toBe(404);
    expect((await ctx.admin.patch(`/api/v1/team/users/${randomUUID()}`, {})).status).toBe(400);
    expect((await sessionClient(ctx.api.baseUrl).signIn('not-an-email', TEST_PASSWORD)).status).toBe(400);
    expect((await ctx.admin.get('/api/v1/account')).status).toBe(401);
  });
});
