import type { BalanceBenchResult } from '../../bench/balance';
import { type CpuProfile, originOf, summarizeProfile } from '../../bench/profile';
import {
  balanceTargets,
  type BenchResult,
  checkTargets,
  computeRatios,
  fmt,
  formatTable,
  type PhaseResult,
  renderReport,
  shorten,
} from '../../bench/report';

const latency = (p50: number, p99: number) => ({ count: 100, min: 1, p50, p95: p99, p99, max: p99, mean: p50 });

function phase(name: string, throughput: number, overrides: Partial<PhaseResult> = {}): PhaseResult {
  return {
    name,
    label: `end to end, ${name}`,
    mode: 'closed',
    workers: 1,
    concurrency: 16,
    durationS: 30,
    orders: { created: 300, createErrors: 0, completed: 300, success: 300, failed: 0, incomplete: 0 },
    throughput,
    windowS: 25,
    latencyMs: {
      create: latency(20, 40),
      final: latency(200, 400),
      callback: latency(250, 500),
      status: latency(4, 9),
    },
    statusReads: 600,
    statusErrors: 0,
    cpu: {
      seconds: { temporal: 10, 'worker-1': 8, api: 3, bench: 1 },
      cores: { temporal: 0.4, 'worker-1': 0.3, api: 0.1, bench: 0.04 },
      perOrderMs: { temporal: 50, 'worker-1': 40, api: 15, bench: 5 },
      machineCores: 1.9,
      otherCores: 0.5,
      cpuPressure: 0.42,
    },
    memoryMiB: { 'worker-1': { rss: 300, peakRss: 350 } },
    ...overrides,
  };
}

function result(): BenchResult {
  const ceiling = {
    workflows: 400,
    inflightCap: 0,
    searchAttributes: false,
    shapes: { deposit: 'LAAALALAL', payout: 'LAALAALALAL' },
    throughput: 20,
    overall: 18,
    latencyMs: latency(3000, 6000),
    cpu: {
      seconds: { temporal: 20, 'ceiling-worker': 16, bench: 1 },
      cores: { temporal: 0.9, 'ceiling-worker': 0.7, bench: 0.05 },
      perOrderMs: { temporal: 50, 'ceiling-worker': 40, bench: 2 },
      machineCores: 2,
      otherCores: 0.35,
    },
    memoryMiB: { 'ceiling-worker': { rss: 280, peakRss: 290 } },
  };
  const peak = phase('peak', 17);
  const half = phase('half-rate', 8.5, {
    mode: 'open',
    targetRate: 8.5,
    latencyMs: { create: latency(15, 30), status: latency(3, 8) },
  });
  const two = phase('two-workers', 17.9, { workers: 2 });
  const ratios = computeRatios(ceiling, peak, two);
  return {
    version: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    elapsedS: 170,
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      node: 'v20.0.0',
      platform: 'linux-x64',
      memoryMiB: 4096,
      loadAvg: [1, 1, 1],
    },
    options: {
      quick: false,
      concurrency: 16,
      durationS: 30,
      ceilingS: 20,
      payoutShare: 0.5,
      statusRate: 20,
      peak: 'burst',
      ceilingSearchAttributes: false,
      scaling: true,
      profile: false,
      pgEphemeral: false,
      temporalDb: 'memory',
      logLevel: 'info',
      balance: 'also',
      balancePostings: 1_000_000,
    },
    ceiling,
    phases: [peak, half, two],
    cost: {
      deposit: {
        orders: 30,
        historyEvents: 40,
        activityTasks: 5,
        localActivities: 4,
        workflowTasks: 6,
        pgStatements: 25,
      },
      payout: {
        orders: 30,
        historyEvents: 47,
        activityTasks: 6,
        localActivities: 5,
        workflowTasks: 7,
        pgStatements: 32,
      },
      ceilingDeposit: { orders: 3, historyEvents: 39, activityTasks: 5, localActivities: 4, workflowTasks: 6 },
      statusRead: { orders: 50, pgStatements: 3 },
    },
    ratios,
    idleCores: { temporal: 0.05, 'worker-1': 0.01, api: 0, bench: 0.2 },
    quiet: {
      create: latency(6, 12),
      statusRead: latency(2, 4),
      temporalStart: latency(3, 5),
      apiCpuPerStatusReadMs: 1.5,
    },
    targets: checkTargets({ ratios, phases: [peak, half, two] }),
    notes: ['a note'],
  };
}

describe('bench report', () => {
  test('ratios divide figures of the same run; the CPU ratio leaves the load generator out', () => {
    const r = result();
    expect(r.ratios.peakOverCeiling).toBeCloseTo(0.85);
    expect(r.ratios.twoWorkersOverOne).toBeCloseTo(17.9 / 17);
    // ceiling 50 + 40 = 90 ms; peak 50 + 40 + 15 = 105 ms (bench's 5 ms left out)
    expect(r.ratios.cpuPerOrder).toBeCloseTo(90 / 105);
    expect(computeRatios({ throughput: 0 }, { throughput: 5 })).toEqual({
      peakOverCeiling: undefined,
      twoWorkersOverCeiling: undefined,
      twoWorkersOverOne: undefined,
      cpuPerOrder: undefined,
    });
  });

  test('targets: throughput ratio, create p99 and status p99 at half rate', () => {
    const targets = result().targets;
    expect(targets.map((t) => [t.name, t.met])).toEqual([
      ['end-to-end ÷ ceiling', true],
      ['create p99 at half the peak rate', false],
      ['status read p99 at half the peak rate', true],
      ['history events, deposit paid at create', undefined],
      ['history events, payout paid at create', undefined],
    ]);
    const counted = checkTargets({
      ratios: {},
      phases: [],
      cost: { deposit: { orders: 1, historyEvents: 24 }, payout: { orders: 1, historyEvents: 31 } },
    });
    expect(counted.slice(-2).map((t) => [t.actual, t.met])).toEqual([
      [24, true],
      [31, false],
    ]);
    expect(targets[1]!.actual).toBe(30);
    expect(targets[2]!.actual).toBe(8);
    const unmeasured = checkTargets({ ratios: {}, phases: [] });
    expect(unmeasured.every((t) => t.met === undefined)).toBe(true);
  });

  test('balance targets: hold p99 at a million postings, concurrent holds a second, nothing off', () => {
    const balance: BalanceBenchResult = {
      postings: 1_000_000,
      seedS: 50,
      sumMs: latency(130, 140),
      holdMs: latency(1.2, 2.5),
      smallHoldMs: latency(1.2, 2.4),
      roundTripMs: latency(0.3, 0.6),
      concurrent: { holds: 2000, concurrency: 32, seconds: 10, perSecond: 200, placed: 2000 },
      exact: true,
      offMinor: 0,
      durable: true,
    };
    expect(balanceTargets(balance).map((t) => [t.name, t.actual, t.met])).toEqual([
      ['balance check + hold p99 at 1,000,000 postings', 2.5, false],
      ['concurrent holds, one merchant and currency', 200, true],
      ['running balance off after the holds (lost updates)', 0, true],
    ]);
    const full = { ...result(), balance };
    expect(checkTargets(full).map((t) => t.name)).toContain('concurrent holds, one merchant and currency');
    const text = renderReport({ ...full, targets: checkTargets(full) });
    expect(text).toContain('Payout balance: 1,000,000 postings of one merchant and currency');
    expect(text).toMatch(/2000 holds with 32 in flight: 200 holds\/s \(2000 placed\); running balance exact/);
  });

  test('tables pad the first column left and the others right', () => {
    expect(
      formatTable([
        ['', 'n', 'p99'],
        ['create', '12', '3.5'],
        ['status read', '1200', '10.0'],
      ]),
    ).toBe(['                  n   p99', '  create         12   3.5', '  status read  1200  10.0'].join('\n'));
    expect(fmt(undefined)).toBe('—');
    expect(fmt(Number.NaN)).toBe('—');
    expect(fmt(1.234, 2)).toBe('1.23');
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('abc', 4)).toBe('abc');
  });

  test('the report shows throughput with ratios, latency, costs, CPU, memory and targets', () => {
    const text = renderReport(result());
    expect(text).toContain('2 CPUs (Test CPU)');
    expect(text).toMatch(/ceiling: bare workflow, deposit 5A\+4LA \/ payout 6A\+5LA, no-op activities\s+20\.0\s+1\.00/);
    expect(text).toMatch(/end to end, peak\s+17\.0\s+0\.85\s+300\s+0/);
    expect(text).toMatch(/half-rate: create \(POST → answer\)\s+100\s+15\.0\s+30\.0\s+30\.0/);
    expect(text).toMatch(/Temporal history events\s+40\s+47\s+39\s+—/);
    expect(text).toMatch(/a status read: 3\.0 PostgreSQL statements, 1\.5 ms of API CPU/);
    expect(text).toMatch(/light load: status read, one at a time\s+100\s+2\.0\s+4\.0\s+4\.0/);
    expect(text).toMatch(/light load: Temporal workflow start alone\s+100\s+3\.0\s+5\.0/);
    expect(text).toMatch(/peak\s+50\.0 \(0\.40\).*1\.90\s+42 %/);
    expect(text).toContain('idle, no orders: 0.06 cores (temporal 0.05, worker-1 0.01, api 0.00)');
    expect(text).toMatch(/worker-1\s+300 \/ 350/);
    expect(text).toMatch(/create p99 at half the peak rate\s+≤ 25 ms\s+30\.0 ms\s+NOT met/);
    expect(text).toMatch(/end-to-end ÷ ceiling\s+≥ 0\.8\s+0\.85\s+met/);
    expect(text).toContain('Machine noise: processes outside the bench used 0.50 cores at most');
    expect(text).toContain('Note: a note');
  });
});

describe('bench profile summary', () => {
  const root = '/repo';
  test('origins: packages, project folders, Node, V8 pseudo-frames', () => {
    expect(originOf('query', 'file:///repo/node_modules/pg/lib/client.js', root)).toBe('pg');
    expect(originOf('x', 'file:///repo/node_modules/@temporalio/worker/lib/worker.js', root)).toBe(
      '@temporalio/worker',
    );
    expect(originOf('recordOrderEvent', 'file:///repo/activities/order-history.ts', root)).toBe('activities/');
    expect(originOf('emit', 'node:events', root)).toBe('node internals');
    expect(originOf('(garbage collector)', '', root)).toBe('GC');
    expect(originOf('(idle)', '', root)).toBe('idle');
    expect(originOf('JSON.parse', '', root)).toBe('V8 builtins');
  });

  test('self time per function and origin, idle left out of the shares', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        {
          id: 3,
          callFrame: { functionName: 'query', url: 'file:///repo/node_modules/pg/lib/client.js', lineNumber: 9 },
        },
        { id: 4, callFrame: { functionName: 'mark', url: 'file:///repo/activities/order-history.ts', lineNumber: 4 } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      ],
      samples: [2, 3, 3, 3, 4, 5, 2],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 3000],
      startTime: 0,
      endTime: 9000,
    };
    const summary = summarizeProfile(profile, root);
    expect(summary.totalMs).toBe(9);
    expect(summary.busyMs).toBe(5);
    expect(summary.topFunctions[0]).toEqual({ name: 'query pg/lib/client.js:10', selfMs: 3, share: 0.6 });
    expect(summary.byOrigin.map((e) => e.name)).toEqual(['pg', 'activities/', 'GC']);
    expect(summary.topFunctions.find((e) => e.name.startsWith('mark'))?.name).toBe(
      'mark activities/order-history.ts:5',
    );
  });
});
