/**
 * The bench's arithmetic: percentiles over sorted arrays, steady-state rates, ratios. Pure, so the unit test
 * (test/unit/bench-stats.test.ts) checks it without servers.
 */

/** Latency figures of one series, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The q-th percentile (0 ≤ q ≤ 100) of values sorted ascending, nearest-rank: the smallest value with at least q %
 * of the values at or below it. NaN for an empty series.
 */
export function percentileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return sorted[0]!;
  if (q >= 100) return sorted[sorted.length - 1]!;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Count, min, p50, p95, p99, max and mean of a series (any order); undefined when it is empty. */
export function summarize(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    min: sorted[0]!,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/** Events per second among the times (ms) that fall in [fromMs, toMs); 0 for an empty window. */
export function windowRate(timesMs: readonly number[], fromMs: number, toMs: number): number {
  const span = toMs - fromMs;
  if (span <= 0) return 0;
  const inWindow = timesMs.filter((t) => t >= fromMs && t < toMs).length;
  return (inWindow / span) * 1000;
}

/**
 * Steady-state rate of a burst that drains a backlog: the events between the `from` and `to` fractions of the
 * completion times (by default the 10th and 90th percentile), divided by the time between them. Start-up (first
 * workflow tasks, caches filling) and the tail (the last few stragglers) are left out. 0 with fewer than 2 events.
 */
export function steadyRate(timesMs: readonly number[], from = 0.1, to = 0.9): number {
  return steadyWindow(timesMs, from, to).rate;
}

/** {@link steadyRate} with the window it was measured over (ms since the epoch). */
export function steadyWindow(
  timesMs: readonly number[],
  from = 0.1,
  to = 0.9,
): { rate: number; fromMs: number; toMs: number } {
  if (timesMs.length < 2) return { rate: 0, fromMs: 0, toMs: 0 };
  const sorted = [...timesMs].sort((a, b) => a - b);
  const i = Math.floor(from * (sorted.length - 1));
  const j = Math.ceil(to * (sorted.length - 1));
  const span = sorted[j]! - sorted[i]!;
  return { rate: span > 0 ? ((j - i) / span) * 1000 : 0, fromMs: sorted[i]!, toMs: sorted[j]! };
}

/** a ÷ b, or undefined when either is missing or b is 0 (a ratio that cannot be computed is not 0). */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return a / b;
}

/** Per-order cost: total ÷ orders, undefined without orders. */
export function perOrder(total: number, orders: number): number | undefined {
  return orders > 0 ? total / orders : undefined;
}

/**
 * Where a closed loop's measured window starts: once the first `concurrency` orders have completed (the first
 * round, all created at once, has gone through and the loop runs steadily), and not before the warm-up. Falls back
 * to the warm-up alone when the first round ends too late to leave a second of window before `stopAt`.
 */
export function closedLoopWindowStart(
  completionTimes: readonly number[],
  opts: { startedAt: number; stopAt: number; concurrency: number; warmupMs: number },
): { from: number; firstRoundComplete: boolean } {
  const warm = opts.startedAt + opts.warmupMs;
  const sorted = [...completionTimes].sort((a, b) => a - b);
  const firstRound = sorted[opts.concurrency - 1];
  if (firstRound !== undefined && firstRound <= opts.stopAt - 1000) {
    return { from: Math.max(warm, firstRound), firstRoundComplete: true };
  }
  return { from: warm, firstRoundComplete: false };
}

/** CPU milliseconds per unit summed over the given processes (missing ones count 0). */
export function cpuTotal(perOrderMs: Record<string, number>, processes: readonly string[]): number {
  return processes.reduce((acc, p) => acc + (perOrderMs[p] ?? 0), 0);
}
