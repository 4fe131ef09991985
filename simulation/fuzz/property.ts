/**
 * The property itself, shared by `npm test` (test/property) and `npm run simulate -- --fuzz N`: generated batches
 * of orders run in a fuzz world, and every order must satisfy the invariants. On a failure fast-check reports the
 * seed and the batch; the error names the broken orders with their generated case and their history codes.
 */
import fc from 'fast-check';
import { violationsOf } from './invariants';
import { fuzzBatchArb } from './model';
import type { FuzzWorld } from './run';

export interface FuzzReport {
  cases: number;
  batches: number;
  seed: number;
  wallMs: number;
}

export async function checkTruthModel(
  world: FuzzWorld,
  opts: { cases: number; batchSize?: number; seed?: number; onBatch?: (done: number, ms: number) => void },
): Promise<FuzzReport> {
  const batchSize = opts.batchSize ?? 25;
  const batches = Math.ceil(opts.cases / batchSize);
  const seed = opts.seed ?? Date.now() ^ (Math.random() * 0x100000000);
  const started = Date.now();
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fuzzBatchArb(batchSize), async (batch) => {
      const batchStarted = Date.now();
      const outcomes = await world.runBatch(batch);
      cases += outcomes.length;
      opts.onBatch?.(cases, Date.now() - batchStarted);
      const broken = outcomes
        .map((o) => ({ violations: violationsOf(o), fuzzCase: o.fuzzCase, codes: o.state.history.map((h) => h.code) }))
        .filter((b) => b.violations.length > 0);
      if (broken.length > 0) throw new Error(`broken orders:\n${JSON.stringify(broken.slice(0, 3), null, 1)}`);
    }),
    // A batch is minutes of simulated days: the failing batch is reported as found, with its broken orders alone.
    { numRuns: batches, seed, endOnFailure: true },
  );
  return { cases, batches, seed, wallMs: Date.now() - started };
}
