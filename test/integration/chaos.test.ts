import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runChaos } from '../../chaos/run';
import { fromSetup, TEST_WORKFLOW_BUNDLE } from '../setup/services';

/**
 * The short version of `npm run chaos` (docs/chaos.md): the stack as production runs it, a kill -9 of the worker,
 * of the Temporal dev server and of PostgreSQL while orders run, and every check of the full run.
 */
let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'paystar-chaos-logs-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

test('orders survive kill -9 of the worker, Temporal and PostgreSQL: final, paid once, called back', async () => {
  const said: string[] = [];
  const result = await runChaos({
    orders: 24,
    downMs: 1_000,
    pauseMs: 1_000,
    concurrency: 8,
    settleMs: 60_000,
    outDir,
    say: (line) => said.push(`${new Date().toISOString().slice(14, 23)} ${line}`),
    workflowBundle: fromSetup(TEST_WORKFLOW_BUNDLE),
  });
  expect({ violations: result.violations, said }).toEqual({ violations: [], said: expect.any(Array) });
  expect(result.kills.map((k) => k.part)).toEqual(['worker', 'Temporal', 'PostgreSQL']);
  expect(result.final.Success + result.final.Failed).toBe(24);
  expect(result.callbacks.delivered).toBe(24);
  // Each kill landed while orders were still being created.
  for (const kill of result.kills) expect(kill.createdAtKill).toBeLessThan(24);
}, 180_000);
