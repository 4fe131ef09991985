import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { CASCADE_POLICY } from '../../domain/cascade-policy';
import { createOrderSetup, postingsOf } from '../../simulation/order-setup';
import { persistedHistory } from '../helpers/orders';
import {
  codesOf,
  resolveInReconciliation,
  runOrderToEnd,
  sandboxPaymentsAt,
  useTimeSkippingServer,
} from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const CREATED = '1.1.1.00';
const CREDITED = '1.1.3.84';
const PAID_AFTER_PENDING = ['2.1.2.00', '4.1.3.00'];
const paymentsAt = (gatewayId: string) => sandboxPaymentsAt(ds, gatewayId);

/**
 * Every scenario of the sandbox (docs/sandbox.md) on a one-gateway route, selected by the amount's last two
 * digits: the exact codes, the final status, and the ledger. Callback scenarios without a callback are resolved
 * by polling here; the callback tests below deliver them.
 */
const SINGLE_GATEWAY: Array<[selector: string, codes: string[], status: 'Success' | 'Failed']> = [
  ['00', [CREATED, ...PAID_AFTER_PENDING, CREDITED], 'Success'],
  ['01', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.3.00', CREDITED], 'Success'],
  ['02', [CREATED, '2.1.2.00', '4.1.4.63'], 'Failed'],
  ['03', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.4.00'], 'Failed'],
  ['04', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.4.41'], 'Failed'],
  ['05', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.4.61'], 'Failed'],
  ['06', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.4.62'], 'Failed'],
  ['07', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.3.00', CREDITED], 'Success'],
  ['09', [CREATED, '2.1.3.00', CREDITED], 'Success'],
  ['10', [CREATED, '2.2.4.00'], 'Failed'],
  ['11', [CREATED, '2.0.2.11', '4.1.3.00', CREDITED], 'Success'],
  ['12', [CREATED, '2.2.4.12', '1.0.1.72', '2.2.4.12', '1.0.1.72', ...PAID_AFTER_PENDING, CREDITED], 'Success'],
  // A 5xx may come after the gateway stored the payment: a status check ("no such payment") comes before any re-send.
  [
    '13',
    [CREATED, '2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00', '1.0.1.72', ...PAID_AFTER_PENDING, CREDITED],
    'Success',
  ],
  ['14', [CREATED, '2.0.2.14', '4.1.3.00', CREDITED], 'Success'],
  ['15', [CREATED, '2.2.4.15'], 'Failed'],
  ['16', [CREATED, '2.0.2.11', '4.1.1.00', '2.2.4.11', '1.0.1.72', ...PAID_AFTER_PENDING, CREDITED], 'Success'],
  ['17', [CREATED, '2.2.4.12', '1.0.1.72', '2.2.4.12', '1.0.1.72', '2.2.4.12'], 'Failed'],
  [
    '18',
    [CREATED, '2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00'],
    'Failed',
  ],
  ['19', [CREATED, '2.0.2.11', '4.0.2.00', '4.1.3.00', CREDITED], 'Success'],
  ['21', [CREATED, '2.2.4.21'], 'Failed'],
  ['22', [CREATED, '2.2.4.22'], 'Failed'],
  ['31', [CREATED, '2.2.4.31'], 'Failed'],
  ['32', [CREATED, '2.2.4.32'], 'Failed'],
  ['33', [CREATED, '2.2.4.33'], 'Failed'],
  ['41', [CREATED, '2.2.4.41'], 'Failed'],
  ['61', [CREATED, '2.2.4.61'], 'Failed'],
  ['62', [CREATED, '2.2.4.62'], 'Failed'],
  ['63', [CREATED, '2.2.4.63'], 'Failed'],
  ['51', [CREATED, '2.1.2.00', '4.2.2.13', '4.1.3.00', CREDITED], 'Success'],
  ['52', [CREATED, '2.1.2.00', '4.2.2.21', '4.1.3.00', CREDITED], 'Success'],
  ['53', [CREATED, '2.1.2.00', '4.2.2.22', '4.1.3.00', CREDITED], 'Success'],
  ['54', [CREATED, '2.1.2.00', '4.2.2.11', '4.1.3.00', CREDITED], 'Success'],
  ['55', [CREATED, '2.1.2.00', '4.2.2.12', '4.1.3.00', CREDITED], 'Success'],
  ['56', [CREATED, '2.1.2.00', '4.2.2.14', '4.1.3.00', CREDITED], 'Success'],
  ['70', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.3.00', CREDITED], 'Success'],
  ['74', [CREATED, '2.1.2.00', '4.0.2.00', '4.1.4.00'], 'Failed'],
];

describe('a deposit on one sandbox gateway', () => {
  test.each(SINGLE_GATEWAY)('scenario %s gives %j, %s', async (selector, codes, status) => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const amountMinor = 1000_00 + Number(selector);
    const { input, result, queried } = await runOrderToEnd(env, ds, setup, { amountMinor });

    expect(codesOf(result)).toEqual(codes);
    expect(result.status).toBe(status);
    expect(queried).toEqual(result);
    expect(await postingsOf(ds, input.orderId)).toEqual(status === 'Success' ? [['deposit', amountMinor]] : []);
    expect((await persistedHistory(ds, input.orderId)).map(([, code]) => code)).toEqual(codes);
    // However many retries, checks and faults: at most one payment exists at the gateway.
    expect(await paymentsAt(setup.gatewayIds[0]!)).toBeLessThanOrEqual(1);
  });

  test('a payment pending for 90 minutes is waited for on durable timers, in seconds of wall time', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const { result } = await runOrderToEnd(env, ds, setup, { amountMinor: 100_01 });
    const elapsed = Date.parse(result.history.at(-1)!.at) - Date.parse(result.history[0]!.at);
    expect(elapsed).toBeGreaterThan(90 * 60_000);
    expect(result.statusChecks).toBeGreaterThanOrEqual(8);
  });

  test('a payment still pending at the 24-hour deadline is reconciled, not failed, until an operator settles it', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const { input, result } = await runOrderToEnd(
      env,
      ds,
      setup,
      { amountMinor: 100_08, reconciliationPeriodMs: 2 * 3600_000 },
      { during: async (workflowId) => void (await resolveInReconciliation(env, workflowId, 'success')) },
    );
    expect(codesOf(result)).toEqual([CREATED, '2.1.2.00', '4.0.2.00', '1.0.2.75', '1.1.3.77', CREDITED]);
    const [reconciliation] = result.history.filter((h) => h.code === '1.0.2.75');
    expect(Date.parse(reconciliation!.at) - Date.parse(result.history[0]!.at)).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(reconciliation!.orderStatus).toBe('Processing');
    expect(result.status).toBe('Success');
    expect(result.attempts[0]!.repeatedChecks).toBeGreaterThan(40); // polled all day, recorded once
    expect(await postingsOf(ds, input.orderId)).toEqual([['deposit', 100_08]]);
  });
});

/**
 * The decision table, row by row: the first gateway of a two-gateway route is forced into a scenario with that
 * reason; the second pays. `next` cascades (1.0.1.71) to the second gateway, `stop` fails without asking it,
 * `retry` tries the first again, `check` resolves the ambiguity by a status check before anything else.
 */
const DECISION_ROWS: Array<
  [reason: string, firstGatewayScenario: string, codes: string[], secondGatewayUsed: boolean]
> = [
  ['NONE', 'create-declined', [CREATED, '2.2.4.00', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED], true],
  [
    'TECH.INVALID_REQUEST',
    'create-declined-invalid-request',
    [CREATED, '2.2.4.15', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED],
    true,
  ],
  [
    'AUTHZ.401_UNAUTHORIZED',
    'create-unauthorized',
    [CREATED, '2.2.4.21', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED],
    true,
  ],
  ['AUTHZ.403_FORBIDDEN', 'create-forbidden', [CREATED, '2.2.4.22', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED], true],
  [
    'BUSINESS.BALANCE',
    'create-declined-balance',
    [CREATED, '2.2.4.31', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED],
    true,
  ],
  ['BUSINESS.LIMIT', 'create-declined-limit', [CREATED, '2.2.4.32', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED], true],
  [
    'BUSINESS.CURRENCY',
    'create-declined-currency',
    [CREATED, '2.2.4.33', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED],
    true,
  ],
  [
    'ISSUER.CARD_NOT_SUPPORTED',
    'create-declined-card-not-supported',
    [CREATED, '2.2.4.62', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED],
    true,
  ],
  ['RISK.ANTIFRAUD_HARD', 'create-declined-antifraud', [CREATED, '2.2.4.41'], false],
  ['ISSUER.CARD_BLOCKED', 'create-declined-card-blocked', [CREATED, '2.2.4.61'], false],
  ['ISSUER.INSUFFICIENT_FUNDS', 'create-declined-insufficient-funds', [CREATED, '2.2.4.63'], false],
  [
    'TECH.CONNECTION_FAIL',
    'connection-fail-transient',
    [CREATED, '2.2.4.12', '1.0.1.72', '2.2.4.12', '1.0.1.72', ...PAID_AFTER_PENDING, CREDITED],
    false,
  ],
  [
    'TECH.SERVER_UNAVAILABLE',
    'server-unavailable-always',
    [
      CREATED,
      ...['2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00', '1.0.1.72', '2.2.4.13', '4.1.1.00'],
      '1.0.1.71',
      ...PAID_AFTER_PENDING,
      CREDITED,
    ],
    true,
  ],
  ['TECH.TIMEOUT', 'timeout-after-create', [CREATED, '2.0.2.11', '4.1.3.00', CREDITED], false],
  ['TECH.INVALID_RESPONSE', 'invalid-response', [CREATED, '2.0.2.14', '4.1.3.00', CREDITED], false],
];

describe('cascading by the decision table', () => {
  test('every row of the table is exercised here', () => {
    expect(new Set(DECISION_ROWS.map(([reason]) => reason))).toEqual(new Set(Object.keys(CASCADE_POLICY)));
  });

  test.each(DECISION_ROWS)('%s (%s on the first gateway)', async (_reason, scenario, codes, secondGatewayUsed) => {
    const setup = await createOrderSetup(ds, {
      direction: 'deposit',
      gateways: [{ settings: { scenario } }, {}],
    });
    const { input, result } = await runOrderToEnd(env, ds, setup, { amountMinor: 500_00 });

    expect(codesOf(result)).toEqual(codes);
    const paid = codes.at(-1) === CREDITED;
    expect(result.status).toBe(paid ? 'Success' : 'Failed');
    expect(await postingsOf(ds, input.orderId)).toEqual(paid ? [['deposit', 500_00]] : []);
    expect(await paymentsAt(setup.gatewayIds[1]!)).toBe(secondGatewayUsed ? 1 : 0);
    expect(result.attempts.map((a) => a.gatewayId)).toEqual(
      secondGatewayUsed ? setup.gatewayIds : [setup.gatewayIds[0]],
    );
  });

  test('a misconfigured gateway never gets the request: the order cascades to the next one', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit', gateways: [{}, {}] });
    await ds.query(`UPDATE gateways SET connector = 'http-sim', settings = '{}' WHERE id = $1`, [setup.gatewayIds[0]]);
    const { result } = await runOrderToEnd(env, ds, setup, { amountMinor: 500_00 });
    expect(codesOf(result)).toEqual([CREATED, '2.2.4.15', '1.0.1.71', ...PAID_AFTER_PENDING, CREDITED]);
  });

  test('a decline at a status check cascades by the same table', async () => {
    const setup = await createOrderSetup(ds, {
      direction: 'deposit',
      gateways: [{ settings: { scenario: 'pending-then-card-not-supported' } }, {}],
    });
    const { result } = await runOrderToEnd(env, ds, setup, { amountMinor: 500_00 });
    expect(codesOf(result)).toEqual([
      CREATED,
      '2.1.2.00',
      '4.0.2.00',
      '4.1.4.62',
      '1.0.1.71',
      ...PAID_AFTER_PENDING,
      CREDITED,
    ]);
  });

  test('an order keeps the route it started with, and is searchable by merchant, status and gateway', async () => {
    const setup = await createOrderSetup(ds, {
      direction: 'deposit',
      gateways: [{ settings: { scenario: 'create-declined' } }, {}],
    });
    const { input, result, workflowId } = await runOrderToEnd(env, ds, setup, { amountMinor: 500_00 });
    expect(result.route.map((r) => r.gatewayId)).toEqual(setup.gatewayIds);

    const { searchAttributes } = await env.client.workflow.getHandle(workflowId).describe();
    expect(searchAttributes).toMatchObject({
      MerchantId: [setup.merchantId],
      Direction: ['deposit'],
      ExternalTransactionId: [input.externalTransactionId],
      OrderStatus: ['Success'],
      GatewayId: [setup.gatewayIds[1]],
    });
  });
});
