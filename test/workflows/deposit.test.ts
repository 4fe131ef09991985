import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { orderWorkflowId } from '../../domain/order';
import { LedgerPostingEntity } from '../../entities/ledger-posting.entity';
import { OrderHistoryEntity } from '../../entities/order-history.entity';
import { OrderEntity } from '../../entities/order.entity';
import { SandboxPaymentEntity } from '../../entities/sandbox-payment.entity';
import { cleanUp } from '../../infra/process/cleanup';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { deposit } from '../../workflows';
import { getOrderStateQuery, type OrderInput } from '../../workflows/definitions';
import { createMerchantWithSandboxGateway, testDataSource } from '../helpers/database';
import { createTestWorker } from '../helpers/time-skipping-worker';

let env: TestWorkflowEnvironment;
let ds: DataSource;

beforeAll(async () => {
  [env, ds] = await Promise.all([createTimeSkippingEnv(), testDataSource()]);
});
afterAll(() => cleanUp([async () => env?.teardown(), async () => ds?.destroy()]));

async function runDeposit(amountMinor: number) {
  const { merchant, gateway } = await createMerchantWithSandboxGateway(ds);
  const input: OrderInput = {
    orderId: randomUUID(),
    merchantId: merchant.id,
    externalTransactionId: `merch-${randomUUID()}`,
    amountMinor,
    currency: 'USD',
    gatewayId: gateway.id,
  };
  const { worker, taskQueue } = await createTestWorker(env, ds);
  const workflowId = orderWorkflowId('deposit', input.orderId);
  const handle = env.client.workflow.getHandle(workflowId);
  // Queries are answered by a worker, also for a closed workflow: ask while the worker still runs.
  const { result, queried } = await worker.runUntil(async () => {
    const result = await env.client.workflow.execute(deposit, { taskQueue, workflowId, args: [input] });
    return { result, queried: await handle.query(getOrderStateQuery) };
  });
  return { input, result, queried, handle };
}

describe('deposit workflow on the time-skipping server', () => {
  test('a payment pending at the gateway for 90 minutes is polled on durable timers until it succeeds', async () => {
    const { input, result, queried, handle } = await runDeposit(100_01); // sandbox: ..01 = pending 90 min, then success

    expect(result.status).toBe('Success');
    expect(result.history.map((h) => h.code)).toEqual(['1.1.1.00', '2.1.2.00', '4.1.3.00', '1.1.3.84']);
    const elapsedMs = Date.parse(result.history.at(-1)!.at) - Date.parse(result.history[0]!.at);
    expect(elapsedMs).toBeGreaterThan(60 * 60_000); // more than an hour of workflow time, in seconds of wall time
    expect(result.statusChecks).toBeGreaterThanOrEqual(8);

    // The timers really are durable timers in the workflow's history.
    const events = (await handle.fetchHistory()).events ?? [];
    const timers = events.filter((e) => e.timerStartedEventAttributes);
    expect(timers.length).toBe(result.statusChecks);

    // History and status are in PostgreSQL too, readable without Temporal.
    const order = await ds.getRepository(OrderEntity).findOneByOrFail({ id: input.orderId });
    expect(order.status).toBe('Success');
    expect(order.gatewayId).toBe(input.gatewayId);
    const rows = await ds
      .getRepository(OrderHistoryEntity)
      .find({ where: { orderId: input.orderId }, order: { seq: 'ASC' } });
    expect(rows.map((r) => [r.seq, r.code, r.status])).toEqual([
      [1, '1.1.1.00', 'Created'],
      [2, '2.1.2.00', 'Processing'],
      [3, '4.1.3.00', 'Success'],
      [4, '1.1.3.84', 'Success'],
    ]);

    // Credited exactly once, charged at the gateway exactly once.
    const postings = await ds.getRepository(LedgerPostingEntity).findBy({ orderId: input.orderId });
    expect(postings.map((p) => [p.kind, p.amountMinor, p.currency])).toEqual([['deposit', 100_01, 'USD']]);
    expect(await ds.getRepository(SandboxPaymentEntity).countBy({ gatewayId: input.gatewayId })).toBe(1);

    // The state query answers with the full state, also after the workflow closed.
    expect(queried).toEqual(result);
  });

  test('a decline ends the order Failed with the issuer reason and posts nothing', async () => {
    const { input, result } = await runDeposit(250_02); // sandbox: ..02 = declined, insufficient funds

    expect(result.status).toBe('Failed');
    expect(result.history.map((h) => h.code)).toEqual(['1.1.1.00', '2.1.2.00', '4.1.4.63']);
    expect(await ds.getRepository(LedgerPostingEntity).countBy({ orderId: input.orderId })).toBe(0);
    const order = await ds.getRepository(OrderEntity).findOneByOrFail({ id: input.orderId });
    expect(order.status).toBe('Failed');
  });
});
