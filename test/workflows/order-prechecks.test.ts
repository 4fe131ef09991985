import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { balanceOf, createOrderSetup } from '../../simulation/order-setup';
import { persistedHistory } from '../helpers/orders';
import { codesOf, runOrderToEnd, sandboxPaymentsAt, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const sandboxPaymentsOf = (gatewayIds: string[]) => sandboxPaymentsAt(ds, ...gatewayIds);

describe('orders stopped before any gateway is called', () => {
  test('a payout above the available balance fails with 1.2.4.31 and holds nothing', async () => {
    const setup = await createOrderSetup(ds, { direction: 'payout', balanceMinor: 50_00 });
    const { input, result } = await runOrderToEnd(env, ds, setup, { amountMinor: 80_00 });

    expect(codesOf(result)).toEqual(['1.1.1.00', '1.2.4.31']);
    expect(result.status).toBe('Failed');
    expect(result.failure).toMatchObject({ check: 'balance', availableMinor: 50_00, amountMinor: 80_00 });
    expect(await ds.query(`SELECT * FROM balance_holds WHERE order_id = $1`, [input.orderId])).toEqual([]);
    expect(await balanceOf(ds, setup.merchantId)).toBe(50_00);
    expect(await sandboxPaymentsOf(setup.gatewayIds)).toBe(0);
    expect(await persistedHistory(ds, input.orderId)).toEqual([
      [1, '1.1.1.00', 'Created'],
      [2, '1.2.4.31', 'Failed'],
    ]);
  });

  test('a black-listed card fails with 1.2.4.42 before routing and before any gateway is called', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const fingerprint = 'ab'.repeat(32);
    await ds.query(
      `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id, description)
       VALUES ('card', $1, '411111******1111', 'merchant', $2, 'fraud case #1')`,
      [fingerprint, setup.merchantId],
    );
    const { result } = await runOrderToEnd(env, ds, setup, {
      requisites: { cardFingerprint: fingerprint, cardMask: '411111******1111' },
    });

    expect(codesOf(result)).toEqual(['1.1.1.00', '1.2.4.42']);
    expect(result.status).toBe('Failed');
    expect(result.failure).toMatchObject({ check: 'blacklist', type: 'card', scope: 'merchant' });
    expect(result.route).toEqual([]);
    expect(await sandboxPaymentsOf(setup.gatewayIds)).toBe(0);
  });

  test('a limit breach fails with 1.2.4.32 and names the limit', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    await ds.query(
      `INSERT INTO limits (scope, merchant_id, direction, currency, max_amount_minor) VALUES ('merchant', $1, 'deposit', 'USD', 50000)`,
      [setup.merchantId],
    );
    const { result } = await runOrderToEnd(env, ds, setup, { amountMinor: 600_00 });

    expect(codesOf(result)).toEqual(['1.1.1.00', '1.2.4.32']);
    expect(result.failure).toMatchObject({ check: 'limit', limit: 'max' });
    expect(await sandboxPaymentsOf(setup.gatewayIds)).toBe(0);
  });

  test('an order no enabled gateway can take fails with 1.2.4.34', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit', gateways: [{ enabled: false }] });
    const { result } = await runOrderToEnd(env, ds, setup);

    expect(codesOf(result)).toEqual(['1.1.1.00', '1.2.4.34']);
    expect(result.failure).toMatchObject({ check: 'routing' });
    expect(await sandboxPaymentsOf(setup.gatewayIds)).toBe(0);
  });
});
