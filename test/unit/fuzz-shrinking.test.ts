import type { FuzzCase } from '../../simulation/fuzz/model';
import { checkTruthModel, checkTruthModelOnWorlds, TruthModelViolation } from '../../simulation/fuzz/property';
import type { CaseOutcome, FuzzWorld } from '../../simulation/fuzz/run';

/**
 * How the property reports a failure (simulation/fuzz/property.ts), on a world that runs nothing: an "order"
 * breaks when its route has two or more gateways and one of them answers a create with a 5xx after storing the
 * payment. The report must give the seed and a case shrunk to what matters.
 */
const breaks = (c: FuzzCase) => c.gateways.length >= 2 && c.gateways.some((g) => g.createFaults.includes('5xx-after'));
const fakeWorld = (): FuzzWorld & { runs: number } => {
  const world = {
    runs: 0,
    async runBatch(batch: { cases: FuzzCase[] }) {
      world.runs += 1;
      return batch.cases.map(
        (fuzzCase) => ({ fuzzCase, state: { history: [{ code: '1.1.1.00' }] } }) as unknown as CaseOutcome,
      );
    },
    async stop() {},
  };
  return world;
};
const violationsOf = (o: CaseOutcome) => (breaks(o.fuzzCase) ? ['I2: two charges'] : []);

test('a broken order is reported with the seed and shrunk to two gateways, one 5xx-after, nothing else', async () => {
  const world = fakeWorld();
  const failure = await checkTruthModel(world, { cases: 200, batchSize: 20, seed: 42, violationsOf }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(TruthModelViolation);
  const { seed, shrunk, broken, message } = failure as TruthModelViolation;
  expect(seed).toBe(42);
  expect(message).toContain('FUZZ_SEED=42');
  expect(broken.length).toBeGreaterThan(0);
  expect(shrunk.reproducedAlone).toBe(true);
  expect(shrunk.shrinks).toBeGreaterThan(0);
  expect(shrunk.violations).toEqual(['I2: two charges']);
  expect(shrunk.fuzzCase.gateways).toHaveLength(2);
  const faults = shrunk.fuzzCase.gateways.flatMap((g) => g.createFaults);
  expect(faults).toEqual(['5xx-after']);
  expect(shrunk.fuzzCase.amountMinor).toBe(100);
});

test('the same seed generates the same orders, so a failure can be reproduced', async () => {
  const seen: string[][] = [[], []];
  for (const run of [0, 1]) {
    const world = fakeWorld();
    const runBatch = world.runBatch.bind(world);
    world.runBatch = async (batch) => {
      seen[run]!.push(JSON.stringify(batch));
      return runBatch(batch);
    };
    await checkTruthModel(world, { cases: 40, batchSize: 20, seed: 7, violationsOf: () => [] });
  }
  expect(seen[0]).toHaveLength(2);
  expect(seen[1]).toEqual(seen[0]);
});

test('several worlds split the batches, and each world reproduces alone from its own seed', async () => {
  const recording = () => {
    const batches: string[] = [];
    const world: FuzzWorld = {
      async runBatch(batch) {
        batches.push(JSON.stringify(batch.cases));
        return batch.cases.map(
          (fuzzCase) => ({ fuzzCase, state: { history: [{ code: '1.1.1.00' }] } }) as unknown as CaseOutcome,
        );
      },
      async stop() {},
    };
    return { world, batches };
  };
  const worlds = [recording(), recording()];
  const progress: number[] = [];
  const report = await checkTruthModelOnWorlds(
    worlds.map((w) => w.world),
    { cases: 60, batchSize: 20, seed: 42, violationsOf: () => [], onBatch: (done) => progress.push(done) },
  );
  // Three batches of 20: two in the first world, one in the second; no more cases than one world would run.
  expect(report).toMatchObject({ cases: 60, batches: 3, seed: 42 });
  expect(worlds.map((w) => w.batches.length)).toEqual([2, 1]);
  expect(progress.sort((a, b) => a - b)).toEqual([20, 40, 60]);
  const alone = recording();
  await checkTruthModel(alone.world, { cases: 20, batchSize: 20, seed: 43, violationsOf: () => [] });
  expect(alone.batches).toEqual(worlds[1]!.batches);
});

test('a failure in one of several worlds names that world and its seed', async () => {
  const failure = await checkTruthModelOnWorlds([fakeWorld(), fakeWorld()], {
    cases: 200,
    batchSize: 20,
    seed: 42,
    violationsOf,
    shrinkTimeLimitMs: 2_000,
  }).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(failure).toBeInstanceOf(TruthModelViolation);
  expect(failure!.message).toMatch(/^world [12] of 2 \(100 cases\): the truth model broke \(seed 4[23];/);
});
