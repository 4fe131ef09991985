import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { createOrderSetup, postingsOf } from '../../simulation/order-setup';
import { getOrderStateQuery, payformSignal, type PayformEvent } from '../../workflows/definitions';
import { codesOf, runOrderToEnd, sandboxPaymentsAt, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const CARD = { cardFingerprint: 'cd'.repeat(32), cardMask: '411111******1111' };

/** A host-to-client deposit whose payer does `events` on the hosted payment form. */
async function hostToClient(events: PayformEvent[], amountMinor = 75_00) {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const run = await runOrderToEnd(
    env,
    ds,
    setup,
    { amountMinor, payform: true },
    {
      during: async (workflowId) => {
        const handle = env.client.workflow.getHandle(workflowId);
        for (const event of events) await handle.signal(payformSignal, event);
      },
    },
  );
  return { ...run, setup };
}

describe('host-to-client deposits wait for the hosted payment form', () => {
  test('a submitted form brings the card to pre-checks and the gateway, then the order runs as usual', async () => {
    const { input, result } = await hostToClient([{ type: 'visited' }, { type: 'submitted', ...CARD }]);

    expect(codesOf(result)).toEqual([
      '1.1.1.00',
      '3.1.1.00',
      '3.0.1.51',
      '3.1.1.55',
      '2.1.2.00',
      '4.1.3.00',
      '1.1.3.84',
    ]);
    expect(result.status).toBe('Success');
    expect(await postingsOf(ds, input.orderId)).toEqual([['deposit', 75_00]]);
  });

  test('the card from the form is checked against the black list', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    await ds.query(
      `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id) VALUES ('card', $1, $2, 'merchant', $3)`,
      [CARD.cardFingerprint, CARD.cardMask, setup.merchantId],
    );
    const { result } = await runOrderToEnd(
      env,
      ds,
      setup,
      { payform: true },
      {
        during: (id) => env.client.workflow.getHandle(id).signal(payformSignal, { type: 'submitted', ...CARD }),
      },
    );
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '1.2.4.42']);
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });

  test('card details the form refused are recorded (3.2.1.59) and the order keeps waiting for a card', async () => {
    const { result } = await hostToClient([
      { type: 'refused', fields: ['cardNumber'] },
      { type: 'refused', fields: ['cardExpiry', 'cardCvc'] },
      { type: 'submitted', ...CARD },
    ]);
    expect(codesOf(result)).toEqual([
      '1.1.1.00',
      '3.1.1.00',
      '3.2.1.59',
      '3.2.1.59',
      '3.1.1.55',
      '2.1.2.00',
      '4.1.3.00',
      '1.1.3.84',
    ]);
    expect(result.history.filter((h) => h.code === '3.2.1.59').map((h) => h.details)).toEqual([
      { fields: 'cardNumber' },
      { fields: 'cardExpiry,cardCvc' },
    ]);
    expect(result.status).toBe('Success');
  });

  test('a card that asks for a challenge is charged once the payer passed it', async () => {
    const { result } = await hostToClient([
      { type: 'submitted', ...CARD, challenge: true },
      { type: 'challenge', outcome: 'passed' },
    ]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '2.1.2.00', '4.1.3.00', '1.1.3.84']);
    expect(result).toMatchObject({ status: 'Success', challenge: 'passed' });
  });

  test.each([
    ['failed', ['3.2.4.56']],
    ['left', ['3.0.1.58', '3.2.4.56']],
  ] as const)('a challenge %s fails the order before any gateway is called', async (outcome, codes) => {
    const { result, setup } = await hostToClient([
      { type: 'submitted', ...CARD, challenge: true },
      { type: 'challenge', outcome },
    ]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', ...codes]);
    expect(result).toMatchObject({ status: 'Failed', challenge: 'failed' });
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });

  test('a one-time code (OTP) challenge failed is 3.2.4.57, not the 3-D Secure code', async () => {
    const { result, setup } = await hostToClient([
      { type: 'submitted', ...CARD, challenge: true, challengeKind: 'otp' },
      { type: 'challenge', outcome: 'failed' },
    ]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '3.2.4.57']);
    expect(result).toMatchObject({ status: 'Failed', challenge: 'failed' });
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });

  test('the payer typing (3.0.1.53) and leaving the page (3.0.1.52) are recorded once each, the order still waits', async () => {
    const { result } = await hostToClient([
      { type: 'visited' },
      { type: 'entered' },
      { type: 'entered' },
      { type: 'left' },
      { type: 'left' },
      { type: 'submitted', ...CARD },
    ]);
    expect(codesOf(result)).toEqual([
      '1.1.1.00',
      '3.1.1.00',
      '3.0.1.51',
      '3.0.1.53',
      '3.0.1.52',
      '3.1.1.55',
      '2.1.2.00',
      '4.1.3.00',
      '1.1.3.84',
    ]);
    expect(result.history.slice(3, 5).map((h) => h.orderStatus)).toEqual(['Created', 'Created']);
  });

  test('a challenge nobody answers fails the order after 10 minutes, the payer recorded as gone', async () => {
    const { result } = await hostToClient([{ type: 'submitted', ...CARD, challenge: true }]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '3.0.1.58', '3.2.4.56']);
    expect(result.history.at(-1)?.details).toEqual({ outcome: 'timeout' });
  });

  test('a cancelled form fails the order before any gateway is called', async () => {
    const { result, setup } = await hostToClient([{ type: 'cancelled' }]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.0.4.54']);
    expect(result.status).toBe('Failed');
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });

  test('a form nobody fills in fails the order after 30 minutes', async () => {
    const { result } = await hostToClient([]);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '1.2.4.73']);
    const waited = Date.parse(result.history.at(-1)!.at) - Date.parse(result.history[0]!.at);
    expect(waited).toBeGreaterThanOrEqual(30 * 60_000);
  });

  test("a form's lifetime from the order's input ends it then, before any gateway", async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    const { result } = await runOrderToEnd(env, ds, setup, {
      amountMinor: 75_00,
      payform: true,
      payformLifetimeMs: 5 * 60_000,
    });
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '1.2.4.73']);
    const waited = Date.parse(result.history.at(-1)!.at) - Date.parse(result.history[0]!.at);
    expect(waited).toBeGreaterThanOrEqual(5 * 60_000);
    expect(waited).toBeLessThan(30 * 60_000);
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });

  test('the state query shows the order waiting on the form', async () => {
    const setup = await createOrderSetup(ds, { direction: 'deposit' });
    let waiting: string[] = [];
    await runOrderToEnd(
      env,
      ds,
      setup,
      { payform: true },
      {
        during: async (id) => {
          const handle = env.client.workflow.getHandle(id);
          for (let i = 0; i < 100 && waiting.length < 2; i++) {
            waiting = codesOf(await handle.query(getOrderStateQuery));
            await new Promise((r) => setTimeout(r, 20));
          }
          await handle.signal(payformSignal, { type: 'cancelled' });
        },
      },
    );
    expect(waiting).toEqual(['1.1.1.00', '3.1.1.00']);
  });
});
