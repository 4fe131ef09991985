/**
 * `npm run record-histories`: runs the order workflows through recorded scenarios on the time-skipping server
 * (real activities, a throw-away PostgreSQL, the sandbox gateways, a local merchant callback endpoint) and writes
 * each finished workflow's event history to test/histories/<name>.json. The replay suite replays every file there
 * against the current code, so a change that would break running workflows fails `npm test`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { orderWorkflowId } from '../domain/order';
import { createDataSource } from '../entities/data-source';
import { PROJECT_ROOT } from '../infra/paths';
import { cleanUp } from '../infra/process/cleanup';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';
import { createTimeSkippingEnv } from '../infra/temporal/time-skipping';
import { startCallbackSink } from '../simulation/callback-sink';
import { createOrderSetup, type GatewaySpec } from '../simulation/order-setup';
import { createWorker } from '../workers/create-worker';
import type { Direction } from '../domain/order';

interface Recording {
  name: string;
  direction: Direction;
  amountMinor: number;
  gateways?: GatewaySpec[];
  /** The merchant endpoint fails this many times before it accepts the callback. */
  callbackFailures?: number;
}

/** What each fixture records: the sandbox scenario is chosen by the amount's last two digits or forced per gateway. */
const RECORDINGS: Recording[] = [
  { name: 'deposit-success', direction: 'deposit', amountMinor: 100_00, callbackFailures: 0 },
  {
    name: 'deposit-one-cascade',
    direction: 'deposit',
    amountMinor: 100_00,
    gateways: [{ settings: { scenario: 'create-declined' } }, {}],
  },
  { name: 'deposit-declined', direction: 'deposit', amountMinor: 250_02 },
  { name: 'deposit-pending-then-success', direction: 'deposit', amountMinor: 100_01 },
  { name: 'deposit-merchant-callback-retries', direction: 'deposit', amountMinor: 100_00, callbackFailures: 3 },
  { name: 'payout-success', direction: 'payout', amountMinor: 100_00, callbackFailures: 0 },
  { name: 'payout-declined-released', direction: 'payout', amountMinor: 100_02 },
];

export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test', 'histories');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = await startThrowawayDatabase();
  const ds = await createDataSource(db.url).initialize();
  const env = await createTimeSkippingEnv();
  try {
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: 'record-histories',
      dataSource: ds,
      allowPrivateCallbackNetworks: true, // the recording's merchant endpoint listens on loopback
    });
    await mkdir(HISTORIES_DIR, { recursive: true });
    await worker.runUntil(async () => {
      for (const recording of RECORDINGS) {
        const setup = await createOrderSetup(ds, {
          direction: recording.direction,
          gateways: recording.gateways,
          balanceMinor: recording.direction === 'payout' ? 1000_00 : undefined,
        });
        const failures = recording.callbackFailures;
        const sink = failures === undefined ? undefined : await startCallbackSink((n) => (n <= failures ? 503 : 200));
        try {
          const input = setup.order({ amountMinor: recording.amountMinor, callbackUrl: sink?.url });
          const workflowId = orderWorkflowId(recording.direction, input.orderId);
          await env.client.workflow.execute(recording.direction, {
            taskQueue: 'record-histories',
            workflowId,
            args: [input],
          });
          const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
          const file = path.join(HISTORIES_DIR, `${recording.name}.json`);
          await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
          console.log(`recorded ${path.relative(PROJECT_ROOT, file)} (${history.events?.length ?? 0} events)`);
        } finally {
          await sink?.stop();
        }
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
