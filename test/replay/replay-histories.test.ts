import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/**
 * Every committed history replays against the current workflow code. A change that alters the commands an
 * existing history recorded (without `patched()`) fails here instead of in production.
 */
const HISTORIES_DIR = path.join(__dirname, '..', 'histories');
const fixtures = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(2);
});

test.each(fixtures)('replays %s', async (file) => {
  const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
  await expect(
    Worker.runReplayHistory({ workflowBundle: { codePath: fromSetup(TEST_WORKFLOW_BUNDLE) } }, history, file),
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
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, file)).rejects.toBeInstanceOf(
      DeterminismViolationError,
    );
  }
});
