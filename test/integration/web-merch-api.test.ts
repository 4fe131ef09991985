/**
 * The merchant cabinet's developer endpoints (docs/web-app.md, issue 16): the merchant's API keys and its callback
 * deliveries with "Send again", against the API, a worker and sandbox gateways. Each is confined to the session's
 * merchant (another merchant's key or order is 404) and to the roles that may (a viewer or finance person is 403).
 */
import { randomUUID } from 'node:crypto';
import { loadCallbackSecret } from '../../activities/merchant-callbacks/secret';
import { devKeyring } from '../../infra/security/keyring';
import { verifyMerchantCallback } from '../../infra/security/merchant-callback-signature';
import { startCallbackReceiver } from '../helpers/callback-receiver';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { invitedPerson } from '../helpers/session-client';

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let base: string;
let admin: HttpClient;
let sink: Awaited<ReturnType<typeof startCallbackReceiver>>;

beforeAll(async () => {
  sink = await startCallbackReceiver();
  stack = await startDevServerStack('web-merch-api');
  base = stack.api.baseUrl;
  admin = httpClient(base);
});
afterAll(async () => {
  await stack?.stop();
  await sink?.close();
});

const person = (role: string, merchantId: string) => invitedPerson(base, admin, role, merchantId);

/** A deposit through the merchant API with the given callback URL (or none), waited for to its end. */
async function deposit(key: string, callbackUrl?: string): Promise<{ id: string; workflowId: string }> {
  const created = await expectStatus(
    httpClient(base, key).post('/api/v1/integration/deposit-order', {
      amount: 12.5,
      currency: 'USD',
      externalTransactionId: `merch-${randomUUID()}`,
      additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
      ...(callbackUrl ? { callbackUrl } : {}),
    }),
    200,
  );
  const { workflowId } = await expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
  await stack.client.workflow.getHandle(workflowId).result();
  return { id: created.externalId, workflowId };
}

/** The merchant API's answer to a key: 200 while it works, 401 once it does not. */
const keyWorks = async (key: string) => (await httpClient(base, key).get('/api/v1/integration/balance')).status;

describe("the merchant cabinet's API keys", () => {
  test('an owner issues a key shown once, rotates it (the old one works an hour more), revokes it with a reason', async () => {
    const m = await adminSetUpMerchant(admin);
    const owner = await person('owner', m.merchantId);

    const issued = await expectStatus(
      owner.client.post('/api/v1/portal/keys', { scope: 'deposit', mode: 'sandbox', label: 'shop backend' }),
      201,
    );
    expect(issued.key).toMatchObject({ scope: 'deposit', mode: 'sandbox', label: 'shop backend', revokedAt: null });
    expect(issued.secret.startsWith(issued.key.keyPrefix.replace(/…$/, ''))).toBe(true);
    expect(issued.key).not.toHaveProperty('merchantId');
    expect(await keyWorks(issued.secret)).not.toBe(401);

    // Afterwards only the prefix: the secret is in no other answer.
    const list = await expectStatus(owner.client.get('/api/v1/portal/keys'), 200);
    expect(list.items.map((k: { id: string }) => k.id)).toContain(issued.key.id);
    expect(JSON.stringify(list)).not.toContain(issued.secret);

    const rotated = await expectStatus(owner.client.post(`/api/v1/portal/keys/${issued.key.id}/rotate`), 200);
    expect(rotated.key).toMatchObject({ scope: 'deposit', mode: 'sandbox', label: 'shop backend' });
    expect(rotated.replaced).toMatchObject({ id: issued.key.id, replacedBy: rotated.key.id });
    const overlapLeft = Date.parse(rotated.replaced.revokedAt) - Date.now();
    expect(overlapLeft).toBeGreaterThan(50 * 60_000);
    expect(overlapLeft).toBeLessThanOrEqual(60 * 60_000);
    expect(await keyWorks(issued.secret)).not.toBe(401);
    expect(await keyWorks(rotated.secret)).not.toBe(401);

    expect((await owner.client.post(`/api/v1/portal/keys/${rotated.key.id}/revoke`, {})).status).toBe(400);
    const revoked = await expectStatus(
      owner.client.post(`/api/v1/portal/keys/${rotated.key.id}/revoke`, { reason: 'leaked in a log' }),
      200,
    );
    expect(revoked.revokedAt).not.toBeNull();
    expect(await keyWorks(rotated.secret)).toBe(401);
    expect((await owner.client.post(`/api/v1/portal/keys/${rotated.key.id}/revoke`, { reason: 'again' })).status).toBe(
      409,
    );
    const [audit] = await stack.ds.query(
      `SELECT actor, note FROM audit_log WHERE entity_type = 'api-key' AND entity_id = $1 AND action = 'revoke'`,
      [rotated.key.id],
    );
    expect(audit).toEqual({ actor: owner.email, note: 'leaked in a log' });
    const everything = (
      await stack.ds.query(`SELECT before::text || after::text AS t FROM audit_log WHERE entity_id = ANY($1)`, [
        [issued.key.id, rotated.key.id],
      ])
    ).map((r: { t: string }) => r.t);
    expect(everything.join()).not.toContain(issued.secret.slice(-43));
  });

  test("another merchant's key is 404; a pipeline of another merchant is refused", async () => {
    const [mine, theirs] = [await adminSetUpMerchant(admin), await adminSetUpMerchant(admin)];
    const owner = await person('owner', mine.merchantId);
    const theirKeys = await expectStatus(admin.get(`/api/v1/admin/merchants/${theirs.merchantId}/keys`), 200);
    const theirKey = theirKeys.items[0].id as string;
    expect((await owner.client.post(`/api/v1/portal/keys/${theirKey}/rotate`)).status).toBe(404);
    expect((await owner.client.post(`/api/v1/portal/keys/${theirKey}/revoke`, { reason: 'mine now' })).status).toBe(
      404,
    );
    const listed = await expectStatus(owner.client.get('/api/v1/portal/keys'), 200);
    expect(listed.items.map((k: { id: string }) => k.id)).not.toContain(theirKey);
    const foreignPipeline = await owner.client.post('/api/v1/portal/keys', {
      scope: 'deposit',
      mode: 'sandbox',
      pipelineId: theirs.pipelines.main!.id,
    });
    expect(foreignPipeline.status).toBe(400);
    expect(await keyWorks(theirs.pipelines.main!.key)).not.toBe(401);
  });

  test('a developer manages keys; finance and a viewer see the list only (403 for changes, nothing written)', async () => {
    const m = await adminSetUpMerchant(admin);
    const developer = await person('developer', m.merchantId);
    const issued = await expectStatus(
      developer.client.post('/api/v1/portal/keys', { scope: 'payout', mode: 'live' }),
      201,
    );
    for (const role of ['viewer', 'finance']) {
      const { client } = await person(role, m.merchantId);
      const list = await expectStatus(client.get('/api/v1/portal/keys'), 200);
      expect(list.items.map((k: { id: string }) => k.id)).toContain(issued.key.id);
      expect([role, (await client.post('/api/v1/portal/keys', { scope: 'deposit', mode: 'sandbox' })).status]).toEqual([
        role,
        403,
      ]);
      expect([role, (await client.post(`/api/v1/portal/keys/${issued.key.id}/rotate`)).status]).toEqual([role, 403]);
      expect([
        role,
        (await client.post(`/api/v1/portal/keys/${issued.key.id}/revoke`, { reason: 'x' })).status,
      ]).toEqual([role, 403]);
    }
    const after = await expectStatus(admin.get(`/api/v1/admin/merchants/${m.merchantId}/keys`), 200);
    expect(after.items.filter((k: { revokedAt: string | null }) => k.revokedAt === null)).toHaveLength(2);
    // The cabinet is for merchant users' sessions: an operator key is not one.
    expect((await admin.get('/api/v1/portal/keys')).status).toBe(401);
  });
});

describe("the merchant cabinet's callback deliveries", () => {
  test('lists my deliveries with filters; Send again repeats the same signed body once per request key', async () => {
    const [mine, theirs] = [await adminSetUpMerchant(admin), await adminSetUpMerchant(admin)];
    const path = `/ok/${randomUUID()}`;
    const order = await deposit(mine.pipelines.main!.key, `${sink.base}${path}`);
    const theirOrder = await deposit(theirs.pipelines.main!.key, `${sink.base}/ok/${randomUUID()}`);
    const owner = await person('owner', mine.merchantId);

    const list = await expectStatus(owner.client.get(`/api/v1/portal/callbacks?orderId=${order.id}`), 200);
    expect(list.items).toEqual([
      expect.objectContaining({ orderId: order.id, attempt: 1, outcome: 'delivered', httpStatus: 200 }),
    ]);
    expect(list.items[0].urlHost).toBe(sink.host);
    expect(JSON.stringify(list)).not.toContain(path);
    const failedOnly = await expectStatus(
      owner.client.get(`/api/v1/portal/callbacks?orderId=${order.id}&outcome=failed`),
      200,
    );
    expect(failedOnly.items).toEqual([]);
    const all = await expectStatus(owner.client.get('/api/v1/portal/callbacks'), 200);
    expect(all.items.map((d: { orderId: string }) => d.orderId)).not.toContain(theirOrder.id);
    const theirs404 = await expectStatus(owner.client.get(`/api/v1/portal/callbacks?orderId=${theirOrder.id}`), 200);
    expect(theirs404.items).toEqual([]);
    expect((await owner.client.get('/api/v1/portal/callbacks?outcome=lost')).status).toBe(400);

    const first = sink.requests.filter((r) => r.path === path);
    expect(first).toHaveLength(1);
    const requestKey = randomUUID();
    const sent = await expectStatus(
      owner.client.post(`/api/v1/portal/callbacks/${order.id}/send-again`, { requestKey }),
      200,
    );
    expect(sent).toMatchObject({ orderId: order.id, duplicate: false });
    // The second click of the same request: nothing more is sent.
    const again = await expectStatus(
      owner.client.post(`/api/v1/portal/callbacks/${order.id}/send-again`, { requestKey }),
      200,
    );
    expect(again).toMatchObject({ workflowId: sent.workflowId, duplicate: true });
    expect(await stack.client.workflow.getHandle(sent.workflowId).result()).toMatchObject({
      sent: true,
      attempt: 2,
      delivered: true,
    });
    expect((await owner.client.post(`/api/v1/portal/callbacks/${order.id}/send-again`, { requestKey })).json).toEqual(
      again,
    );

    const received = sink.requests.filter((r) => r.path === path);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers['x-paystar-event-id']).toBe(received[0]!.headers['x-paystar-event-id']);
    const { secret } = await loadCallbackSecret(stack.ds, mine.merchantId, order.id, devKeyring());
    const signature = received[1]!.headers['x-paystar-signature'] as string;
    expect(verifyMerchantCallback(secret, signature, received[1]!.body)).toMatchObject({ valid: true });

    const after = await expectStatus(owner.client.get(`/api/v1/portal/callbacks?orderId=${order.id}`), 200);
    expect(after.items.map((d: { attempt: number; outcome: string }) => [d.attempt, d.outcome])).toEqual([
      [2, 'delivered'],
      [1, 'delivered'],
    ]);
    const audit = await stack.ds.query(
      `SELECT actor, after->>'requestKey' AS key FROM audit_log WHERE entity_type = 'order' AND entity_id = $1
          AND action = 'resend'`,
      [order.id],
    );
    expect(audit).toEqual([{ actor: owner.email, key: requestKey }]);

    // A new request key sends once more, as the next attempt.
    const third = await expectStatus(
      owner.client.post(`/api/v1/portal/callbacks/${order.id}/send-again`, { requestKey: randomUUID() }),
      200,
    );
    expect(await stack.client.workflow.getHandle(third.workflowId).result()).toMatchObject({ attempt: 3 });
    expect(sink.requests.filter((r) => r.path === path)).toHaveLength(3);
  });

  test("another merchant's order is 404, a viewer is refused, an order without a callback is 409", async () => {
    const [mine, theirs] = [await adminSetUpMerchant(admin), await adminSetUpMerchant(admin)];
    const theirOrder = await deposit(theirs.pipelines.main!.key, `${sink.base}/ok/${randomUUID()}`);
    const silent = await deposit(mine.pipelines.main!.key);
    const owner = await person('owner', mine.merchantId);
    const viewer = await person('viewer', mine.merchantId);
    const before = sink.requests.length;

    const send = (client: typeof owner.client, id: string) =>
      client.post(`/api/v1/portal/callbacks/${id}/send-again`, { requestKey: randomUUID() });
    expect((await send(owner.client, theirOrder.id)).status).toBe(404);
    expect((await send(owner.client, randomUUID())).status).toBe(404);
    expect((await send(viewer.client, silent.id)).status).toBe(403);
    expect((await send(owner.client, silent.id)).status).toBe(409);
    expect((await owner.client.post(`/api/v1/portal/callbacks/${silent.id}/send-again`, {})).status).toBe(400);
    expect((await expectStatus(viewer.client.get('/api/v1/portal/callbacks'), 200)).items).toEqual([]);
    expect(sink.requests.length).toBe(before);
  });
});
