import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { devKeyring } from '../../infra/security/keyring';
import { encryptedDataConverter } from '../../infra/temporal/payload-codec';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';
import { LEAN_SHAPE_PATCH } from '../../workflows/steps/order-context';

/**
 * Every committed history replays against the current workflow code. A change that alters the commands an
 * existing history recorded (without `patched()`) fails here instead of in production. Replays run with the
 * engine's payload codec: histories recorded before payload encryption pass through it unchanged.
 */
const HISTORIES_DIR = path.join(__dirname, '..', 'histories');
const fixtures = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

/** The paths the fixtures must cover, for deposits and payouts alike (scenarios/replay-fixtures.yaml records them). */
const REQUIRED = ['success', 'one-cascade', 'declined', 'merchant-callback-retries', 'reconciliation', 'cancelled'];

test.each(['', 'lean-'])(
  'the fixtures%s cover deposits and payouts: success, cascade, decline, callback retries, reconciliation, cancellation',
  (prefix) => {
    for (const direction of ['deposit', 'payout']) {
      for (const path of REQUIRED) {
        expect(fixtures.filter((f) => f.startsWith(`${prefix}${direction}-${path}`))).not.toEqual([]);
      }
    }
  },
);

/** `lean-*.json`: orders of the lean shape (workflows/steps/order-context.ts, LEAN_SHAPE_PATCH); the rest are older. */
test.each(fixtures)('%s is of the shape its name says', (file) => {
  const text = readFileSync(path.join(HISTORIES_DIR, file), 'utf8');
  expect(text.includes(Buffer.from(JSON.stringify(LEAN_SHAPE_PATCH)).toString('base64'))).toBe(
    file.startsWith('lean-'),
  );
});

test.each(fixtures)('%s is the history of a finished order workflow', (file) => {
  const { events } = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as {
    events: Array<{ eventType: string; workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }>;
  };
  expect(['deposit', 'payout']).toContain(events[0]!.workflowExecutionStartedEventAttributes?.workflowType.name);
  expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
});

test.each(fixtures)('replays %s', async (file) => {
  const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
  await expect(
    Worker.runReplayHistory(
      {
        workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) },
        dataConverter: encryptedDataConverter(devKeyring()),
      },
      history,
      file,
    ),
  ).resolves.toBeUndefined();
});

test('a workflow whose command sequence changed without patched() fails to replay', async () => {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const changed = await bundleWorkflowCode({
    workflowsPath: require.resolve('./changed-workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  for (const file of fixtures) {
    const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
    const dataConverter = encryptedDataConverter(devKeyring());
    await expect(
      Worker.runReplayHistory({ workflowBundle: changed, dataConverter }, history, file),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  }
});
