import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { createOrderSetup } from '../../simulation/order-setup';
import { runOrderToEnd, useTimeSkippingServer } from './order-harness';

/**
 * Real workflows and activities count their orders into the report figures (docs/reports.md): the entry that made
 * the order final counts it, the ledger's entry after its postings corrects the count with the money, and the
 * hourly sums hold each order once.
 */

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const factOf = async (orderId: string) =>
  (
    await ds.query(
      `SELECT status, reason, turnover_minor::int AS turnover, commission_minor::int AS commission,
              net_minor::int AS net, gateway_position AS position
         FROM report_order_facts WHERE order_id = $1`,
      [orderId],
    )
  )[0];

/** The fact of an order the sandbox declined at its first status check (amount ending in 02). */
const DECLINED_63 = { status: 'Failed', reason: '63', turnover: 0, commission: 0, net: 0, position: 1 };

test('a paid payout and a declined one are counted once each, with the money the ledger moved', async () => {
  const setup = await createOrderSetup(ds, { direction: 'payout', balanceMinor: 1000_00 });
  await ds.query(
    `INSERT INTO commissions (merchant_id, direction, percent, fixed_minor) VALUES ($1, 'payout', 1.5, 25)`,
    [setup.merchantId],
  );
  const paid = await runOrderToEnd(env, ds, setup, { amountMinor: 200_00 });
  const declined = await runOrderToEnd(env, ds, setup, { amountMinor: 200_02 });

  expect(await factOf(paid.input.orderId)).toEqual({
    status: 'Success',
    reason: '',
    turnover: 200_00,
    commission: 325,
    net: -(200_00 + 325),
    position: 1,
  });
  expect(await factOf(declined.input.orderId)).toEqual(DECLINED_63);
  const [sums] = await ds.query(
    `SELECT sum(orders)::int AS orders, sum(net_minor)::int AS net FROM report_hourly WHERE merchant_id = $1`,
    [setup.merchantId],
  );
  const [ledger] = await ds.query(
    `SELECT sum(amount_minor)::int AS net FROM ledger_postings WHERE merchant_id = $1 AND order_id IS NOT NULL`,
    [setup.merchantId],
  );
  expect(sums).toEqual({ orders: 2, net: ledger.net });
});

test('a declined deposit, whose money never moves, is counted once when the order settles', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const declined = await runOrderToEnd(env, ds, setup, { amountMinor: 100_02 });
  expect(declined.result.status).toBe('Failed');
  expect(await factOf(declined.input.orderId)).toEqual(DECLINED_63);
  const [sums] = await ds.query(`SELECT sum(orders)::int AS orders FROM report_hourly WHERE merchant_id = $1`, [
    setup.merchantId,
  ]);
  expect(sums).toEqual({ orders: 1 });
});
