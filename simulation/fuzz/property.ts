/**
 * The property itself, shared by `npm test` (test/property) and `npm run simulate -- --fuzz N`: generated batches
 * of orders run in a fuzz world, and every order must satisfy the invariants. A batch is minutes of simulated
 * days, so a failing batch is not shrunk as a whole: its first broken order is run again alone and fast-check
 * shrinks that one case, one order per run, within a time limit. The error gives the seed that reproduces the
 * run, the broken orders as generated, and the shrunk case with its violations and history codes.
 */
import fc from 'fast-check';
import { violationsOf as invariantViolations } from './invariants';
import { fuzzBatchArb, fuzzCaseArb, type FuzzCase } from './model';
import type { CaseOutcome, FuzzWorld } from './run';

/** Orders run side by side in one world; a failing batch reports its broken orders and shrinks the first alone. */
const DEFAULT_BATCH_SIZE = 25;

/** A seed for a run that was given none; printed with any failure, so the run can be repeated. */
const randomSeed = () => Date.now() ^ (Math.random() * 0x100000000);

export interface FuzzReport {
  cases: number;
  batches: number;
  seed: number;
  wallMs: number;
}

export interface TruthModelOptions {
  cases: number;
  batchSize?: number;
  seed?: number;
  onBatch?: (done: number, ms: number) => void;
  /** How long shrinking a broken case may take (default 10 minutes); the smallest failure found so far is kept. */
  shrinkTimeLimitMs?: number;
  /** The checks each order must pass; the invariants I1–I7 unless a test of this module says otherwise. */
  violationsOf?: (outcome: CaseOutcome) => string[];
}

/** One order that broke the truth model: the case, what it broke, and the codes its history shows. */
export interface BrokenOrder {
  fuzzCase: FuzzCase;
  violations: string[];
  codes: string[];
}

/** The smallest failing case fast-check found, and whether the case broke at all without its batch. */
export type ShrunkOrder = BrokenOrder & { shrinks: number; complete: boolean; reproducedAlone: boolean };

/** Thrown when the truth model does not hold; the message is what a person needs to reproduce and read it. */
export class TruthModelViolation extends Error {
  override readonly name = 'TruthModelViolation';
  constructor(
    readonly seed: number,
    readonly broken: BrokenOrder[],
    readonly shrunk: ShrunkOrder,
  ) {
    super(
      [
        `the truth model broke (seed ${seed}; rerun with FUZZ_SEED=${seed} or \`npm run simulate -- --fuzz N --seed ${seed}\`)`,
        shrunk.reproducedAlone
          ? `shrunk case (${shrunk.shrinks} shrinks${shrunk.complete ? '' : ', stopped at the time limit'}):`
          : 'the first broken order did not break when run alone (it depends on its batch):',
        JSON.stringify(shrunk, null, 1),
        `broken orders as generated (${broken.length}):`,
        JSON.stringify(broken.slice(0, 3), null, 1),
      ].join('\n'),
    );
  }
}

export async function checkTruthModel(world: FuzzWorld, opts: TruthModelOptions): Promise<FuzzReport> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const batches = Math.ceil(opts.cases / batchSize);
  const seed = opts.seed ?? randomSeed();
  const violationsOf = opts.violationsOf ?? invariantViolations;
  const brokenIn = (outcomes: CaseOutcome[]): BrokenOrder[] =>
    outcomes
      .map((o) => ({ fuzzCase: o.fuzzCase, violations: violationsOf(o), codes: o.state.history.map((h) => h.code) }))
      .filter((b) => b.violations.length > 0);
  const started = Date.now();
  let cases = 0;
  let broken: BrokenOrder[] = [];
  const result = await fc.check(
    fc.asyncProperty(fuzzBatchArb(batchSize), async (batch) => {
      const batchStarted = Date.now();
      const outcomes = await world.runBatch(batch);
      cases += outcomes.length;
      opts.onBatch?.(cases, Date.now() - batchStarted);
      broken = brokenIn(outcomes);
      return broken.length === 0;
    }),
    { numRuns: batches, seed, endOnFailure: true },
  );
  if (result.failed) {
    // A batch that threw (a history that does not replay, a world that broke) has no broken order to shrink.
    if (broken.length === 0) throw new Error(`seed ${seed}: ${String(result.errorInstance ?? 'the batch failed')}`);
    const shrunk = await shrinkCase(world, broken[0]!, violationsOf, opts.shrinkTimeLimitMs ?? 600_000);
    throw new TruthModelViolation(seed, broken, shrunk);
  }
  return { cases, batches, seed, wallMs: Date.now() - started };
}

/** fast-check shrinks the broken case handed to it as an example, running each candidate alone. */
async function shrinkCase(
  world: FuzzWorld,
  first: BrokenOrder,
  violationsOf: (outcome: CaseOutcome) => string[],
  timeLimitMs: number,
): Promise<ShrunkOrder> {
  let smallest = first;
  const result = await fc.check(
    fc.asyncProperty(fuzzCaseArb, async (fuzzCase) => {
      const [outcome] = await world.runBatch({ cases: [fuzzCase] });
      const violations = violationsOf(outcome!);
      if (violations.length === 0) return true;
      smallest = { fuzzCase, violations, codes: outcome!.state.history.map((h) => h.code) };
      return false;
    }),
    { examples: [[first.fuzzCase]], numRuns: 1, interruptAfterTimeLimit: timeLimitMs },
  );
  return { ...smallest, shrinks: result.numShrinks, complete: !result.interrupted, reproducedAlone: result.failed };
}

/**
 * The same property over several worlds at once, each on its own time-skipping server: a case spends most of its
 * time waiting for the round trips between the server, the worker and PostgreSQL, so a second world uses time
 * the first leaves idle. World k of n runs its share of the cases with seed `seed + k`, so `--fuzz <its share>
 * --seed <seed + k>` on one world reproduces it alone; a failure names the world.
 */
export async function checkTruthModelOnWorlds(worlds: FuzzWorld[], opts: TruthModelOptions): Promise<FuzzReport> {
  const seed = opts.seed ?? randomSeed();
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  // Whole batches per world, so the worlds together run as many cases as one world would.
  const batches = Math.ceil(opts.cases / batchSize);
  const started = Date.now();
  let done = 0;
  const reports = await Promise.all(
    worlds.map(async (world, k) => {
      const cases = (Math.floor(batches / worlds.length) + (k < batches % worlds.length ? 1 : 0)) * batchSize;
      if (cases === 0) return { cases: 0, batches: 0, seed: seed + k, wallMs: 0 };
      let reported = 0;
      try {
        return await checkTruthModel(world, {
          ...opts,
          cases,
          seed: seed + k,
          onBatch: (worldDone, ms) => {
            done += worldDone - reported;
            reported = worldDone;
            opts.onBatch?.(done, ms);
          },
        });
      } catch (err) {
        if (err instanceof Error) err.message = `world ${k + 1} of ${worlds.length} (${cases} cases): ${err.message}`;
        throw err;
      }
    }),
  );
  return {
    cases: reports.reduce((sum, r) => sum + r.cases, 0),
    batches: reports.reduce((sum, r) => sum + r.batches, 0),
    seed,
    wallMs: Date.now() - started,
  };
}
