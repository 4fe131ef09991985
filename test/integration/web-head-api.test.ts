import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
// orders.ts first: it loads the OpenAPI extension of zod that order-list's schemas use.
import { historyCodeFilter } from '../../api/admin/orders';
import { listOrders } from '../../api/admin/order-list';
import { expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { invitedPerson } from '../helpers/session-client';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/**
 * What Head's operator screens added to the admin API (docs/web-app.md): the order list's filters by gateway,
 * amount range and history code; an order's merchant-callback attempts; the link to its workflow in the Temporal
 * Web UI; a reason required for every operator action on an order; read-only operators refused changes.
 */

const UI = 'http://localhost:8233/';
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
let admin: HttpClient;

beforeAll(async () => {
  ds = await testDataSource();
  api = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS), temporalUiUrl: UI });
  admin = httpClient(api.baseUrl);
});
afterAll(async () => {
  await api?.stop();
  await ds?.destroy();
});

const newMerchant = async () =>
  (await expectStatus(admin.post('/api/v1/admin/merchants', { name: `merchant ${randomUUID()}` }), 201)).id as string;
const newGateway = async () =>
  (
    await expectStatus(
      admin.post('/api/v1/admin/gateways', {
        code: `gw-${randomUUID()}`,
        name: `gateway ${randomUUID()}`,
        connector: 'sandbox',
        mode: 'sandbox',
        settings: { scenario: 'success-at-create' },
      }),
      201,
    )
  ).id as string;

/** An order a second after the one before, at a gateway, with history codes; answers its id. */
async function order(o: {
  merchantId: string;
  gatewayId: string | null;
  amountMinor: number;
  codes: string[];
  i: number;
}) {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                         workflow_id, gateway_id, created_at)
     VALUES ($1, $2, 'deposit', $3, $4, 'USD', 'Failed', $5, $6, '2026-02-01T00:00:00Z'::timestamptz + $7 * interval '1 second')`,
    [id, o.merchantId, `ext-${id}`, o.amountMinor, `deposit-${id}`, o.gatewayId, o.i],
  );
  for (const [seq, code] of o.codes.entries()) {
    await ds.query(
      `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
       VALUES ($1, $2, $3, 'Processing', 'Processing', now(), $4, $5)`,
      [id, seq + 1, code, JSON.stringify({ pspCode: 'insufficient_funds' }), o.gatewayId],
    );
  }
  return id;
}

const ids = (page: { items: Array<{ id: string }> }) => page.items.map((o) => o.id);

describe("the operators' order list", () => {
  test('filters by gateway, amount range and history code, alone and with the others, newest first', async () => {
    const merchantId = await newMerchant();
    const [g1, g2] = [await newGateway(), await newGateway()];
    const a = await order({ merchantId, gatewayId: g1, amountMinor: 500, codes: ['1.0.0.00', '2.2.4.51'], i: 0 });
    const b = await order({ merchantId, gatewayId: g2, amountMinor: 1500, codes: ['1.0.0.00', '1.2.4.42'], i: 1 });
    const c = await order({ merchantId, gatewayId: g1, amountMinor: 2500, codes: ['1.0.0.00', '2.2.4.51'], i: 2 });
    const d = await order({ merchantId, gatewayId: null, amountMinor: 1000, codes: ['1.0.0.00'], i: 3 });
    const list = async (q: string) =>
      ids(await expectStatus(admin.get(`/api/v1/admin/orders?merchantId=${merchantId}&${q}`), 200));

    expect(ids(await expectStatus(admin.get(`/api/v1/admin/orders?gatewayId=${g1}`), 200))).toEqual([c, a]);
    expect(await list(`gatewayId=${g2}`)).toEqual([b]);
    expect(await list('amountFrom=1000&amountTo=1500')).toEqual([d, b]);
    expect(await list('amountFrom=1501')).toEqual([c]);
    expect(await list('amountTo=499')).toEqual([]);
    expect(await list('historyCode=2.2.4.51')).toEqual([c, a]);
    expect(await list('historyCode=1.2.4.42')).toEqual([b]);
    expect(await list(`historyCode=2.2.4.51&amountFrom=1000&gatewayId=${g1}`)).toEqual([c]);
    // Keyset paging keeps working under the new filters.
    const first = await expectStatus(
      admin.get(`/api/v1/admin/orders?merchantId=${merchantId}&historyCode=1.0.0.00&limit=2`),
      200,
    );
    expect(ids(first)).toEqual([d, c]);
    const second = await expectStatus(
      admin.get(
        `/api/v1/admin/orders?merchantId=${merchantId}&historyCode=1.0.0.00&limit=2&cursor=${first.nextCursor}`,
      ),
      200,
    );
    expect(ids(second)).toEqual([b, a]);
    expect(second.nextCursor).toBeNull();
  });

  test("a code's orders are the same whether the list starts from the code's orders or probes each order", async () => {
    const merchantId = await newMerchant();
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await order({ merchantId, gatewayId: null, amountMinor: 100, codes: ['1.0.0.00', '2.2.4.51'], i }));
    }
    const pageWith = async (few: number) => {
      const condition = await historyCodeFilter(ds, '2.2.4.51', few);
      const page = await listOrders<{ id: string }>(
        ds,
        'o.id',
        { limit: 3, merchantId },
        {
          where: (param) => [condition(param)],
        },
      );
      return [page.rows.map((r) => r.id), page.nextCursor !== null];
    };
    // few = 0: every code counts as common (EXISTS per order); the default: this code is rare (its orders by id).
    expect(await pageWith(0)).toEqual([[made[4], made[3], made[2]], true]);
    expect(await pageWith(5_000)).toEqual(await pageWith(0));
  });

  test('a bad filter is a 400 naming it', async () => {
    for (const [q, field] of [
      ['historyCode=1.2.4', 'historyCode'],
      ['historyCode=x', 'historyCode'],
      ['amountFrom=-1', 'amountFrom'],
      ['amountTo=ten', 'amountTo'],
      ['gatewayId=nope', 'gatewayId'],
    ]) {
      const answer = await admin.get(`/api/v1/admin/orders?${q}`);
      expect([q, answer.status]).toEqual([q, 400]);
      expect(JSON.stringify(answer.json.error)).toContain(field);
    }
  });
});

describe("an order's page", () => {
  test("merchant-callback attempts, oldest first, without the URL's query; the workflow's Temporal UI link", async () => {
    const merchantId = await newMerchant();
    const id = await order({ merchantId, gatewayId: null, amountMinor: 100, codes: ['1.0.0.00'], i: 10 });
    const event = `evt-${randomUUID()}`;
    const delivery = (attempt: number, outcome: string, code: string | null, status: number | null, at: string) =>
      ds.query(
        `INSERT INTO merchant_callback_deliveries
           (order_id, event_id, attempt, url, outcome, code, http_status, error, duration_ms, attempted_at, merchant_id)
         VALUES ($1, $2, $3, 'https://shop.example/callbacks?token=s3cr3t', $4, $5, $6, $7, 12, $8, $9)`,
        [id, event, attempt, outcome, code, status, code ? 'HTTP 500' : null, at, merchantId],
      );
    await delivery(2, 'delivered', null, 200, '2026-02-01T00:01:00Z');
    await delivery(1, 'failed', '1.2.4.91', 500, '2026-02-01T00:00:30Z');

    const answer = await expectStatus(admin.get(`/api/v1/admin/orders/${id}/callbacks`), 200);
    expect(answer.items).toEqual([
      expect.objectContaining({ eventId: event, attempt: 1, outcome: 'failed', code: '1.2.4.91', httpStatus: 500 }),
      expect.objectContaining({ attempt: 2, outcome: 'delivered', code: null, httpStatus: 200, durationMs: 12 }),
    ]);
    expect(answer.items[0].url).toBe('https://shop.example/callbacks?…');
    expect(JSON.stringify(answer)).not.toContain('s3cr3t');
    expect((await admin.get(`/api/v1/admin/orders/${randomUUID()}/callbacks`)).status).toBe(404);

    const detail = await expectStatus(admin.get(`/api/v1/admin/orders/${id}`), 200);
    expect(detail.temporalUiUrl).toBe(`http://localhost:8233/namespaces/default/workflows/deposit-${id}`);
    expect(detail.history[0].details).toEqual({ pspCode: 'insufficient_funds' });
  });

  test('support (read-only) reads attempts but every action is 403; a merchant user gets 403', async () => {
    const merchantId = await newMerchant();
    const id = await order({ merchantId, gatewayId: null, amountMinor: 100, codes: ['1.0.0.00'], i: 11 });
    const support = await invitedPerson(api.baseUrl, admin, 'support');
    expect((await support.client.get(`/api/v1/admin/orders/${id}/callbacks`)).status).toBe(200);
    for (const action of ['recheck', 'cancel']) {
      expect((await support.client.post(`/api/v1/admin/orders/${id}/${action}`, { reason: 'try' })).status).toBe(403);
    }
    const owner = await invitedPerson(api.baseUrl, admin, 'owner', merchantId);
    expect((await owner.client.get(`/api/v1/admin/orders/${id}/callbacks`)).status).toBe(403);
  });

  test('every operator action needs a reason: without one it is a 400 naming it, and nothing is audited', async () => {
    const merchantId = await newMerchant();
    const id = await order({ merchantId, gatewayId: null, amountMinor: 100, codes: ['1.0.0.00'], i: 12 });
    for (const [action, body] of [
      ['recheck', {}],
      ['recheck', { reason: '   ' }],
      ['resolve', { outcome: 'success', evidence: 'report line 1' }],
      ['cancel', {}],
      ['cancel', { reason: '' }],
    ] as const) {
      const answer = await admin.post(`/api/v1/admin/orders/${id}/${action}`, body);
      expect([action, body, answer.status]).toEqual([action, body, 400]);
      expect(JSON.stringify(answer.json.error)).toContain('reason');
    }
    expect(await ds.query(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [id])).toEqual([]);
  });
});
