import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { orderWorkflowId } from '../../domain/order';
import { createGatewayRegistry } from '../../gateways';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { createOrderSetup } from '../../simulation/order-setup';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';
import { useTimeSkippingServer } from '../workflows/order-harness';
import { PATCH_ID } from './patched-workflows';

/**
 * How a change to a workflow's command sequence ships without breaking running executions: behind `patched()`.
 * Every committed history replays against the patched code; a new execution takes the new path and says so in
 * its history; and that new history cannot be replayed by the code from before the patch (no rolling back once
 * new executions exist).
 */
const HISTORIES_DIR = path.join(__dirname, '..', 'histories');
const fixtures = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
const quiet = () => undefined;
const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
let patchedBundle: { code: string };
beforeAll(async () => {
  env = server.env();
  ds = server.ds();
  patchedBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./patched-workflows'), logger });
});

test('every recorded history replays against the patched workflows: old executions keep their old path', async () => {
  expect(fixtures.length).toBeGreaterThan(0);
  for (const file of fixtures) {
    const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: patchedBundle, dataConverter: encryptedDataConverter(devKeyring()) },
        history,
        file,
      ),
    ).resolves.toBeUndefined();
  }
});

test('a new execution records the patch and takes the new path; the code from before cannot replay it', async () => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const input = setup.order({ amountMinor: 42_00 });
  const workflowId = orderWorkflowId('deposit', input.orderId);
  const taskQueue = `patched-${input.orderId}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: patchedBundle,
    activities: createActivities({
      dataSource: ds,
      gateways: createGatewayRegistry(ds),
      allowPrivateCallbackNetworks: true,
      keyring: devKeyring(),
    }),
    dataConverter: encryptedDataConverter(devKeyring()),
  });
  const history = await worker.runUntil(async () => {
    const result = await env.client.workflow.execute('deposit', { taskQueue, workflowId, args: [input] });
    expect(result.status).toBe('Success');
    return env.client.workflow.getHandle(workflowId).fetchHistory();
  });

  const events = history.events ?? [];
  const marker = events.find((e) => e.markerRecordedEventAttributes);
  expect(marker?.markerRecordedEventAttributes?.markerName).toBe('core_patch');
  const patchData = marker!.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!;
  expect(JSON.parse(Buffer.from(patchData).toString('utf8'))).toMatchObject({ id: PATCH_ID });
  // The new path: the first command after the marker is the timer.
  const firstCommand = events.find((e) => e.timerStartedEventAttributes || e.activityTaskScheduledEventAttributes);
  expect(firstCommand?.timerStartedEventAttributes).toBeTruthy();

  // The history's payloads are encrypted: replays decode them with the codec.
  const dataConverter = encryptedDataConverter(devKeyring());
  await expect(
    Worker.runReplayHistory({ workflowBundle: patchedBundle, dataConverter }, history, workflowId),
  ).resolves.toBeUndefined();
  await expect(
    Worker.runReplayHistory(
      { workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) }, dataConverter },
      history,
      workflowId,
    ),
  ).rejects.toBeInstanceOf(DeterminismViolationError);
});
