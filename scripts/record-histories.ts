/**
 * `npm run record-histories`: runs the deposit workflow through recorded scenarios on the time-skipping server
 * (real activities, a throw-away PostgreSQL, the sandbox gateway) and writes each finished workflow's event
 * history to test/histories/<name>.json. The replay suite replays every file there against the current code,
 * so a change that would break running workflows fails `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { orderWorkflowId } from '../domain/order';
import { createDataSource } from '../entities/data-source';
import { GatewayEntity } from '../entities/gateway.entity';
import { MerchantEntity } from '../entities/merchant.entity';
import { PROJECT_ROOT } from '../infra/paths';
import { cleanUp } from '../infra/process/cleanup';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';
import { createTimeSkippingEnv } from '../infra/temporal/time-skipping';
import { createWorker } from '../workers/create-worker';
import type { OrderInput } from '../workflows/definitions';

/** What each fixture records: the sandbox scenario is chosen by the amount's last two digits. */
const SCENARIOS = [
  { name: 'deposit-pending-then-success', amountMinor: 100_01 },
  { name: 'deposit-declined-insufficient-funds', amountMinor: 250_02 },
] as const;

export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test', 'histories');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = await startThrowawayDatabase();
  const ds = await createDataSource(db.url).initialize();
  const env = await createTimeSkippingEnv();
  try {
    const merchant = await ds.getRepository(MerchantEntity).save({ name: 'Fixture merchant' });
    const gateway = await ds
      .getRepository(GatewayEntity)
      .save({ code: 'sandbox', name: 'Sandbox', connector: 'sandbox', mode: 'sandbox', settings: {} });
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: 'record-histories',
      dataSource: ds,
    });
    await mkdir(HISTORIES_DIR, { recursive: true });
    await worker.runUntil(async () => {
      for (const scenario of SCENARIOS) {
        const input: OrderInput = {
          orderId: randomUUID(),
          merchantId: merchant.id,
          externalTransactionId: `fixture-${scenario.name}`,
          amountMinor: scenario.amountMinor,
          currency: 'USD',
          gatewayId: gateway.id,
        };
        const workflowId = orderWorkflowId('deposit', input.orderId);
        await env.client.workflow.execute('deposit', { taskQueue: 'record-histories', workflowId, args: [input] });
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        const file = path.join(HISTORIES_DIR, `${scenario.name}.json`);
        await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
        console.log(`recorded ${path.relative(PROJECT_ROOT, file)} (${history.events?.length ?? 0} events)`);
      }
    });
  } finally {
    await cleanUp([() => env.teardown(), () => ds.destroy(), () => db.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
