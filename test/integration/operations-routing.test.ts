import type { DataSource } from 'typeorm';
import { operationsActivities } from '../../activities/operations';
import type { RouteRequest } from '../../domain/operations-contract';
import { testDataSource } from '../helpers/database';
import { createGateway, createMerchant, createPipeline } from '../helpers/operations-fixtures';

let ds: DataSource;
let ops: ReturnType<typeof operationsActivities>;

beforeAll(async () => {
  ds = await testDataSource();
  ops = operationsActivities(ds);
});
afterAll(() => ds?.destroy());

interface RouteRow {
  gatewayId: string;
  position: number;
  enabled?: boolean;
  currency?: string;
  min?: number;
  max?: number;
  method?: 'card' | 'p2p' | 'token';
}

async function addRoutes(pipelineId: string, routes: RouteRow[]) {
  for (const r of routes) {
    await ds.query(
      `INSERT INTO routes (pipeline_id, gateway_id, position, enabled, currency, min_amount_minor, max_amount_minor,
                           method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        pipelineId,
        r.gatewayId,
        r.position,
        r.enabled ?? true,
        r.currency ?? null,
        r.min ?? null,
        r.max ?? null,
        r.method ?? null,
      ],
    );
  }
}

async function depositPipeline() {
  const merchantId = await createMerchant(ds);
  return { merchantId, pipelineId: await createPipeline(ds, merchantId, 'deposit') };
}

const route = (pipelineId: string, r: Partial<RouteRequest> = {}): RouteRequest => ({
  pipelineId,
  direction: 'deposit',
  amountMinor: 1000,
  currency: 'USD',
  method: 'card',
  mode: 'sandbox',
  ...r,
});

const ids = async (req: RouteRequest) => (await ops.resolveRoute(req)).map((c) => c.gatewayId);

test('enabled routes in position order, with the gateway names; disabled ones are skipped', async () => {
  const { pipelineId } = await depositPipeline();
  const [a, b, c] = [
    await createGateway(ds, 'sandbox', 'Alpha'),
    await createGateway(ds, 'sandbox', 'Bravo'),
    await createGateway(ds, 'sandbox', 'Charlie'),
  ];
  await addRoutes(pipelineId, [
    { gatewayId: b, position: 20 },
    { gatewayId: c, position: 5, enabled: false },
    { gatewayId: a, position: 10 },
  ]);
  await expect(ops.resolveRoute(route(pipelineId))).resolves.toEqual([
    { gatewayId: a, name: 'Alpha' },
    { gatewayId: b, name: 'Bravo' },
  ]);
});

test('currency: a route with a currency takes only that currency, a NULL one any', async () => {
  const { pipelineId } = await depositPipeline();
  const [usd, any] = [await createGateway(ds, 'sandbox'), await createGateway(ds, 'sandbox')];
  await addRoutes(pipelineId, [
    { gatewayId: usd, position: 1, currency: 'USD' },
    { gatewayId: any, position: 2 },
  ]);
  expect(await ids(route(pipelineId, { currency: 'USD' }))).toEqual([usd, any]);
  expect(await ids(route(pipelineId, { currency: 'EUR' }))).toEqual([any]);
});

test('amount: bounds are inclusive, and a NULL bound is open', async () => {
  const { pipelineId } = await depositPipeline();
  const [ranged, atLeast, atMost] = [
    await createGateway(ds, 'sandbox'),
    await createGateway(ds, 'sandbox'),
    await createGateway(ds, 'sandbox'),
  ];
  await addRoutes(pipelineId, [
    { gatewayId: ranged, position: 1, min: 100, max: 1000 },
    { gatewayId: atLeast, position: 2, min: 500 },
    { gatewayId: atMost, position: 3, max: 200 },
  ]);
  const at = (amountMinor: number) => ids(route(pipelineId, { amountMinor }));
  expect(await at(99)).toEqual([atMost]);
  expect(await at(100)).toEqual([ranged, atMost]);
  expect(await at(500)).toEqual([ranged, atLeast]);
  expect(await at(1000)).toEqual([ranged, atLeast]);
  expect(await at(1001)).toEqual([atLeast]);
  expect(await at(10_000_000_000)).toEqual([atLeast]);
});

test('method: a route with a method takes only that method, a NULL one any', async () => {
  const { pipelineId } = await depositPipeline();
  const [card, p2p, any] = [
    await createGateway(ds, 'sandbox'),
    await createGateway(ds, 'sandbox'),
    await createGateway(ds, 'sandbox'),
  ];
  await addRoutes(pipelineId, [
    { gatewayId: card, position: 1, method: 'card' },
    { gatewayId: p2p, position: 2, method: 'p2p' },
    { gatewayId: any, position: 3 },
  ]);
  expect(await ids(route(pipelineId, { method: 'card' }))).toEqual([card, any]);
  expect(await ids(route(pipelineId, { method: 'p2p' }))).toEqual([p2p, any]);
  expect(await ids(route(pipelineId, { method: 'token' }))).toEqual([any]);
});

test('sandbox keys reach only sandbox gateways, live keys only live ones', async () => {
  const { pipelineId } = await depositPipeline();
  const [live, sandbox] = [await createGateway(ds, 'live'), await createGateway(ds, 'sandbox')];
  await addRoutes(pipelineId, [
    { gatewayId: live, position: 1 },
    { gatewayId: sandbox, position: 2 },
  ]);
  expect(await ids(route(pipelineId, { mode: 'sandbox' }))).toEqual([sandbox]);
  expect(await ids(route(pipelineId, { mode: 'live' }))).toEqual([live]);
});

test('nothing matching, another pipeline, or another direction: an empty list', async () => {
  const { merchantId, pipelineId } = await depositPipeline();
  const other = await createPipeline(ds, merchantId, 'deposit');
  const gw = await createGateway(ds, 'sandbox');
  await addRoutes(pipelineId, [{ gatewayId: gw, position: 1, currency: 'USD' }]);
  expect(await ids(route(pipelineId, { currency: 'EUR' }))).toEqual([]);
  expect(await ids(route(other))).toEqual([]);
  // A payout must not be routed through a deposit pipeline's gateways.
  expect(await ids(route(pipelineId, { direction: 'payout' }))).toEqual([]);
  expect(await ids(route(pipelineId))).toEqual([gw]);
});

test('a gateway listed twice is tried once, at its first matching position', async () => {
  const { pipelineId } = await depositPipeline();
  const [a, b] = [await createGateway(ds, 'sandbox'), await createGateway(ds, 'sandbox')];
  await addRoutes(pipelineId, [
    { gatewayId: a, position: 1, currency: 'EUR' },
    { gatewayId: b, position: 2 },
    { gatewayId: a, position: 3 },
    { gatewayId: b, position: 4 },
  ]);
  expect(await ids(route(pipelineId, { currency: 'USD' }))).toEqual([b, a]);
  expect(await ids(route(pipelineId, { currency: 'EUR' }))).toEqual([a, b]);
});

test('positions are unique per pipeline', async () => {
  const { pipelineId } = await depositPipeline();
  const gw = await createGateway(ds, 'sandbox');
  await addRoutes(pipelineId, [{ gatewayId: gw, position: 1 }]);
  await expect(addRoutes(pipelineId, [{ gatewayId: gw, position: 1 }])).rejects.toThrow(/routes_pipeline_position/);
});
