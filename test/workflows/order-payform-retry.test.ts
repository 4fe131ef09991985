import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { startCallbackSink } from '../../simulation/callback-sink';
import { createOrderSetup, postingsOf } from '../../simulation/order-setup';
import {
  getOrderStateQuery,
  payformSignal,
  payformSubmitUpdate,
  type OrderInput,
  type OrderState,
  type PayformSubmission,
} from '../../workflows/definitions';
import { codesOf, runOrderToEnd, sandboxPaymentsAt, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

/** The sandbox declines this card's creates (docs/sandbox.md); the other one pays. */
const DECLINED: PayformSubmission = { cardFingerprint: 'de'.repeat(32), cardMask: '400000******0002' };
const GOOD: PayformSubmission = { cardFingerprint: 'cd'.repeat(32), cardMask: '411111******1111' };

/** Waits (on the real clock, the workflow's stands still) until the order's state satisfies `ready`. */
async function stateWhen(handle: WorkflowHandle, ready: (s: OrderState) => boolean): Promise<OrderState> {
  for (let i = 0; i < 2_000; i++) {
    const state = await handle.query(getOrderStateQuery);
    if (ready(state)) return state;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the order never reached the expected state');
}

const awaitingTry = (n: number) => (s: OrderState) => s.cardTry?.number === n && s.cardTry.awaitingCard;

/** Pays with each card in turn, the next one once the form takes a card again after the decline. */
function payWith(cards: PayformSubmission[]) {
  return async (workflowId: string) => {
    const handle = env.client.workflow.getHandle(workflowId);
    for (const [i, card] of cards.entries()) {
      if (i > 0) await stateWhen(handle, awaitingTry(i + 1));
      await handle.executeUpdate(payformSubmitUpdate, { args: [card], updateId: `try-${i + 1}` });
    }
  };
}

/** A host-to-client deposit run to its end on a fresh setup, the payer doing `during` on the form. */
async function payformOrder(overrides: Partial<OrderInput>, during: (workflowId: string) => Promise<unknown>) {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const run = await runOrderToEnd(env, ds, setup, { amountMinor: 75_00, payform: true, ...overrides }, { during });
  return { ...run, setup };
}

/** Statuses the merchant saw, in order, without repeats. */
const statusesOf = (s: OrderState) =>
  s.history.map((h) => h.orderStatus).filter((status, i, all) => status !== all[i - 1]);

describe('after an issuer declines the card, the payer may try another one', () => {
  test('the second card pays: one payment, new idempotency keys, never Failed on the way', async () => {
    const { input, result, workflowId, setup } = await payformOrder({}, payWith([DECLINED, GOOD]));

    expect(codesOf(result)).toEqual([
      '1.1.1.00',
      '3.1.1.00',
      '3.1.1.55',
      '2.2.4.00',
      '3.1.1.00',
      '3.1.1.55',
      '2.1.2.00',
      '4.1.3.00',
      '1.1.3.84',
    ]);
    expect(statusesOf(result)).toEqual(['Created', 'Processing', 'Success']);
    expect(result.history[4]!.details).toEqual({ cardTry: 2, cardTries: 3, declined: '2.2.4.00' });
    expect(result.history[5]!.details).toEqual({ cardTry: 2 });
    expect(result.attempts.map((a) => a.idempotencyKey)).toEqual([`${workflowId}:1`, `${workflowId}:2:1`]);
    expect(result.cardTry).toEqual({ number: 2, of: 3, awaitingCard: false, declined: '2.2.4.00' });
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(1);
    expect(await postingsOf(ds, input.orderId)).toEqual([['deposit', 75_00]]);
    const [row] = (await ds.query(`SELECT status, card_mask FROM orders WHERE id = $1`, [input.orderId])) as Array<{
      status: string;
      card_mask: string;
    }>;
    expect(row).toEqual({ status: 'Success', card_mask: GOOD.cardMask });
  });

  test('tries used up: Failed after the last decline, the merchant told once', async () => {
    const sink = await startCallbackSink(() => 200);
    try {
      const { result } = await payformOrder({ callbackUrl: sink.url }, payWith([DECLINED, DECLINED, DECLINED]));
      expect(codesOf(result)).toEqual([
        '1.1.1.00',
        '3.1.1.00',
        '3.1.1.55',
        '2.2.4.00',
        '3.1.1.00',
        '3.1.1.55',
        '2.2.4.00',
        '3.1.1.00',
        '3.1.1.55',
        '2.2.4.00',
        '6.1.4.00',
      ]);
      expect(statusesOf(result)).toEqual(['Created', 'Processing', 'Failed']);
      expect(result.history.filter((h) => h.code === '2.2.4.00').map((h) => h.orderStatus)).toEqual([
        'Processing',
        'Processing',
        'Failed',
      ]);
      expect(sink.received).toHaveLength(1);
      expect(JSON.parse(sink.received[0]!.body)).toMatchObject({ orderStatus: 'Failed' });
    } finally {
      await sink.stop();
    }
  });

  test('the tries come from the input: one try means no retry', async () => {
    const { result } = await payformOrder({ payformCardTries: 1 }, payWith([DECLINED]));
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '2.2.4.00']);
    expect(result.status).toBe('Failed');
  });

  test('a decline that is not the card’s (antifraud) fails the order at once', async () => {
    // Amount ending 41: the sandbox's antifraud decline at create.
    const { result } = await payformOrder({ amountMinor: 75_41 }, payWith([GOOD]));
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '2.2.4.41']);
    expect(result.status).toBe('Failed');
    expect(result.cardTry).toBeUndefined();
  });

  test('a decline found by a status check lets the payer try another card too', async () => {
    // Amount ending 02: accepted, then the first status check says the issuer declined (no funds).
    const { result } = await payformOrder({ amountMinor: 75_02 }, async (workflowId) => {
      const handle = env.client.workflow.getHandle(workflowId);
      await handle.executeUpdate(payformSubmitUpdate, { args: [GOOD] });
      await stateWhen(handle, awaitingTry(2));
      await handle.signal(payformSignal, { type: 'cancelled' });
    });
    expect(codesOf(result)).toEqual([
      '1.1.1.00',
      '3.1.1.00',
      '3.1.1.55',
      '2.1.2.00',
      '4.1.4.63',
      '3.1.1.00',
      '3.0.4.54',
    ]);
    expect(result.history.find((h) => h.code === '4.1.4.63')!.orderStatus).toBe('Processing');
    expect(statusesOf(result)).toEqual(['Created', 'Processing', 'Failed']);
  });

  test('after the form’s lifetime no other card is taken: the order fails and a late card is refused', async () => {
    let late: unknown;
    const { result, setup } = await payformOrder({ payformLifetimeMs: 5 * 60_000 }, async (workflowId) => {
      const handle = env.client.workflow.getHandle(workflowId);
      await handle.executeUpdate(payformSubmitUpdate, { args: [DECLINED] });
      await stateWhen(handle, awaitingTry(2));
      await env.sleep(6 * 60_000);
      late = await handle.executeUpdate(payformSubmitUpdate, { args: [GOOD] }).catch((err: unknown) => err);
    });
    expect(late).toBeInstanceOf(Error);
    expect(codesOf(result)).toEqual(['1.1.1.00', '3.1.1.00', '3.1.1.55', '2.2.4.00', '3.1.1.00', '1.2.4.73']);
    expect(result.history.at(-1)!.details).toEqual({ stage: 'payform' });
    expect(result.status).toBe('Failed');
    expect(await sandboxPaymentsAt(ds, ...setup.gatewayIds)).toBe(0);
  });
});
