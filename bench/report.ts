/**
 * The bench's result (written as JSON) and its readable table. Pure: test/unit/bench-report.test.ts renders a
 * made-up result.
 */
import type { BalanceBenchResult } from './balance';
import type { BenchOptions } from './plan';
import type { ProfileSummary } from './profile';
import type { LatencySummary } from './stats';
import { cpuTotal, ratio } from './stats';

/** CPU used by each process (tree) during a phase. */
export interface CpuUse {
  /** CPU seconds per process. */
  seconds: Record<string, number>;
  /** Average cores busy per process (seconds ÷ phase length). */
  cores: Record<string, number>;
  /** CPU milliseconds per completed order (or ceiling workflow) per process. */
  perOrderMs: Record<string, number>;
  /** Whole machine, and what processes outside the bench used: the noise of a shared machine. */
  machineCores?: number;
  otherCores?: number;
  /** Share of the phase during which some runnable task waited for a CPU (machine-wide, /proc/pressure/cpu). */
  cpuPressure?: number;
}

export interface PhaseResult {
  name: string;
  label: string;
  mode: 'burst' | 'closed' | 'open';
  workers: number;
  concurrency?: number;
  targetRate?: number;
  durationS: number;
  orders: {
    created: number;
    createErrors: number;
    completed: number;
    success: number;
    failed: number;
    incomplete: number;
  };
  /** Orders per second whose callback arrived inside the measured window. */
  throughput: number;
  /** Length of that window, s. */
  windowS: number;
  latencyMs: {
    create?: LatencySummary;
    final?: LatencySummary;
    callback?: LatencySummary;
    status?: LatencySummary;
  };
  statusReads: number;
  statusErrors: number;
  cpu?: CpuUse;
  memoryMiB: Record<string, { rss: number; peakRss: number }>;
}

export interface CeilingResult {
  workflows: number;
  /** Workflows in flight at most (closed), or 0 (burst). */
  inflightCap: number;
  /** Whether it carried the orders' search attributes. */
  searchAttributes: boolean;
  shapes: Record<string, string>;
  /** Steady-state completions per second (10th to 90th percentile of close times), mean of the runs. */
  throughput: number;
  /** Each run's (before and after the end-to-end phases). */
  runs?: number[];
  /** Workflows ÷ (last close − first start). */
  overall: number;
  latencyMs?: LatencySummary;
  cpu?: CpuUse;
  memoryMiB: Record<string, { rss: number; peakRss: number }>;
}

/** What one happy-path order costs. */
export interface OrderCost {
  orders: number;
  historyEvents?: number;
  activityTasks?: number;
  localActivities?: number;
  workflowTasks?: number;
  searchAttributeUpserts?: number;
  /** Local activity attempts beyond the first, per order. */
  localActivityRetries?: number;
  eventsByType?: Record<string, number>;
  /** pg_stat_statements calls per order, BEGIN/COMMIT/ROLLBACK left out. */
  pgStatements?: number;
  /** BEGIN/COMMIT/ROLLBACK per order. */
  pgTransactionControl?: number;
  topStatements?: Array<{ query: string; calls: number; ms: number }>;
}

export interface TargetCheck {
  name: string;
  target: string;
  actual: number | undefined;
  unit: string;
  met: boolean | undefined;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  elapsedS: number;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryMiB: number; loadAvg: number[] };
  options: Omit<BenchOptions, 'out'>;
  ceiling: CeilingResult;
  phases: PhaseResult[];
  cost: {
    deposit?: OrderCost;
    payout?: OrderCost;
    ceilingDeposit?: OrderCost;
    ceilingPayout?: OrderCost;
    statusRead?: OrderCost;
  };
  ratios: {
    /** End-to-end orders/s (one worker, peak) ÷ ceiling workflows/s: the headline. */
    peakOverCeiling?: number;
    twoWorkersOverCeiling?: number;
    twoWorkersOverOne?: number;
    /**
     * Ceiling CPU per workflow ÷ end-to-end CPU per order, over the stack's processes (not the load generator):
     * what the throughput ratio tends to on a machine whose CPU is the limit, whatever else runs on it.
     */
    cpuPerOrder?: number;
  };
  /**
   * Latency with nothing else going on: creates of the cost samples (4 at a time) and status reads one at a time,
   * and the API's CPU per status read: the floor under the latency targets.
   */
  quiet?: {
    create?: LatencySummary;
    statusRead?: LatencySummary;
    /** A workflow start with an order's search attributes, one at a time, straight to Temporal. */
    temporalStart?: LatencySummary;
    apiCpuPerStatusReadMs?: number;
  };
  /** Cores each process uses with no orders at all (pollers, timers), measured between phases. */
  idleCores?: Record<string, number>;
  /** The balance micro-benchmark, when it ran (bench/balance.ts). */
  balance?: BalanceBenchResult;
  targets: TargetCheck[];
  profiles?: Array<{ process: string; thread: string; summary: ProfileSummary }>;
  notes: string[];
}

/** The processes whose CPU an order costs (the load generator, `bench`, is not one of them). */
export const STACK_PROCESSES = ['temporal', 'postgres', 'worker-1', 'worker-2', 'api', 'ceiling-worker'];

/** Ratios of a run: computed from the same run's figures, so they survive a noisy machine better than the figures. */
export function computeRatios(
  ceiling: Pick<CeilingResult, 'throughput' | 'cpu'>,
  peak?: Pick<PhaseResult, 'throughput' | 'cpu'>,
  twoWorkers?: Pick<PhaseResult, 'throughput'>,
): BenchResult['ratios'] {
  const ceilingCpu = ceiling.cpu ? cpuTotal(ceiling.cpu.perOrderMs, STACK_PROCESSES) : undefined;
  const peakCpu = peak?.cpu ? cpuTotal(peak.cpu.perOrderMs, STACK_PROCESSES) : undefined;
  return {
    peakOverCeiling: ratio(peak?.throughput, ceiling.throughput),
    twoWorkersOverCeiling: ratio(twoWorkers?.throughput, ceiling.throughput),
    twoWorkersOverOne: ratio(twoWorkers?.throughput, peak?.throughput),
    cpuPerOrder: ratio(ceilingCpu, peakCpu),
  };
}

/** The issue's targets, checked against a run. */
export function checkTargets(
  r: Pick<BenchResult, 'ratios' | 'phases' | 'balance'> & { cost?: BenchResult['cost'] },
): TargetCheck[] {
  const half = r.phases.find((p) => p.name === 'half-rate');
  // The bench's orders are paid in the create answer and their merchant callback is delivered at once.
  const events = (direction: 'deposit' | 'payout', most: number) =>
    check(
      `history events, ${direction} paid at create`,
      `≤ ${most}`,
      r.cost?.[direction]?.historyEvents,
      '',
      (v) => v <= most,
    );
  return [
    check('end-to-end ÷ ceiling', '≥ 0.8', r.ratios.peakOverCeiling, '', (v) => v >= 0.8),
    check('create p99 at half the peak rate', '≤ 25 ms', half?.latencyMs.create?.p99, 'ms', (v) => v <= 25),
    check('status read p99 at half the peak rate', '≤ 10 ms', half?.latencyMs.status?.p99, 'ms', (v) => v <= 10),
    events('deposit', 25),
    events('payout', 30),
    ...(r.balance ? balanceTargets(r.balance) : []),
  ];
}

function check(
  name: string,
  target: string,
  actual: number | undefined,
  unit: string,
  ok: (v: number) => boolean,
): TargetCheck {
  return { name, target, actual, unit, met: actual === undefined ? undefined : ok(actual) };
}

/**
 * The issue's balance targets: a payout's balance check and hold within 2 ms at a million postings (p99 of one at a
 * time), at least 100 concurrent holds a second on one merchant and currency, and no lost update (the running
 * balance off by nothing).
 */
export function balanceTargets(b: BalanceBenchResult): TargetCheck[] {
  const at = `at ${b.postings.toLocaleString('en-US')} postings`;
  return [
    check(`balance check + hold p99 ${at}`, '≤ 2 ms', b.holdMs?.p99, 'ms', (v) => v <= 2),
    check('concurrent holds, one merchant and currency', '≥ 100/s', b.concurrent.perSecond, '/s', (v) => v >= 100),
    check('running balance off after the holds (lost updates)', '= 0', b.offMinor, 'minor units', (v) => v === 0),
  ];
}

/** The balance micro-benchmark's section of a report. */
export function renderBalance(b: BalanceBenchResult): string {
  const out = [
    `Payout balance: ${b.postings.toLocaleString('en-US')} postings of one merchant and currency (seeded in ` +
      `${fmt(b.seedS, 1)} s), PostgreSQL ${b.durable ? 'durable' : 'without fsync'}`,
  ];
  const rows: string[][] = [['', 'n', 'p50', 'p95', 'p99', 'max']];
  rows.push(latencyRow('the old check: sum of postings and holds (ms)', b.sumMs));
  rows.push(latencyRow('balance check + hold, one at a time (ms)', b.holdMs));
  rows.push(latencyRow('  the same on a balance of 1,000 postings, interleaved', b.smallHoldMs));
  rows.push(latencyRow('  a SELECT 1 round trip, interleaved (3 per hold)', b.roundTripMs));
  rows.push(latencyRow(`balance check + hold, ${b.concurrent.concurrency} in flight (ms)`, b.concurrent.latencyMs));
  out.push(formatTable(rows));
  out.push(
    `  ${b.concurrent.holds} holds with ${b.concurrent.concurrency} in flight: ${fmt(b.concurrent.perSecond, 0)} ` +
      `holds/s (${b.concurrent.placed} placed); running balance ${b.exact ? 'exact' : 'NOT exact'} ` +
      '(= sum of postings and open holds, = opening − holds placed)',
  );
  return out.join('\n');
}

/** The report of `--balance` alone. */
export function renderBalanceReport(r: BalanceOnlyResult): string {
  const m = r.machine;
  return [
    `PayStar balance bench, ${r.startedAt}: ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}, Node ${m.node}, in ` +
      `${fmt(r.elapsedS, 0)} s (load average at start ${m.loadAvg.map((v) => v.toFixed(2)).join(' ')})`,
    '',
    renderBalance(r.balance),
    '',
    'Targets',
    renderTargets(r.targets),
  ].join('\n');
}

/** What `--balance` alone writes as JSON. */
export interface BalanceOnlyResult {
  version: 1;
  kind: 'balance';
  startedAt: string;
  elapsedS: number;
  machine: BenchResult['machine'];
  balance: BalanceBenchResult;
  targets: TargetCheck[];
}

function renderTargets(targets: TargetCheck[]): string {
  return formatTable(
    targets.map((t) => [
      t.name,
      t.target,
      t.actual === undefined ? '—' : `${fmt(t.actual, t.unit === '' ? 2 : 1)}${t.unit ? ` ${t.unit}` : ''}`,
      t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT met',
    ]),
  );
}

/** Left-aligned first column, right-aligned others, two spaces between columns. */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string>>, indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** A number for the table: `—` when missing, fixed decimals otherwise. */
export function fmt(value: number | undefined, decimals = 1): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(decimals);
}

const latencyRow = (label: string, s: LatencySummary | undefined): string[] => [
  label,
  s ? String(s.count) : '0',
  fmt(s?.p50),
  fmt(s?.p95),
  fmt(s?.p99),
  fmt(s?.max),
];

const PROCESS_ORDER = ['temporal', 'postgres', 'worker-1', 'worker-2', 'api', 'ceiling-worker', 'bench'];

/** The readable report of a run. */
export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `PayStar bench, ${r.startedAt}: ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}, Node ${m.node}, ` +
      `${r.options.quick ? 'quick run' : 'full run'} in ${fmt(r.elapsedS, 0)} s`,
  );
  const noisy = [r.ceiling.cpu, ...r.phases.map((p) => p.cpu)].map((c) => c?.otherCores).filter((v) => v !== undefined);
  if (noisy.length > 0) {
    out.push(
      `Machine noise: processes outside the bench used ${fmt(Math.max(...noisy), 2)} cores at most during a phase ` +
        `(load average at start ${m.loadAvg.map((v) => v.toFixed(2)).join(' ')}); compare ratios, not raw figures.`,
    );
  }

  out.push('', 'Throughput');
  const rows: string[][] = [['', 'orders/s', '÷ ceiling', 'completed', 'failed']];
  const runs =
    r.ceiling.runs && r.ceiling.runs.length > 1 ? ` (runs ${r.ceiling.runs.map((v) => fmt(v)).join(', ')})` : '';
  rows.push([
    `ceiling: bare workflow, ${describeShapes(r.ceiling.shapes)}, no-op activities${runs}`,
    fmt(r.ceiling.throughput),
    '1.00',
    String(r.ceiling.workflows * Math.max(1, r.ceiling.runs?.length ?? 1)),
    '0',
  ]);
  for (const p of r.phases) {
    rows.push([
      p.label,
      fmt(p.throughput),
      fmt(ratio(p.throughput, r.ceiling.throughput), 2),
      String(p.orders.completed),
      String(p.orders.failed + p.orders.createErrors + p.orders.incomplete),
    ]);
  }
  out.push(formatTable(rows));

  out.push('', 'Latency (ms)');
  const lat: string[][] = [['', 'n', 'p50', 'p95', 'p99', 'max']];
  lat.push(latencyRow('ceiling: workflow start → close', r.ceiling.latencyMs));
  if (r.quiet) {
    lat.push(latencyRow('light load: create, 4 at a time', r.quiet.create));
    lat.push(latencyRow('light load: Temporal workflow start alone', r.quiet.temporalStart));
    lat.push(latencyRow('light load: status read, one at a time', r.quiet.statusRead));
  }
  for (const p of r.phases) {
    lat.push(latencyRow(`${p.name}: create (POST → answer)`, p.latencyMs.create));
    lat.push(latencyRow(`${p.name}: time to final status`, p.latencyMs.final));
    lat.push(latencyRow(`${p.name}: time to callback delivered`, p.latencyMs.callback));
    lat.push(latencyRow(`${p.name}: status read`, p.latencyMs.status));
  }
  out.push(formatTable(lat));

  out.push('', 'Cost per happy-path order');
  const c = r.cost;
  const cols: Array<[string, OrderCost | undefined]> = [
    ['deposit', c.deposit],
    ['payout', c.payout],
    ['ceiling (deposit shape)', c.ceilingDeposit],
    ['ceiling (payout shape)', c.ceilingPayout],
  ];
  const cost: string[][] = [['', ...cols.map(([n]) => n)]];
  const costRow = (label: string, pick: (o: OrderCost) => number | undefined, d = 0) =>
    cost.push([label, ...cols.map(([, o]) => (o ? fmt(pick(o), d) : '—'))]);
  costRow('Temporal history events', (o) => o.historyEvents);
  costRow('  activity tasks', (o) => o.activityTasks);
  costRow('  local activities (markers)', (o) => o.localActivities);
  costRow('  workflow tasks', (o) => o.workflowTasks);
  costRow('  search attribute upserts', (o) => o.searchAttributeUpserts);
  costRow('  local activity retries', (o) => o.localActivityRetries, 1);
  costRow('PostgreSQL statements', (o) => o.pgStatements, 1);
  costRow('  + BEGIN/COMMIT', (o) => o.pgTransactionControl, 1);
  out.push(formatTable(cost));
  if (c.statusRead?.pgStatements !== undefined) {
    const cpu = r.quiet?.apiCpuPerStatusReadMs;
    out.push(
      `  a status read: ${fmt(c.statusRead.pgStatements, 1)} PostgreSQL statements` +
        (cpu === undefined ? '' : `, ${fmt(cpu, 1)} ms of API CPU`),
    );
  }

  const cpuPhases: Array<[string, CpuUse | undefined, number]> = [
    ['ceiling', r.ceiling.cpu, r.ceiling.throughput],
    ...r.phases.map((p): [string, CpuUse | undefined, number] => [p.name, p.cpu, p.throughput]),
  ];
  const procs = PROCESS_ORDER.filter((name) => cpuPhases.some(([, cpu]) => cpu?.seconds[name] !== undefined));
  if (procs.length > 0) {
    out.push(
      '',
      'CPU per order, ms (average cores busy); stack total leaves out the load generator (bench); CPU waits: share ' +
        'of the time some task waited for a CPU (machine-wide)',
    );
    const cpu: string[][] = [['', ...procs, 'stack total', 'machine', 'CPU waits']];
    for (const [name, use] of cpuPhases) {
      if (!use) continue;
      const total = cpuTotal(use.perOrderMs, STACK_PROCESSES);
      const totalCores = cpuTotal(use.cores, STACK_PROCESSES);
      cpu.push([
        name,
        ...procs.map((p) =>
          use.perOrderMs[p] === undefined ? '—' : `${fmt(use.perOrderMs[p], 1)} (${fmt(use.cores[p], 2)})`,
        ),
        `${fmt(total, 1)} (${fmt(totalCores, 2)})`,
        fmt(use.machineCores, 2),
        use.cpuPressure === undefined ? '—' : `${fmt(use.cpuPressure * 100, 0)} %`,
      ]);
    }
    out.push(formatTable(cpu));
    if (r.idleCores) {
      const idle = STACK_PROCESSES.filter((p) => r.idleCores![p] !== undefined);
      out.push(
        `  idle, no orders: ${fmt(cpuTotal(r.idleCores, STACK_PROCESSES), 2)} cores ` +
          `(${idle.map((p) => `${p} ${fmt(r.idleCores![p], 2)}`).join(', ')})`,
      );
    }
  }

  const memory = new Map<string, { rss: number; peakRss: number }>();
  for (const [name, mem] of Object.entries(r.ceiling.memoryMiB)) memory.set(name, mem);
  for (const p of r.phases) for (const [name, mem] of Object.entries(p.memoryMiB)) memory.set(name, mem);
  if (memory.size > 0) {
    out.push('', 'Memory (MiB): resident at the end of the run / peak');
    out.push(formatTable([...memory].map(([name, mem]) => [name, `${fmt(mem.rss, 0)} / ${fmt(mem.peakRss, 0)}`])));
  }

  out.push('', 'Ratios');
  out.push(
    formatTable([
      ['end-to-end (1 worker) ÷ ceiling', fmt(r.ratios.peakOverCeiling, 2)],
      ['end-to-end (2 workers) ÷ ceiling', fmt(r.ratios.twoWorkersOverCeiling, 2)],
      ['2 workers ÷ 1 worker', fmt(r.ratios.twoWorkersOverOne, 2)],
      ['ceiling CPU per workflow ÷ end-to-end CPU per order (1 worker)', fmt(r.ratios.cpuPerOrder, 2)],
    ]),
  );

  if (r.balance) out.push('', renderBalance(r.balance));

  out.push('', 'Targets');
  out.push(renderTargets(r.targets));

  for (const p of r.profiles ?? []) {
    out.push('', `Profile: ${p.process} (${p.thread}), busy ${fmt(p.summary.busyMs / 1000, 1)} s`);
    out.push(formatTable(p.summary.byOrigin.slice(0, 8).map((e) => [e.name, `${fmt(e.share * 100, 1)} %`])));
    out.push('  top functions (self time):');
    out.push(
      formatTable(
        p.summary.topFunctions.slice(0, 10).map((e) => [shorten(e.name, 100), `${fmt(e.share * 100, 1)} %`]),
        '    ',
      ),
    );
  }
  for (const note of r.notes) out.push('', `Note: ${note}`);
  return out.join('\n');
}

/** A name cut to `max` characters (V8 names regular expressions by their whole source). */
export function shorten(name: string, max: number): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

function describeShapes(shapes: Record<string, string>): string {
  return Object.entries(shapes)
    .map(([name, shape]) => {
      const a = [...shape].filter((s) => s === 'A').length;
      return `${name} ${a}A+${shape.length - a}LA`;
    })
    .join(' / ');
}
