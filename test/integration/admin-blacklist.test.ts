import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { cardFingerprint } from '../../infra/security/card-fingerprint';
import { adminSetUpMerchant, expectStatus, type HttpClient, useAdminApi } from '../helpers/admin-client';
import { TEST_SECRETS_KEY } from '../helpers/http';

/** The black list of seed 004 through the admin API: entries, normalisation, filters, update and delete. */

const ctx = useAdminApi();
let ds: DataSource;
let api: (typeof ctx)['api'];
let admin: HttpClient;
beforeAll(() => {
  ({ ds, api, admin } = ctx);
});

const CARD = '4111111111111111';
const add = (body: Record<string, unknown>) => admin.post('/api/v1/admin/blacklist', body);
const list = async (query: Record<string, string>) => {
  const json = await expectStatus(admin.get(`/api/v1/admin/blacklist?${new URLSearchParams(query)}`), 200);
  return (json.items as Array<{ id: string }>).map((e) => e.id).sort();
};
const ids = (...entries: Array<{ id: string }>) => entries.map((e) => e.id).sort();

describe('adding entries', () => {
  test('each type of seed 004, By Merch and By Pipeline, stored normalised; a card only as fingerprint and mask', async () => {
    const m = await adminSetUpMerchant(admin);
    const pipelineId = m.pipelines.main!.id;
    const cases = [
      ['Card', '4111 1111 1111 1111', 'card', '411111******1111'],
      ['Email', ' User@Mail.COM ', 'email', 'user@mail.com'],
      ['IP', '203.0.113.010', 'ip', '203.0.113.10'],
      ['Phone', '+44 7700 900123', 'phone', '+447700900123'],
      ['PayeerIdentifier', ' 12345678980 ', 'payeerIdentifier', '12345678980'],
    ] as const;
    for (const [type, requisites, storedType, shown] of cases) {
      for (const owner of [
        { scope: 'By Merch', merchantId: m.merchantId },
        { scope: 'By Pipeline', pipelineId },
      ]) {
        const entry = await expectStatus(add({ ...owner, type, requisites, description: 'case #1234' }), 201);
        expect(entry).toMatchObject({
          type: storedType,
          requisites: shown,
          scope: owner.scope === 'By Merch' ? 'merchant' : 'pipeline',
          merchantId: m.merchantId,
          pipelineId: owner.scope === 'By Merch' ? null : pipelineId,
          description: 'case #1234',
        });
      }
    }
    const rows: Array<{ type: string; value: string; display_value: string }> = await ds.query(
      `SELECT b.type, b.value, b.display_value FROM blacklist_entries b
         LEFT JOIN pipelines p ON p.id = b.pipeline_id
        WHERE coalesce(b.merchant_id, p.merchant_id) = $1 AND b.type = 'card'`,
      [m.merchantId],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.value).toBe(cardFingerprint(CARD, TEST_SECRETS_KEY));
      expect(JSON.stringify(row)).not.toContain(CARD);
    }
    expect(admin.bodies.join('')).not.toContain(CARD);
    const logs = api.logLines.join('');
    expect(logs).toContain('/api/v1/admin/blacklist');
    expect(logs.replace(/\s/g, '')).not.toContain(CARD);
  });

  test('an equivalent spelling of a blocked requisite is the same entry: 409', async () => {
    const m = await adminSetUpMerchant(admin);
    const owner = { scope: 'merchant', merchantId: m.merchantId };
    for (const [type, first, again] of [
      ['email', 'payer@example.com', 'PAYER@Example.com'],
      ['ip', '2001:db8::1', '2001:0DB8:0:0:0:0:0:1'],
      ['ip', '198.51.100.7', '::ffff:198.51.100.7'],
      ['phone', '+1 (202) 555-0143', '+12025550143'],
      ['card', '5555555555554444', '5555-5555-5555-4444'],
    ]) {
      await expectStatus(add({ ...owner, type, requisites: first }), 201);
      const dup = await add({ ...owner, type, requisites: again });
      expect(dup.status).toBe(409);
    }
  });

  test.each([
    [{ type: 'email', requisites: 'not an email' }, 'requisites'],
    [{ type: 'phone', requisites: '07700 900123' }, 'requisites'],
    [{ type: 'ip', requisites: '300.1.1.1' }, 'requisites'],
    [{ type: 'card', requisites: '4111' }, 'requisites'],
    [{ type: 'iban', requisites: 'x' }, 'type'],
    [{ type: 'email', requisites: 'a@b.c', pipelineId: '00000000-0000-4000-8000-000000000000' }, 'pipelineId'],
    [{ type: 'email', requisites: 'a@b.c', colour: 'red' }, '(body)'],
  ])('%o is a 400 naming %s', async (fields, field) => {
    const m = await adminSetUpMerchant(admin);
    const res = await add({ scope: 'merchant', merchantId: m.merchantId, ...fields });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  test('an unknown merchant or pipeline is a 404; no entry is written', async () => {
    const res = await add({ scope: 'pipeline', pipelineId: randomUUID(), type: 'email', requisites: 'x@y.z' });
    expect(res.status).toBe(404);
    const res2 = await add({ scope: 'merchant', merchantId: randomUUID(), type: 'email', requisites: 'x@y.z' });
    expect(res2.status).toBe(404);
  });
});

describe('filters', () => {
  let m: Awaited<ReturnType<typeof adminSetUpMerchant>>;
  let e: Record<string, { id: string }>;

  beforeAll(async () => {
    m = await adminSetUpMerchant(admin, { pipelines: ['first', 'second'] });
    const p1 = m.pipelines.first!.id;
    const p2 = m.pipelines.second!.id;
    const entry = (body: Record<string, unknown>) => expectStatus(add(body), 201);
    e = {
      cardMerch: await entry({
        scope: 'merchant',
        merchantId: m.merchantId,
        type: 'card',
        requisites: CARD,
        description: 'Chargeback case #77',
      }),
      emailP1: await entry({
        scope: 'pipeline',
        pipelineId: p1,
        type: 'email',
        requisites: 'fraud@mail.com',
        description: 'fraud',
      }),
      ipP2: await entry({
        scope: 'pipeline',
        pipelineId: p2,
        type: 'ip',
        requisites: '203.0.113.10',
        description: 'bonus abuse',
      }),
      phoneMerch: await entry({
        scope: 'merchant',
        merchantId: m.merchantId,
        type: 'phone',
        requisites: '+447700900123',
        description: null,
      }),
      payeerP1: await entry({
        scope: 'pipeline',
        pipelineId: p1,
        type: 'payeerIdentifier',
        requisites: 'P1000',
        description: 'test user',
      }),
    };
    // Spread the creation times over days, so the range filter has something to tell apart.
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];
    for (const [i, x] of Object.values(e).entries()) {
      await ds.query(`UPDATE blacklist_entries SET created_at = $2 WHERE id = $1`, [x.id, `${days[i]}T12:00:00Z`]);
    }
  });

  test('merchant: its By Merch entries and the By Pipeline entries of its pipelines, newest first', async () => {
    const json = await expectStatus(admin.get(`/api/v1/admin/blacklist?merchantId=${m.merchantId}`), 200);
    expect(json.items.map((x: { id: string }) => x.id)).toEqual(
      [e.payeerP1, e.phoneMerch, e.ipP2, e.emailP1, e.cardMerch].map((x) => x!.id),
    );
  });

  test('pipeline, scope, type, requisites, description and created range each return exactly the matching rows', async () => {
    const mine = { merchantId: m.merchantId };
    expect(await list({ pipelineId: m.pipelines.first!.id })).toEqual(ids(e.emailP1!, e.payeerP1!));
    expect(await list({ ...mine, scope: 'By Pipeline' })).toEqual(ids(e.emailP1!, e.ipP2!, e.payeerP1!));
    expect(await list({ ...mine, scope: 'merchant' })).toEqual(ids(e.cardMerch!, e.phoneMerch!));
    expect(await list({ ...mine, type: 'IP' })).toEqual(ids(e.ipP2!));
    expect(await list({ ...mine, requisites: 'FRAUD@mail.com' })).toEqual(ids(e.emailP1!));
    expect(await list({ ...mine, requisites: '+44 (0)7700 900123' })).toEqual(ids(e.phoneMerch!));
    expect(await list({ ...mine, requisites: '1111' })).toEqual(ids(e.cardMerch!));
    expect(await list({ ...mine, requisites: 'mail.com' })).toEqual(ids(e.emailP1!));
    expect(await list({ ...mine, description: 'CASE #7' })).toEqual(ids(e.cardMerch!));
    expect(await list({ ...mine, description: '%' })).toEqual([]);
    expect(await list({ ...mine, createdFrom: '2026-01-02T00:00:00Z', createdTo: '2026-01-04T00:00:00Z' })).toEqual(
      ids(e.emailP1!, e.ipP2!),
    );
    expect(await list({ ...mine, pipelineId: m.pipelines.first!.id, type: 'email', description: 'fraud' })).toEqual(
      ids(e.emailP1!),
    );
  });

  test('a full card number is searched in a body, and matches its fingerprint', async () => {
    const json = await expectStatus(
      admin.post('/api/v1/admin/blacklist/search', { merchantId: m.merchantId, requisites: '4111-1111-1111-1111' }),
      200,
    );
    expect(json.items.map((x: { id: string }) => x.id)).toEqual([e.cardMerch!.id]);
  });

  test('pages: limit and nextOffset', async () => {
    const first = await expectStatus(admin.get(`/api/v1/admin/blacklist?merchantId=${m.merchantId}&limit=2`), 200);
    expect(first.items).toHaveLength(2);
    expect(first.nextOffset).toBe(2);
    const last = await expectStatus(
      admin.get(`/api/v1/admin/blacklist?merchantId=${m.merchantId}&limit=2&offset=4`),
      200,
    );
    expect(last.items).toHaveLength(1);
    expect(last.nextOffset).toBeNull();
  });

  test('a bad filter is a 400 naming it', async () => {
    const res = await admin.get('/api/v1/admin/blacklist?createdFrom=yesterday&merchantId=42');
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['createdFrom', 'merchantId']);
  });
});

describe('update and delete', () => {
  test('scope, type and requisites, description; the row is what the next order is checked against', async () => {
    const m = await adminSetUpMerchant(admin);
    const pipelineId = m.pipelines.main!.id;
    const entry = await expectStatus(
      add({ scope: 'merchant', merchantId: m.merchantId, type: 'email', requisites: 'a@b.co', description: 'fraud' }),
      201,
    );
    const moved = await expectStatus(
      admin.patch(`/api/v1/admin/blacklist/${entry.id}`, { scope: 'By Pipeline', pipelineId }),
      200,
    );
    expect(moved).toMatchObject({ scope: 'pipeline', pipelineId, type: 'email', requisites: 'a@b.co' });
    const retyped = await expectStatus(
      admin.patch(`/api/v1/admin/blacklist/${entry.id}`, {
        type: 'Card',
        requisites: '5555 5555 5555 4444',
        description: null,
      }),
      200,
    );
    expect(retyped).toMatchObject({ type: 'card', requisites: '555555******4444', description: null });
    const [row] = await ds.query(`SELECT value, scope, merchant_id, pipeline_id FROM blacklist_entries WHERE id = $1`, [
      entry.id,
    ]);
    expect(row).toEqual({
      value: cardFingerprint('5555555555554444', TEST_SECRETS_KEY),
      scope: 'pipeline',
      merchant_id: null,
      pipeline_id: pipelineId,
    });

    expect((await admin.patch(`/api/v1/admin/blacklist/${entry.id}`, { type: 'ip' })).status).toBe(400);
    expect((await admin.patch(`/api/v1/admin/blacklist/${entry.id}`, { merchantId: m.merchantId })).status).toBe(400);
    expect((await admin.patch(`/api/v1/admin/blacklist/${randomUUID()}`, { description: 'x' })).status).toBe(404);

    const deleted = await expectStatus(
      admin.delete(`/api/v1/admin/blacklist/${entry.id}?reason=false%20positive`),
      200,
    );
    expect(deleted.id).toBe(entry.id);
    expect((await admin.get(`/api/v1/admin/blacklist/${entry.id}`)).status).toBe(404);
    expect((await admin.delete(`/api/v1/admin/blacklist/${entry.id}`)).status).toBe(404);
    const audit = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityId=${entry.id}`), 200);
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['delete', 'update', 'update', 'create']);
    expect(audit.items[0]).toMatchObject({ note: 'false positive', after: null, before: { id: entry.id } });
  });
});
