import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { gatewayActivities } from '../../activities/gateway';
import { operationsActivities } from '../../activities/operations';
import { CODES } from '../../domain/history-codes';
import type { FundsRequest } from '../../domain/operations-contract';
import type { Direction, KeyMode } from '../../domain/order';
import { createGatewayRegistry } from '../../gateways';
import { SANDBOX_ONLY_CONNECTORS } from '../../gateways/connector-modes';
import { createKeys } from '../helpers/merchant-api-fixtures';
import { expectStatus, useAdminApi } from '../helpers/admin-client';
import {
  createGateway,
  createMerchant,
  createPipeline,
  fundMerchant,
  insertOrder,
} from '../helpers/operations-fixtures';

/** Issue 20: sandbox money (free to make) never pays live payouts, and a sandbox connector never serves live. */
const ctx = useAdminApi();
let ops: ReturnType<typeof operationsActivities>;
let ds: DataSource;
beforeAll(() => {
  ds = ctx.ds;
  ops = operationsActivities(ds);
});

async function order(
  merchantId: string,
  direction: Direction,
  amountMinor: number,
  mode: KeyMode | undefined,
  rowMode: KeyMode | undefined = mode,
): Promise<FundsRequest> {
  const orderId = await insertOrder(ds, { merchantId, direction, amountMinor, mode: rowMode });
  return { orderId, merchantId, currency: 'USD', amountMinor, ...(mode ? { mode } : {}) };
}

describe('the ledger keeps sandbox and live money apart', () => {
  test('a live payout cannot be held against sandbox money, nor a sandbox one against live money', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 100_00, 'sandbox');

    const live = await ops.holdFunds(await order(merchantId, 'payout', 50_00, 'live'));
    expect(live).toEqual({ ok: false, code: CODES.PRECHECK_BALANCE, availableMinor: 0 });
    await expect(ops.holdFunds(await order(merchantId, 'payout', 50_00, 'sandbox'))).resolves.toEqual({
      ok: true,
      availableMinor: 50_00,
    });

    await fundMerchant(ds, merchantId, 'USD', 20_00, 'live');
    await expect(ops.holdFunds(await order(merchantId, 'payout', 20_00, 'live'))).resolves.toEqual({
      ok: true,
      availableMinor: 0,
    });
    // The sandbox balance did not move with the live hold.
    const sandboxProbe = await ops.holdFunds(await order(merchantId, 'payout', 10 ** 12, 'sandbox'));
    expect(sandboxProbe).toMatchObject({ ok: false, availableMinor: 50_00 });
  });

  test('a deposit is credited to its own mode; without a mode in the request, the order row decides', async () => {
    const merchantId = await createMerchant(ds);
    await ops.creditDeposit(await order(merchantId, 'deposit', 30_00, 'sandbox'));
    // A request recorded before FundsRequest had a mode: the order row says live.
    await ops.creditDeposit(await order(merchantId, 'deposit', 7_00, undefined, 'live'));
    const rows: Array<{ mode: string; total: string }> = await ds.query(
      `SELECT mode, sum(amount_minor)::text AS total FROM ledger_postings WHERE merchant_id = $1
        GROUP BY mode ORDER BY mode`,
      [merchantId],
    );
    expect(rows).toEqual([
      { mode: 'live', total: '700' },
      { mode: 'sandbox', total: '3000' },
    ]);
    // A payout settles against the balance it was held from.
    const payout = await order(merchantId, 'payout', 5_00, undefined, 'live');
    expect(await ops.holdFunds(payout)).toEqual({ ok: true, availableMinor: 2_00 });
    await ops.settleHeldFunds(payout);
    const [settled]: Array<{ mode: string }> = await ds.query(`SELECT mode FROM ledger_postings WHERE order_id = $1`, [
      payout.orderId,
    ]);
    expect(settled!.mode).toBe('live');
  });

  test('a balance above 2^53 minor units still decides holds (no endless retry)', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 2n ** 60n);
    const hold = await ops.holdFunds(await order(merchantId, 'payout', 100, 'sandbox'));
    expect(hold).toEqual({ ok: true, availableMinor: Number.MAX_SAFE_INTEGER });
  });
});

describe('the balance endpoint', () => {
  test("shows the key's mode only, available and held", async () => {
    const merchantId = await createMerchant(ds);
    await createPipeline(ds, merchantId, 'payout');
    const keys = await createKeys(ds, merchantId);
    await fundMerchant(ds, merchantId, 'USD', 5000_00, 'sandbox');
    await fundMerchant(ds, merchantId, 'USD', 40_00, 'live');
    await ops.holdFunds(await order(merchantId, 'payout', 3000_00, 'sandbox'));

    const read = async (key: string) =>
      (
        await fetch(`${ctx.api.baseUrl}/api/v1/integration/balance`, { headers: { authorization: `Bearer ${key}` } })
      ).json();
    expect(await read(keys.sandbox.deposit)).toEqual({
      mode: 'sandbox',
      balances: [{ currency: 'USD', amount: 2000, available: 2000, held: 3000 }],
    });
    expect(await read(keys.live.payout)).toEqual({
      mode: 'live',
      balances: [{ currency: 'USD', amount: 40, available: 40, held: 0 }],
    });
  });
});

describe('sandbox connectors never serve live orders', () => {
  test('the admin API refuses a live gateway on a sandbox-only connector', async () => {
    for (const connector of ['sandbox']) {
      const res = await ctx.admin.post('/api/v1/admin/gateways', {
        code: `live-${connector}-${Date.now()}`,
        name: 'not live',
        connector,
        mode: 'live',
      });
      expect(res.status).toBe(400);
      expect(res.json.error.details[0].field).toBe('connector');
    }
  });

  test('routing never picks a live gateway row that names a sandbox-only connector', async () => {
    const merchantId = await createMerchant(ds);
    const pipelineId = await createPipeline(ds, merchantId, 'deposit');
    const bad = await createGateway(ds, 'live', 'live sandbox', 'sandbox');
    const good = await createGateway(ds, 'live');
    await ds.query(`INSERT INTO routes (pipeline_id, gateway_id, position) VALUES ($1, $2, 1), ($1, $3, 2)`, [
      pipelineId,
      bad,
      good,
    ]);
    const route = await ops.resolveRoute({
      pipelineId,
      direction: 'deposit',
      amountMinor: 100,
      currency: 'USD',
      method: 'card',
      mode: 'live',
    });
    expect(route.map((r) => r.gatewayId)).toEqual([good]);
  });

  test('the gateway activity refuses to pay through a live gateway row on a sandbox-only connector', async () => {
    const bad = await createGateway(ds, 'live', 'live sandbox', 'sandbox');
    const activities = gatewayActivities(ds, createGatewayRegistry(ds));
    const request = {
      idempotencyKey: `k-${Date.now()}`,
      orderId: '00000000-0000-4000-8000-000000000000',
      direction: 'deposit' as const,
      amountMinor: 1009,
      currency: 'USD',
      requisites: {},
    };
    await expect(
      // The SDK logs every failed activity at WARN; this failure is the point of the test.
      new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(
        activities.createGatewayPayment,
        bad,
        request,
      ),
    ).rejects.toMatchObject({
      type: 'GatewayMisconfigured',
    });
  });

  test('SANDBOX_ONLY_CONNECTORS lists exactly the registered connectors not allowed for live', () => {
    const registry = createGatewayRegistry(ds);
    const sandboxOnly = registry.names().filter((n) => !registry.get(n).liveAllowed);
    expect(SANDBOX_ONLY_CONNECTORS).toEqual(expect.arrayContaining(sandboxOnly));
    for (const name of registry.names()) {
      expect(SANDBOX_ONLY_CONNECTORS.includes(name)).toBe(!registry.get(name).liveAllowed);
    }
  });
});

test('a live gateway on a connector allowed for live is accepted', async () => {
  const gw = await expectStatus(
    ctx.admin.post('/api/v1/admin/gateways', {
      code: `live-http-${Date.now()}`,
      name: 'PSP',
      connector: 'http-sim',
      mode: 'live',
      settings: { baseUrl: 'http://127.0.0.1:9/psp', apiKey: 'test-psp-key' },
    }),
    201,
  );
  expect(gw.mode).toBe('live');
});
