import { ORDER_SHAPES, shapeCounts, UPSERT_BEFORE_STEP } from '../../bench/ceiling/shapes';
import { isPayout, parseOptions } from '../../bench/plan';
import { parseProcStat } from '../../bench/proc';
import {
  closedLoopWindowStart,
  cpuTotal,
  percentileOfSorted,
  perOrder,
  ratio,
  steadyRate,
  summarize,
  windowRate,
} from '../../bench/stats';

describe('bench statistics', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1 … 100

  test('percentiles are nearest-rank over the sorted values', () => {
    expect(percentileOfSorted(hundred, 50)).toBe(50);
    expect(percentileOfSorted(hundred, 95)).toBe(95);
    expect(percentileOfSorted(hundred, 99)).toBe(99);
    expect(percentileOfSorted(hundred, 100)).toBe(100);
    expect(percentileOfSorted(hundred, 0)).toBe(1);
    expect(percentileOfSorted([7], 99)).toBe(7);
    expect(percentileOfSorted([1, 2, 3], 50)).toBe(2);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  test('summarize sorts a copy and reports count, extremes, percentiles and mean', () => {
    const values = [...hundred].reverse();
    expect(summarize(values)).toEqual({ count: 100, min: 1, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(values[0]).toBe(100); // the input is left alone
    expect(summarize([])).toBeUndefined();
  });

  test('window rate counts the events inside [from, to) per second', () => {
    const times = [0, 100, 500, 999, 1000, 1500, 2500];
    expect(windowRate(times, 0, 1000)).toBe(4);
    expect(windowRate(times, 1000, 3000)).toBe(1.5);
    expect(windowRate(times, 5, 5)).toBe(0);
  });

  test('steady rate leaves out the start and the tail of a drained backlog', () => {
    // A slow start (10 events over 5 s), a steady 10/s for 8 s, a slow tail.
    const start = Array.from({ length: 10 }, (_, i) => i * 500);
    const steady = Array.from({ length: 80 }, (_, i) => 5000 + i * 100);
    const tail = Array.from({ length: 10 }, (_, i) => 13_000 + i * 1000);
    expect(steadyRate([...tail, ...steady, ...start])).toBeCloseTo(10, 0);
    expect(steadyRate([1])).toBe(0);
    expect(steadyRate([5, 5, 5])).toBe(0);
  });

  test('a closed loop is measured once its first round of orders has completed', () => {
    const completions = [900, 1000, 1100, 1200, 1300, 2000, 3000];
    expect(closedLoopWindowStart(completions, { startedAt: 0, stopAt: 10_000, concurrency: 4, warmupMs: 500 })).toEqual(
      { from: 1200, firstRoundComplete: true },
    );
    expect(
      closedLoopWindowStart(completions, { startedAt: 0, stopAt: 10_000, concurrency: 2, warmupMs: 2000 }),
    ).toEqual({ from: 2000, firstRoundComplete: true });
    // Fewer completions than orders in flight: fall back to the warm-up.
    expect(
      closedLoopWindowStart(completions, { startedAt: 0, stopAt: 10_000, concurrency: 10, warmupMs: 500 }),
    ).toEqual({ from: 500, firstRoundComplete: false });
  });

  test('ratios and per-order costs are undefined rather than 0 or Infinity', () => {
    expect(ratio(8, 10)).toBeCloseTo(0.8);
    expect(ratio(8, 0)).toBeUndefined();
    expect(ratio(undefined, 10)).toBeUndefined();
    expect(ratio(Number.NaN, 10)).toBeUndefined();
    expect(perOrder(500, 4)).toBe(125);
    expect(perOrder(500, 0)).toBeUndefined();
    expect(cpuTotal({ temporal: 50, api: 10, bench: 5 }, ['temporal', 'api', 'worker-1'])).toBe(60);
  });
});

describe('bench plan', () => {
  test('the ceiling shapes are the happy-path orders: 5 activities and 4 local ones, 6 and 5', () => {
    expect(shapeCounts(ORDER_SHAPES.deposit)).toEqual({ activities: 2, localActivities: 4 });
    expect(shapeCounts(ORDER_SHAPES.payout)).toEqual({ activities: 2, localActivities: 6 });
    expect(() => shapeCounts('AXL')).toThrow(/unknown step/);
    // The upsert happens at the mark of the gateway's answer, a local activity after the create.
    expect(ORDER_SHAPES.deposit[UPSERT_BEFORE_STEP.deposit]).toBe('L');
    expect(ORDER_SHAPES.payout[UPSERT_BEFORE_STEP.payout]).toBe('L');
  });

  test('payouts are spread evenly through the run', () => {
    const mix = (share: number, n: number) => Array.from({ length: n }, (_, i) => isPayout(i, share));
    expect(mix(0.5, 4)).toEqual([false, true, false, true]);
    expect(mix(0, 5).filter(Boolean)).toHaveLength(0);
    expect(mix(1, 5).filter(Boolean)).toHaveLength(5);
    expect(mix(0.25, 100).filter(Boolean)).toHaveLength(25);
  });

  test('options: defaults, --quick, flags and refusals', () => {
    const full = parseOptions([]);
    expect(full).toMatchObject({
      quick: false,
      peak: 'burst',
      concurrency: 16,
      durationS: 30,
      scaling: true,
      temporalDb: 'memory',
    });
    const quick = parseOptions(['--quick']);
    expect(quick.quick).toBe(true);
    expect(quick.durationS).toBeLessThan(full.durationS);
    expect(parseOptions([], { BENCH_QUICK: '1' }).quick).toBe(true);
    expect(
      parseOptions(['--concurrency', '8', '--payout-share', '0', '--no-scaling', '--profile', '--out', 'x.json']),
    ).toMatchObject({ concurrency: 8, payoutShare: 0, scaling: false, profile: true, out: 'x.json' });
    expect(() => parseOptions(['--concurrency', 'many'])).toThrow(/--concurrency needs a number/);
    expect(() => parseOptions(['--payout-share', '2'])).toThrow(/between 0 and 1/);
    expect(() => parseOptions(['--temporal-db', 'disk'])).toThrow(/memory or file/);
    expect(parseOptions(['--peak', 'closed']).peak).toBe('closed');
    expect(() => parseOptions(['--peak', 'open'])).toThrow(/burst or closed/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
    expect(full).toMatchObject({ balance: 'also', balancePostings: 1_000_000 });
    expect(parseOptions(['--balance', '--balance-postings', '5000'])).toMatchObject({
      balance: 'only',
      balancePostings: 5000,
    });
    expect(parseOptions(['--no-balance']).balance).toBe('skip');
    expect(() => parseOptions(['--balance-postings', '0'])).toThrow(/--balance-postings needs a number/);
  });

  test('/proc/<pid>/stat is read past a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = '4242 (postgres: idle (x)) S 100 4242 4242 0 -1 4194560 500 0 0 0 250 50 30 20 20 0 1 0';
    expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 100, cpuSeconds: 3.5 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});
