import { WorkflowClient } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createOrderSetup, type OrderSetup } from '../../simulation/order-setup';
import { deposit } from '../../workflows';
import type { OrderInput, OrderState } from '../../workflows/definitions';
import { createTestWorker } from '../helpers/time-skipping-worker';
import { codesOf, useTimeSkippingServer } from './order-harness';

/**
 * Routing rules with time windows in the order workflow, on the time-skipping server: the workflow's failed orders
 * are counted, a rule's action applies to the next order, and after the window (time skipped) it lifts.
 */

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

/**
 * Runs the orders of a test on one worker, through a plain client: the server's clock moves only when the test
 * sleeps. (The time-skipping client lets the server skip ahead while it waits for a result, and it skipped years
 * between two declined orders.) The gateways answer at once, so no order waits on a timer.
 */
async function withOrders(
  setup: OrderSetup,
  body: (run: (o: Partial<OrderInput>) => Promise<OrderState>) => Promise<void>,
) {
  const { worker, taskQueue } = await createTestWorker(env, ds);
  // A plain client: the time-skipping one lets the server skip ahead while it waits for a result.
  const client = new WorkflowClient({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const run = async (overrides: Partial<OrderInput>) => {
    const input = setup.order(overrides);
    const workflowId = orderWorkflowId('deposit', input.orderId);
    return client.execute(deposit, { taskQueue, workflowId, args: [input] });
  };
  await worker.runUntil(body(run));
}

async function addRule(setup: OrderSetup, rule: Record<string, string | number>): Promise<string> {
  const [row] = (await ds.query(
    `INSERT INTO routing_rules (scope, merchant_id, requisite, counts, threshold, window_seconds, action,
                                target_gateway_id)
     VALUES ('merchant', $1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      setup.merchantId,
      rule.requisite,
      rule.counts,
      rule.threshold,
      rule.windowSeconds,
      rule.action,
      rule.targetGatewayId ?? null,
    ],
  )) as Array<{ id: string }>;
  return row!.id;
}

test('more than 1 failed order by a card in an hour: the next order fails with 1.2.4.43; an hour later it is lifted', async () => {
  const setup = await createOrderSetup(ds, {
    direction: 'deposit',
    gateways: [{ settings: { scenario: 'create-declined' } }],
  });
  const ruleId = await addRule(setup, {
    requisite: 'card',
    counts: 'failed',
    threshold: 1,
    windowSeconds: 3600,
    action: 'block',
  });
  const card = { requisites: { cardFingerprint: 'f1'.repeat(32), cardMask: '411111******1111' } };
  await withOrders(setup, async (run) => {
    for (let i = 0; i < 2; i++) {
      const result = await run(card);
      expect(result.status).toBe('Failed');
      expect(codesOf(result)).not.toContain('1.2.4.43');
    }

    const blocked = await run(card);
    expect(codesOf(blocked).slice(0, 2)).toEqual(['1.1.1.00', '1.2.4.43']);
    expect(blocked.status).toBe('Failed');
    expect(blocked.failure).toMatchObject({ check: 'routingRule', ruleId, type: 'card', counts: 'failed', count: 2 });
    expect(blocked.route).toEqual([]);
    expect(blocked.attempts).toEqual([]);

    await env.sleep('1 hour');
    const lifted = await run(card);
    expect(codesOf(lifted)).not.toContain('1.2.4.43');
    expect(lifted.attempts.map((a) => a.gatewayId)).toEqual(setup.gatewayIds);
  });
});

test('more than 1 attempt from an IP in an hour: the next order goes to the other gateway alone; an hour later it is lifted', async () => {
  const paidAtCreate = { settings: { scenario: 'success-at-create' } };
  const setup = await createOrderSetup(ds, { direction: 'deposit', gateways: [paidAtCreate, paidAtCreate] });
  const [first, second] = setup.gatewayIds as [string, string];
  await addRule(setup, {
    requisite: 'ip',
    counts: 'attempts',
    threshold: 1,
    windowSeconds: 3600,
    action: 'to-gateway',
    targetGatewayId: second,
  });
  const ip = { requisites: { ip: '203.0.113.5' } };
  await withOrders(setup, async (run) => {
    const one = await run(ip);
    expect(one.route.map((c) => c.gatewayId)).toEqual([first, second]);
    expect(one.attempts.map((a) => a.gatewayId)).toEqual([first]);

    const two = await run(ip);
    expect(two.status).toBe('Success');
    expect(two.route.map((c) => c.gatewayId)).toEqual([second]);
    expect(two.attempts.map((a) => a.gatewayId)).toEqual([second]);

    await env.sleep('1 hour');
    const three = await run(ip);
    expect(three.route.map((c) => c.gatewayId)).toEqual([first, second]);
  });
});
