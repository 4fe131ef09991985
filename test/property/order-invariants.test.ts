import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { violationsOf } from '../../simulation/fuzz/invariants';
import { fuzzBatchArb } from '../../simulation/fuzz/model';
import { startFuzzWorld, type FuzzWorld } from '../../simulation/fuzz/run';
import { bundleSimulationWorkflows } from '../../simulation/run';
import { useTimeSkippingServer } from '../workflows/order-harness';

/**
 * The order truth model as properties (docs/order-lifecycle.md): generated gateway behaviour — faults before and
 * after the gateway stored a payment, pending times across the deadline, callbacks on time, late, duplicated or
 * forged, routes of one to three gateways, deposits and payouts, amount updates, cancellations, workers that
 * replay every task — runs on the time-skipping server with the real workflows and activities, and every order
 * must satisfy I1–I7. FUZZ_SEED reproduces a failing run (fast-check prints the seed and the shrunk batch).
 */
const BATCH = Number(process.env['FUZZ_BATCH'] ?? 25);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 20);

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
let world: FuzzWorld;
beforeAll(async () => {
  env = server.env();
  ds = server.ds();
  world = await startFuzzWorld(env, ds, await bundleSimulationWorkflows());
});
afterAll(() => world?.stop());

test(`${RUNS * BATCH} generated orders keep the truth model`, async () => {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fuzzBatchArb(BATCH), async (batch) => {
      const started = Date.now();
      const outcomes = await world.runBatch(batch);
      if (process.env['FUZZ_VERBOSE']) console.log(`batch of ${outcomes.length} in ${Date.now() - started} ms`);
      cases += outcomes.length;
      const broken = outcomes
        .map((o, i) => ({
          case: i,
          violations: violationsOf(o),
          fuzzCase: o.fuzzCase,
          codes: o.state.history.map((h) => h.code),
        }))
        .filter((b) => b.violations.length > 0);
      if (broken.length > 0) throw new Error(JSON.stringify(broken.slice(0, 3), null, 1));
    }),
    {
      numRuns: RUNS,
      ...(process.env['FUZZ_SEED'] ? { seed: Number(process.env['FUZZ_SEED']) } : {}),
      endOnFailure: true,
    },
  );
  expect(cases).toBe(RUNS * BATCH);
}, 900_000);
