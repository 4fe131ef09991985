import { randomUUID } from 'node:crypto';
import { insertPosting } from '../../data/ledger';
import type { KeyMode } from '../../domain/order';
import { expectStatus, useAdminApi, type Answer } from '../helpers/admin-client';
import { invitedPerson } from '../helpers/session-client';

/**
 * The endpoints the web application's screens stand on (docs/web-app.md): order lists with filters and keyset
 * paging, the merchant cabinet's balances, pipelines and own black list; each confined to the caller's merchant and
 * role, every change audited under the person.
 */

const ctx = useAdminApi();
const person = (role: string, merchantId?: string) => invitedPerson(ctx.api.baseUrl, ctx.admin, role, merchantId);
const newMerchant = async () =>
  (await expectStatus(ctx.admin.post('/api/v1/admin/merchants', { name: `merchant ${randomUUID()}` }), 201))
    .id as string;
const newPipeline = async (merchantId: string) =>
  (
    await expectStatus(
      ctx.admin.post('/api/v1/admin/pipelines', { merchantId, direction: 'deposit', name: `p-${randomUUID()}` }),
      201,
    )
  ).id as string;

/** Orders of a merchant a second apart (oldest first); the last two in the same microsecond (the id breaks the tie). */
async function orders(merchantId: string, n: number, currency = 'USD'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    await ctx.ds.query(
      `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                           workflow_id, created_at)
       VALUES ($1, $2, $3, $4, 100, $5, $6, $7, '2026-01-01T00:00:00.123456Z'::timestamptz + $8 * interval '1 second')`,
      [
        id,
        merchantId,
        i % 2 ? 'payout' : 'deposit',
        `ext-${id}`,
        currency,
        i % 3 ? 'Success' : 'Failed',
        `wf-${id}`,
        Math.min(i, n - 2),
      ],
    );
    ids.push(id);
  }
  return ids;
}

/** Every page of a list by its nextCursor. */
async function allPages(get: (path: string) => Promise<Answer>, path: string) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: Array<{ id: string }>; nextCursor: string | null } = await expectStatus(
      get(`${path}${sep}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      200,
    );
    seen.push(...page.items.map((o) => o.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return seen;
}

describe('order lists', () => {
  test('keyset pages, newest first, cover every order once (equal created_at included); filters narrow', async () => {
    const merchant = await newMerchant();
    const ids = await orders(merchant, 7);
    const newestFirst = [...ids.slice(5).sort().reverse(), ...ids.slice(0, 5).reverse()];
    expect(await allPages(ctx.admin.get, `/api/v1/admin/orders?merchantId=${merchant}`)).toEqual(newestFirst);
    const viewer = await person('viewer', merchant);
    expect(await allPages(viewer.client.get, '/api/v1/portal/orders')).toEqual(newestFirst);

    const failedDeposits = await expectStatus(
      viewer.client.get('/api/v1/portal/orders?status=Failed&direction=deposit&currency=USD'),
      200,
    );
    expect(failedDeposits.items.map((o: { id: string }) => o.id).sort()).toEqual([ids[0], ids[6]].sort());
    const byExternal = await expectStatus(
      ctx.admin.get(`/api/v1/admin/orders?externalTransactionId=ext-${ids[3]}`),
      200,
    );
    expect(byExternal.items).toEqual([expect.objectContaining({ id: ids[3], merchantId: merchant })]);
    const range = await expectStatus(
      ctx.admin.get(
        `/api/v1/admin/orders?merchantId=${merchant}&createdFrom=2026-01-01T00:00:01Z&createdTo=2026-01-01T00:00:03Z`,
      ),
      200,
    );
    expect(range.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    // A cursor not made by the server is a 400, never a database error.
    const forged = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of [
      'not-a-cursor',
      forged(['2026-02-31 00:00:00+00', ids[0]]),
      forged(['1'.repeat(17), ids[0]]),
    ]) {
      expect([cursor, (await ctx.admin.get(`/api/v1/admin/orders?cursor=${cursor}`)).status]).toEqual([cursor, 400]);
    }
    expect((await viewer.client.get('/api/v1/portal/orders?currency=XXXX')).status).toBe(400);
  });

  test("a merchant user's filters never reach another merchant's orders", async () => {
    const [mine, theirs] = [await newMerchant(), await newMerchant()];
    const [theirOrder] = await orders(theirs, 1);
    const { client } = await person('viewer', mine);
    const list = await expectStatus(client.get(`/api/v1/portal/orders?id=${theirOrder}`), 200);
    expect(list.items).toEqual([]);
    expect((await client.get(`/api/v1/portal/orders?merchantId=${theirs}`)).status).toBe(200);
    expect((await expectStatus(client.get(`/api/v1/portal/orders?merchantId=${theirs}`), 200)).items).toEqual([]);
  });
});

describe("the merchant cabinet's black list", () => {
  test('By Merch and By Pipeline of my own only; update and delete with a reason, audited under me', async () => {
    const [mine, theirs] = [await newMerchant(), await newMerchant()];
    const [myPipeline, theirPipeline] = [await newPipeline(mine), await newPipeline(theirs)];
    const owner = await person('owner', mine);
    const pipelines = await expectStatus(owner.client.get('/api/v1/portal/pipelines'), 200);
    expect(pipelines.items.map((p: { id: string }) => p.id)).toEqual([myPipeline]);

    const byMerch = await expectStatus(
      owner.client.post('/api/v1/portal/blacklist', { scope: 'By Merch', type: 'Email', requisites: 'A@Example.com' }),
      201,
    );
    expect(byMerch).toMatchObject({ scope: 'merchant', merchantId: mine, requisites: 'a@example.com' });
    const byPipeline = await expectStatus(
      owner.client.post('/api/v1/portal/blacklist', {
        scope: 'pipeline',
        pipelineId: myPipeline,
        type: 'ip',
        requisites: '203.0.113.7',
      }),
      201,
    );
    // Another merchant's pipeline, or naming a merchant at all, is refused; nothing is written.
    expect(
      (
        await owner.client.post('/api/v1/portal/blacklist', {
          scope: 'pipeline',
          pipelineId: theirPipeline,
          type: 'ip',
          requisites: '203.0.113.8',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await owner.client.post('/api/v1/portal/blacklist', {
          scope: 'merchant',
          merchantId: theirs,
          type: 'ip',
          requisites: '203.0.113.9',
        })
      ).status,
    ).toBe(400);
    const theirEntry = await expectStatus(
      ctx.admin.post('/api/v1/admin/blacklist', {
        scope: 'merchant',
        merchantId: theirs,
        type: 'ip',
        requisites: '203.0.113.10',
      }),
      201,
    );

    const listed = await expectStatus(owner.client.get('/api/v1/portal/blacklist?scope=pipeline'), 200);
    expect(listed.items.map((e: { id: string }) => e.id)).toEqual([byPipeline.id]);
    const all = await expectStatus(owner.client.get('/api/v1/portal/blacklist'), 200);
    expect(all.items.map((e: { id: string }) => e.id).sort()).toEqual([byMerch.id, byPipeline.id].sort());

    expect((await owner.client.patch(`/api/v1/portal/blacklist/${theirEntry.id}`, { description: 'x' })).status).toBe(
      404,
    );
    expect((await owner.client.delete(`/api/v1/portal/blacklist/${theirEntry.id}?reason=mine`)).status).toBe(404);
    expect(
      (
        await owner.client.patch(`/api/v1/portal/blacklist/${byMerch.id}`, {
          scope: 'pipeline',
          pipelineId: theirPipeline,
        })
      ).status,
    ).toBe(404);
    const moved = await expectStatus(
      owner.client.patch(`/api/v1/portal/blacklist/${byMerch.id}`, { scope: 'By Pipeline', pipelineId: myPipeline }),
      200,
    );
    expect(moved).toMatchObject({ scope: 'pipeline', pipelineId: myPipeline, merchantId: mine });
    await expectStatus(owner.client.delete(`/api/v1/portal/blacklist/${byPipeline.id}?reason=false%20positive`), 200);
    await expectStatus(ctx.admin.get(`/api/v1/admin/blacklist/${theirEntry.id}`), 200);

    const audit = await ctx.ds.query(
      `SELECT actor, action, note, user_id FROM audit_log WHERE entity_type = 'blacklist-entry' AND entity_id = ANY($1)
        ORDER BY id`,
      [[byMerch.id, byPipeline.id]],
    );
    expect(audit).toEqual([
      { actor: owner.email, action: 'create', note: null, user_id: owner.userId },
      { actor: owner.email, action: 'create', note: null, user_id: owner.userId },
      { actor: owner.email, action: 'update', note: null, user_id: owner.userId },
      { actor: owner.email, action: 'delete', note: 'false positive', user_id: owner.userId },
    ]);
  });

  test('read-only roles list but cannot change; operators use the admin API', async () => {
    const merchant = await newMerchant();
    for (const role of ['viewer', 'finance']) {
      const { client } = await person(role, merchant);
      await expectStatus(client.get('/api/v1/portal/blacklist'), 200);
      await expectStatus(client.get('/api/v1/portal/balances'), 200);
      const refused = await client.post('/api/v1/portal/blacklist', {
        scope: 'merchant',
        type: 'ip',
        requisites: '203.0.113.1',
      });
      expect([role, refused.status, refused.json.error.code]).toEqual([role, 403, 'FORBIDDEN']);
    }
    const developer = await person('developer', merchant);
    await expectStatus(
      developer.client.post('/api/v1/portal/blacklist', { scope: 'merchant', type: 'ip', requisites: '203.0.113.1' }),
      201,
    );
    const operator = await person('operations');
    expect((await operator.client.get('/api/v1/portal/blacklist')).status).toBe(403);
    const me = await expectStatus(developer.client.get('/api/v1/account'), 200);
    expect(me.permissions).toEqual(expect.arrayContaining(['portal:blacklist:write']));
  });
});

describe('balances', () => {
  test('per mode and currency: postings minus open holds, my merchant only', async () => {
    const [mine, theirs] = [await newMerchant(), await newMerchant()];
    // Through the ledger's owner, which moves the running balance the cabinet reads.
    const post = (merchantId: string, mode: KeyMode, currency: string, amountMinor: number) =>
      insertPosting(ctx.ds, {
        merchantId,
        mode,
        currency,
        amountMinor,
        kind: 'adjustment',
        orderId: null,
        idempotencyKey: randomUUID(),
      });
    await post(mine, 'sandbox', 'USD', 5000);
    await post(mine, 'live', 'EUR', 700);
    await post(theirs, 'sandbox', 'USD', 999);
    const { client } = await person('viewer', mine);
    const balances = await expectStatus(client.get('/api/v1/portal/balances'), 200);
    expect(balances.items).toEqual([
      { mode: 'live', currency: 'EUR', availableMinor: 700, heldMinor: 0 },
      { mode: 'sandbox', currency: 'USD', availableMinor: 5000, heldMinor: 0 },
    ]);
  });
});
