import { randomUUID } from 'node:crypto';
import { CODES } from '../../domain/history-codes';
import { adminSetUpMerchant, expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { startDevServerStack } from '../helpers/dev-server-stack';

/**
 * What admin changes do to the next order, end to end: the admin API changes the configuration, the merchant API
 * creates orders, a worker runs them on the dev server, and the admin order view shows their history.
 */

let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let admin: HttpClient;

beforeAll(async () => {
  stack = await startDevServerStack('admin-effects');
  admin = httpClient(stack.api.baseUrl);
});
afterAll(() => stack?.stop());

const CARD = '4111111111111111';
type Order = {
  status: string;
  history: Array<{ code: string; gatewayId: string | null; details: Record<string, unknown> }>;
};

/** Creates a deposit with the merchant key and waits for its final status in the admin view. */
async function deposit(key: string, opts: { amount?: number; fields?: Record<string, string> } = {}): Promise<Order> {
  const fields = { cardNumber: CARD, ...opts.fields };
  const merchant = httpClient(stack.api.baseUrl, key);
  const created = await expectStatus(
    merchant.post('/api/v1/integration/deposit-order', {
      amount: opts.amount ?? 10,
      currency: 'USD',
      externalTransactionId: `dep-${randomUUID()}`,
      additionalFields: Object.entries(fields).map(([k, value]) => ({ key: k, value })),
    }),
    200,
  );
  // The order row can say Failed between a gateway's decline and the cascade: the workflow's end is what counts.
  const { workflowId } = await expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
  await stack.client.workflow.getHandle(workflowId).result();
  return expectStatus(admin.get(`/api/v1/admin/orders/${created.externalId}`), 200);
}
const codes = (o: Order) => o.history.map((h) => h.code);
/** The gateways asked to create the payment, in order. */
const attempted = (o: Order) => o.history.filter((h) => h.code.startsWith('2.')).map((h) => h.gatewayId);
const blocked = (o: Order) => o.status === 'Failed' && codes(o).includes(CODES.PRECHECK_BLACKLIST);

describe('black list: every type and scope against the next order', () => {
  // The entry's spelling differs from the order's: equivalent spellings match.
  const cases = [
    ['card', '5555 5555 5555 4444', { cardNumber: '5555555555554444' }],
    ['email', ' Payer@Example.COM', { email: 'payer@example.com' }],
    ['ip', '::ffff:203.0.113.10', { ip: '203.0.113.10' }],
    ['phone', '+44 (0)7700 900123', { phone: '+447700900123' }],
    ['payeerIdentifier', ' P-100200 ', { payeerIdentifier: 'P-100200' }],
  ] as const;

  test.each(cases)(
    '%s: By Pipeline blocks that pipeline only; By Merch blocks every pipeline',
    async (type, entry, fields) => {
      const m = await adminSetUpMerchant(admin, { pipelines: ['first', 'second'] });
      const { first, second } = m.pipelines as Record<'first' | 'second', { id: string; key: string }>;
      const byPipeline = await expectStatus(
        admin.post('/api/v1/admin/blacklist', { scope: 'By Pipeline', pipelineId: first.id, type, requisites: entry }),
        201,
      );
      const [inFirst, inSecond] = await Promise.all([deposit(first.key, { fields }), deposit(second.key, { fields })]);
      expect(blocked(inFirst)).toBe(true);
      expect(inFirst.history.find((h) => h.code === CODES.PRECHECK_BLACKLIST)!.details).toEqual({
        check: 'blacklist',
        type,
        scope: 'pipeline',
        entryId: byPipeline.id,
      });
      expect(attempted(inFirst)).toEqual([]);
      expect(inSecond.status).toBe('Success');

      await expectStatus(admin.delete(`/api/v1/admin/blacklist/${byPipeline.id}`), 200);
      await expectStatus(
        admin.post('/api/v1/admin/blacklist', { scope: 'By Merch', merchantId: m.merchantId, type, requisites: entry }),
        201,
      );
      const both = await Promise.all([deposit(first.key, { fields }), deposit(second.key, { fields })]);
      expect(both.map(blocked)).toEqual([true, true]);
      // Another payer of the same merchant is not blocked.
      expect((await deposit(first.key)).status).toBe('Success');
    },
  );

  test('update and delete take effect for the next order', async () => {
    const m = await adminSetUpMerchant(admin);
    const key = m.pipelines.main!.key;
    const entry = await expectStatus(
      admin.post('/api/v1/admin/blacklist', {
        scope: 'merchant',
        merchantId: m.merchantId,
        type: 'email',
        requisites: 'old@example.com',
      }),
      201,
    );
    expect(blocked(await deposit(key, { fields: { email: 'old@example.com' } }))).toBe(true);
    await expectStatus(
      admin.patch(`/api/v1/admin/blacklist/${entry.id}`, { type: 'email', requisites: 'new@example.com' }),
      200,
    );
    expect((await deposit(key, { fields: { email: 'old@example.com' } })).status).toBe('Success');
    expect(blocked(await deposit(key, { fields: { email: 'new@example.com' } }))).toBe(true);
    await expectStatus(admin.delete(`/api/v1/admin/blacklist/${entry.id}?reason=false%20positive`), 200);
    expect((await deposit(key, { fields: { email: 'new@example.com' } })).status).toBe('Success');
  });
});

describe('routing and cascading', () => {
  test('reordering, disabling a gateway or a route, and turning cascading off change the next order', async () => {
    const m = await adminSetUpMerchant(admin, { gatewayScenarios: ['create-declined', 'success-at-create'] });
    const [declining, paying] = m.gateways.map((g) => g.id) as [string, string];
    const pipeline = m.pipelines.main!;
    const routes = (ids: string[]) =>
      expectStatus(
        admin.put(`/api/v1/admin/pipelines/${pipeline.id}/routes`, { routes: ids.map((gatewayId) => ({ gatewayId })) }),
        200,
      );

    const cascaded = await deposit(pipeline.key);
    expect(attempted(cascaded)).toEqual([declining, paying]);
    expect(codes(cascaded)).toContain(CODES.CASCADE);
    expect(cascaded.status).toBe('Success');

    await routes([paying, declining]);
    const reordered = await deposit(pipeline.key);
    expect(attempted(reordered)).toEqual([paying]);

    await expectStatus(admin.patch(`/api/v1/admin/gateways/${paying}`, { enabled: false }), 200);
    const gatewayOff = await deposit(pipeline.key);
    expect(attempted(gatewayOff)).toEqual([declining]);
    expect(gatewayOff.status).toBe('Failed');
    await expectStatus(admin.patch(`/api/v1/admin/gateways/${paying}`, { enabled: true }), 200);

    const view = await routes([declining, paying]);
    const payingRoute = view.routes.find((r: { gatewayId: string }) => r.gatewayId === paying);
    await expectStatus(
      admin.patch(`/api/v1/admin/pipelines/${pipeline.id}/routes/${payingRoute.id}`, { enabled: false }),
      200,
    );
    expect(attempted(await deposit(pipeline.key))).toEqual([declining]);
    await expectStatus(
      admin.patch(`/api/v1/admin/pipelines/${pipeline.id}/routes/${payingRoute.id}`, { enabled: true }),
      200,
    );

    await expectStatus(admin.patch(`/api/v1/admin/pipelines/${pipeline.id}`, { cascadeEnabled: false }), 200);
    expect(attempted(await deposit(pipeline.key))).toEqual([declining]);
    await expectStatus(
      admin.patch(`/api/v1/admin/pipelines/${pipeline.id}`, { cascadeEnabled: true, maxGateways: 1 }),
      200,
    );
    expect(attempted(await deposit(pipeline.key))).toEqual([declining]);
    await expectStatus(admin.patch(`/api/v1/admin/pipelines/${pipeline.id}`, { maxGateways: null }), 200);
    expect(attempted(await deposit(pipeline.key))).toEqual([declining, paying]);
  });

  test('route conditions on currency, amount and method pick the gateways', async () => {
    const m = await adminSetUpMerchant(admin, { gatewayScenarios: ['success-at-create', 'success-at-create'] });
    const [small, large] = m.gateways.map((g) => g.id) as [string, string];
    const pipeline = m.pipelines.main!;
    await expectStatus(
      admin.put(`/api/v1/admin/pipelines/${pipeline.id}/routes`, {
        routes: [
          { gatewayId: small, currency: 'USD', maxAmountMinor: 100_00, method: 'card' },
          { gatewayId: large, minAmountMinor: 100_01 },
        ],
      }),
      200,
    );
    expect(attempted(await deposit(pipeline.key, { amount: 100 }))).toEqual([small]);
    expect(attempted(await deposit(pipeline.key, { amount: 100.01 }))).toEqual([large]);
  });
});

describe('limits', () => {
  test.each([
    ['min', { minAmountMinor: 5_00 }, 4.99, { limitMinor: 5_00, actual: 4_99 }],
    ['max', { maxAmountMinor: 50_00 }, 50.01, { limitMinor: 50_00, actual: 50_01 }],
    ['dailyVolume', { dailyVolumeMinor: 25_00 }, 15, { limitMinor: 25_00, actual: 30_00 }],
    ['dailyCount', { dailyCount: 1 }, 10, { limitCount: 1, actual: 2 }],
  ])('%s rejects with 1.2.4.32 naming the limit', async (limit, values, amount, bounds) => {
    const m = await adminSetUpMerchant(admin);
    const key = m.pipelines.main!.key;
    await expectStatus(
      admin.post('/api/v1/admin/limits', {
        scope: 'pipeline',
        pipelineId: m.pipelines.main!.id,
        direction: 'deposit',
        currency: 'USD',
        ...values,
      }),
      201,
    );
    // The daily limits need a first order to count; it passes.
    if (limit.startsWith('daily')) expect((await deposit(key, { amount })).status).toBe('Success');
    const order = await deposit(key, { amount });
    expect(order.status).toBe('Failed');
    expect(order.history.find((h) => h.code === CODES.PRECHECK_LIMIT)!.details).toEqual({
      check: 'limit',
      limit,
      scope: 'pipeline',
      ...bounds,
    });
    expect(attempted(order)).toEqual([]);
  });

  test('a limit raised through the admin API lets the next order through', async () => {
    const m = await adminSetUpMerchant(admin);
    const key = m.pipelines.main!.key;
    const limit = await expectStatus(
      admin.post('/api/v1/admin/limits', {
        scope: 'merchant',
        merchantId: m.merchantId,
        direction: 'deposit',
        currency: 'USD',
        maxAmountMinor: 10_00,
      }),
      201,
    );
    expect((await deposit(key, { amount: 20 })).status).toBe('Failed');
    await expectStatus(admin.patch(`/api/v1/admin/limits/${limit.id}`, { maxAmountMinor: 20_00 }), 200);
    expect((await deposit(key, { amount: 20 })).status).toBe('Success');
  });
});
