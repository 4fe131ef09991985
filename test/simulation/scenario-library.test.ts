import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../../infra/paths';
import { cleanUp } from '../../infra/process/cleanup';
import { formatReport } from '../../simulation/report';
import { bundleSimulationWorkflows, runSimulation, type SimulationResult } from '../../simulation/run';
import { loadScenario } from '../../simulation/scenario';
import { testDataSource } from '../helpers/database';

/**
 * Every scenario of the library runs here, each on a time-skipping server of its own, so a change to the engine
 * or to the scenario format that breaks one of them fails `npm test` instead of rotting in scenarios/.
 */
const SCENARIOS_DIR = path.join(PROJECT_ROOT, 'scenarios');
const files = readdirSync(SCENARIOS_DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
const DAY = 24 * 3600_000;

let ds: DataSource;
let workflowBundle: { code: string };
const results = new Map<string, SimulationResult>();
beforeAll(async () => {
  [ds, workflowBundle] = await Promise.all([testDataSource(), bundleSimulationWorkflows()]);
});
afterAll(() => cleanUp([async () => ds?.destroy()]));

test('the library has scenarios', () => {
  expect(files.length).toBeGreaterThanOrEqual(6);
});

test.each(files)('%s: every expectation holds', async (file) => {
  const scenario = await loadScenario(path.join(SCENARIOS_DIR, file));
  const result = await runSimulation(scenario, { dataSource: ds, workflowBundle, wallTimeoutMs: 90_000 });
  results.set(file, result);
  // The report says which order and which expectation, with the timelines, when one does not hold.
  expect({ ok: result.ok, report: result.ok ? '' : formatReport(result) }).toEqual({ ok: true, report: '' });
  expect(result.orders.every((o) => o.state !== undefined)).toBe(true);
});

test('three days of traffic are simulated through, with long polling and a day of callback retries', () => {
  const result = results.get('three-days-of-traffic.yaml');
  expect(result).toBeDefined();
  expect(result!.simulatedMs).toBeGreaterThanOrEqual(3 * DAY);
  // Long polling and a day of callback retries are both in it.
  const codes = result!.orders.flatMap((o) => o.state!.history.map((h) => h.code));
  expect(codes).toEqual(expect.arrayContaining(['1.0.2.75', '6.2.3.74', '6.1.3.00', '5.1.3.00', '1.0.1.71']));
});
