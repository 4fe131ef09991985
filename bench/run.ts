/**
 * One bench run, in this order, on one embedded stack (docs/benchmarks.md):
 *   1. the ceiling: bare workflows of the orders' shape with no-op activities, on their own worker;
 *   2. a warm-up through the API (not measured), then quiet samples of deposits, payouts and status reads for the
 *      per-order costs (history events by type, PostgreSQL statements) and the quiet latencies; the idle stack;
 *   3. peak through the API, one engine worker, driven as the ceiling was (a burst by default);
 *   4. half-rate: an open loop at half the peak's orders/s, for create latency at a steady load;
 *   5. two workers: the peak again with a second worker process on the same task queue;
 *   6. the ceiling again, so that both sides of the ratio see the machine's drifting load;
 *   7. the balance micro-benchmark (bench/balance.ts) on the stack's database, unless --no-balance.
 * Status reads run at a fixed rate alongside 3–5. CPU per process, memory, and (with --profile) CPU profiles are
 * recorded throughout.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../domain/order';
import { createDataSource } from '../entities/data-source';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../infra/paths';
import { BALANCE_DEFAULTS, BALANCE_QUICK, type BalanceBenchResult, runBalanceBench } from './balance';
import type { BenchChild } from './children';
import { probeStartLatency, runCeilingBatch } from './ceiling/run';
import { ORDER_SHAPES } from './ceiling/shapes';
import {
  burst,
  closedLoop,
  createHttpClient,
  openLoop,
  orderBatch,
  OrderLoad,
  type OrderRecord,
  type PhaseLoad,
} from './load';
import type { BenchOptions } from './plan';
import { cpuDelta, cpuPressureMicros, cpuSecondsByTree, machineCpuSeconds, memoryMiB } from './proc';
import { type CpuProfile, summarizeProfile } from './profile';
import {
  type BenchResult,
  type CeilingResult,
  checkTargets,
  computeRatios,
  type CpuUse,
  type OrderCost,
  type PhaseResult,
} from './report';
import { type BenchStack, CEILING_TASK_QUEUE, type PgCounters, startBenchStack } from './stack';
import { closedLoopWindowStart, perOrder, steadyRate, steadyWindow, summarize, windowRate } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallNowMs = () => performance.timeOrigin + performance.now();
const FINAL_STATUSES = ['Success', 'Failed'];
const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** The average of several runs' CPU use, process by process (a process missing from a run counts in none). */
function meanCpu(uses: Array<CpuUse | undefined>): CpuUse | undefined {
  const present = uses.filter((u): u is CpuUse => u !== undefined);
  if (present.length === 0) return undefined;
  const avg = (pick: (u: CpuUse) => Record<string, number>) => {
    const keys = new Set(present.flatMap((u) => Object.keys(pick(u))));
    return Object.fromEntries(
      [...keys].map((k) => [k, mean(present.flatMap((u) => (pick(u)[k] === undefined ? [] : [pick(u)[k]!])))]),
    );
  };
  const avgOf = (pick: (u: CpuUse) => number | undefined) => {
    const values = present.flatMap((u) => (pick(u) === undefined ? [] : [pick(u)!]));
    return values.length > 0 ? mean(values) : undefined;
  };
  return {
    seconds: avg((u) => u.seconds),
    cores: avg((u) => u.cores),
    perOrderMs: avg((u) => u.perOrderMs),
    machineCores: avgOf((u) => u.machineCores),
    otherCores: avgOf((u) => u.otherCores),
    cpuPressure: avgOf((u) => u.cpuPressure),
  };
}

/** Completions per second from the first start to the last completion; a floor of 1 keeps a sizing sane. */
function overallRate(startedAt: number, completions: number[]): number {
  if (completions.length === 0) return 1;
  return Math.max(1, (completions.length / Math.max(1, Math.max(...completions) - startedAt)) * 1000);
}

/** Where a run writes its JSON; its logs and profiles go to a folder of the same name. */
export function resultPaths(options: BenchOptions, startedAt: Date, prefix = 'bench') {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const json = path.resolve(options.out ?? path.join(DEFAULT_DATA_DIR, 'bench', `${prefix}-${stamp}.json`));
  return { json, dir: json.replace(/\.json$/, '') };
}

/** Keeps what is needed to measure the processes a phase runs on. */
class Meter {
  readonly roots: Record<string, number | undefined>;
  private readonly peaks = new Map<string, { rss: number; peakRss: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(stack: BenchStack) {
    this.roots = { temporal: stack.pids.temporal, postgres: stack.pids.postgres };
  }

  add(child: BenchChild): void {
    this.roots[child.name] = child.pid;
  }

  remove(name: string): void {
    delete this.roots[name];
  }

  /** Runs `work` and returns its CPU use per process, from /proc, and the memory of the Node processes. */
  async measure<T>(
    work: () => Promise<T>,
  ): Promise<{ value: T; seconds: number; cpu: Omit<CpuUse, 'perOrderMs'> | undefined }> {
    const nodeProcesses = Object.entries(this.roots).filter(([n]) => n !== 'temporal' && n !== 'postgres');
    this.peaks.clear();
    this.timer = setInterval(() => this.sampleMemory(nodeProcesses), 1_000);
    const cpuBefore = cpuSecondsByTree(this.roots);
    const benchBefore = process.cpuUsage();
    const machineBefore = machineCpuSeconds();
    const pressureBefore = cpuPressureMicros();
    const t0 = performance.now();
    try {
      const value = await work();
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuDelta(cpuBefore, cpuSecondsByTree(this.roots));
      const benchUsage = process.cpuUsage(benchBefore);
      cpuSeconds.bench = (benchUsage.user + benchUsage.system) / 1e6;
      const machineAfter = machineCpuSeconds();
      const pressureAfter = cpuPressureMicros();
      this.sampleMemory(nodeProcesses);
      if (Object.keys(cpuSeconds).length <= 1) return { value, seconds, cpu: undefined };
      const cores = Object.fromEntries(Object.entries(cpuSeconds).map(([n, s]) => [n, s / seconds]));
      const ours = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
      const machineBusy =
        machineBefore && machineAfter ? (machineAfter.busy - machineBefore.busy) / seconds : undefined;
      return {
        value,
        seconds,
        cpu: {
          seconds: cpuSeconds,
          cores,
          machineCores: machineBusy,
          otherCores: machineBusy === undefined ? undefined : Math.max(0, machineBusy - ours / seconds),
          cpuPressure:
            pressureBefore === undefined || pressureAfter === undefined
              ? undefined
              : (pressureAfter - pressureBefore) / 1e6 / seconds,
        },
      };
    } finally {
      clearInterval(this.timer);
    }
  }

  memory(): Record<string, { rss: number; peakRss: number }> {
    return Object.fromEntries(this.peaks);
  }

  private sampleMemory(processes: Array<[string, number | undefined]>): void {
    for (const [name, pid] of processes) {
      const mem = pid === undefined ? undefined : memoryMiB(pid);
      if (mem) this.peaks.set(name, mem);
    }
  }
}

function withPerOrder(cpu: Omit<CpuUse, 'perOrderMs'> | undefined, orders: number): CpuUse | undefined {
  if (!cpu) return undefined;
  const perOrderMs: Record<string, number> = {};
  for (const [name, s] of Object.entries(cpu.seconds)) {
    const v = perOrder(s * 1000, orders);
    if (v !== undefined) perOrderMs[name] = v;
  }
  return { ...cpu, perOrderMs };
}

/** Fills each record's finalAt: the time of its order's first Success/Failed history entry. */
async function readFinalTimes(stack: BenchStack, runId: string, phase: string, records: OrderRecord[]) {
  // bench_probe in the text keeps the bench's own queries out of the statement counts (stack.pgCounters).
  const rows: Array<{ bench_probe_ext: string; final_at: Date | null }> = await stack.ds.query(
    `SELECT o.external_transaction_id AS bench_probe_ext,
            (SELECT min(h.occurred_at) FROM order_history h
              WHERE h.order_id = o.id AND h.status = ANY($3)) AS final_at
       FROM orders o WHERE o.merchant_id = $1 AND o.external_transaction_id LIKE $2`,
    [stack.merchantId, `bench-${runId}-${phase}-%`, FINAL_STATUSES],
  );
  const byExt = new Map(rows.map((r) => [r.bench_probe_ext, r.final_at]));
  for (const record of records) {
    const at = byExt.get(record.externalTransactionId);
    if (at) record.finalAt = new Date(at).getTime();
  }
}

function phaseResult(
  base: Pick<PhaseResult, 'name' | 'label' | 'mode' | 'workers' | 'concurrency' | 'targetRate' | 'durationS'>,
  load: PhaseLoad,
  warmupMs: number,
  cpu: Omit<CpuUse, 'perOrderMs'> | undefined,
  memory: PhaseResult['memoryMiB'],
  notes: string[],
): PhaseResult {
  const records = load.records;
  const completed = records.filter((r) => r.callbackAt !== undefined);
  const callbackTimes = completed.map((r) => r.callbackAt!);
  let windowFrom = load.startedAt + warmupMs;
  let windowTo = load.stoppedAt;
  let throughput: number | undefined;
  if (base.mode === 'burst') {
    // A drained backlog: its steady part, as for the ceiling.
    const steady = steadyWindow(callbackTimes);
    throughput = steady.rate;
    windowFrom = steady.fromMs;
    windowTo = steady.toMs;
  } else if (base.mode === 'closed') {
    const start = closedLoopWindowStart(callbackTimes, {
      startedAt: load.startedAt,
      stopAt: load.stoppedAt,
      concurrency: base.concurrency ?? 1,
      warmupMs,
    });
    windowFrom = start.from;
    if (!start.firstRoundComplete) {
      notes.push(
        `${base.name}: the first ${base.concurrency} orders took longer than the phase; its orders/s are a rough ` +
          'figure (use a longer --duration or a lower --concurrency)',
      );
    }
  }
  return {
    ...base,
    orders: {
      created: records.filter((r) => r.externalId !== undefined).length,
      createErrors: records.filter((r) => r.externalId === undefined).length,
      completed: completed.length,
      success: completed.filter((r) => r.callbackStatus === 'Success').length,
      failed: completed.filter((r) => r.callbackStatus !== 'Success').length,
      incomplete: records.filter((r) => r.externalId !== undefined && r.callbackAt === undefined).length,
    },
    throughput: throughput ?? windowRate(callbackTimes, windowFrom, windowTo),
    windowS: (windowTo - windowFrom) / 1000,
    latencyMs: {
      create: summarize(records.filter((r) => r.createStatus === 200).map((r) => r.createMs!)),
      final: summarize(records.filter((r) => r.finalAt !== undefined).map((r) => Math.max(0, r.finalAt! - r.sentAt))),
      callback: summarize(completed.map((r) => r.callbackAt! - r.sentAt)),
      status: summarize(load.statusReads.filter((s) => s.status === 200).map((s) => s.ms)),
    },
    statusReads: load.statusReads.length,
    statusErrors: load.statusReads.filter((s) => s.status !== 200).length,
    cpu: withPerOrder(cpu, completed.length),
    memoryMiB: memory,
  };
}

/** History events of a workflow, by type, and the counts the report shows. */
async function historyCost(client: Client, workflowIds: string[]): Promise<Partial<OrderCost>> {
  if (workflowIds.length === 0) return {};
  const byType: Record<string, number> = {};
  let events = 0;
  let retries = 0;
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    for (const event of history.events ?? []) {
      const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
      byType[name] = (byType[name] ?? 0) + 1;
      events += 1;
      retries += localActivityRetriesOf(event);
    }
  }
  const n = workflowIds.length;
  const avg = (type: string) => (byType[type] ?? 0) / n;
  return {
    historyEvents: events / n,
    activityTasks: avg('ACTIVITY_TASK_SCHEDULED'),
    localActivities: avg('MARKER_RECORDED'),
    workflowTasks: avg('WORKFLOW_TASK_COMPLETED'),
    searchAttributeUpserts: avg('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
    localActivityRetries: retries / n,
    eventsByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v / n])),
  };
}

/**
 * Attempts beyond the first of a local activity, from its marker (core's own JSON: `{"seq":…,"attempt":…}`): a
 * local activity run again also runs its statements again.
 */
function localActivityRetriesOf(event: HistoryEvent): number {
  const marker = event.markerRecordedEventAttributes;
  const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
  if (!data) return 0;
  try {
    const attempt = (JSON.parse(Buffer.from(data).toString('utf8')) as { attempt?: number }).attempt ?? 1;
    return Math.max(0, attempt - 1);
  } catch {
    return 0;
  }
}

/** PostgreSQL work between two snapshots, per order. */
function pgCost(before: PgCounters, after: PgCounters, orders: number): OrderCost {
  let statements = 0;
  let control = 0;
  const top: Array<{ query: string; calls: number; ms: number }> = [];
  for (const [id, s] of after.statements) {
    const calls = s.calls - (before.statements.get(id)?.calls ?? 0);
    const ms = s.totalMs - (before.statements.get(id)?.totalMs ?? 0);
    if (calls <= 0) continue;
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)\b/i.test(s.query)) control += calls;
    else statements += calls;
    top.push({ query: s.query.replace(/\s+/g, ' ').slice(0, 160), calls: calls / orders, ms: ms / orders });
  }
  top.sort((a, b) => b.calls - a.calls || b.ms - a.ms);
  return {
    orders,
    pgStatements: statements / orders,
    pgTransactionControl: control / orders,
    topStatements: top.slice(0, 25),
  };
}

/** Waits until the orders' last history entry (the merchant callback's, written after the POST) is stored. */
async function waitForLastEntries(stack: BenchStack, records: OrderRecord[], timeoutMs: number) {
  const ids = records.map((r) => r.externalId).filter((id): id is string => id !== undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row]: Array<{ bench_probe_n: number }> = await stack.ds.query(
      `SELECT count(DISTINCT order_id)::int AS bench_probe_n FROM order_history
        WHERE order_id = ANY($1::uuid[]) AND code LIKE '6.1.%'`,
      [ids],
    );
    if ((row?.bench_probe_n ?? 0) >= ids.length) break;
    await sleep(100);
  }
  // Worker-side writes of the same tasks (the delivery log) land within a few ms of the history entry.
  await sleep(300);
}

async function readProfiles(dir: string): Promise<NonNullable<BenchResult['profiles']>> {
  const profiles: NonNullable<BenchResult['profiles']> = [];
  let processes: string[];
  try {
    processes = await readdir(dir);
  } catch {
    return profiles;
  }
  for (const name of processes.sort()) {
    const files = (await readdir(path.join(dir, name)).catch(() => [] as string[])).filter((f) =>
      f.endsWith('.cpuprofile'),
    );
    for (const file of files.sort()) {
      const profile = JSON.parse(await readFile(path.join(dir, name, file), 'utf8')) as CpuProfile;
      // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
      const [pid, tid] = [file.split('.').at(-4), file.split('.').at(-3)];
      const thread = `${tid === '0' ? 'main thread' : `thread ${tid}`}, pid ${pid}`;
      const summary = summarizeProfile(profile, PROJECT_ROOT);
      if (summary.busyMs >= 500) profiles.push({ process: name, thread, summary });
    }
  }
  return profiles;
}

export async function runBench(
  options: BenchOptions,
  say: (line: string) => void,
  onStack: (stop: () => Promise<void>) => void,
): Promise<{ result: BenchResult; jsonPath: string }> {
  const startedAt = new Date();
  const runId = randomUUID().slice(0, 8);
  const paths = resultPaths(options, startedAt);
  await mkdir(paths.dir, { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()}-${os.arch()}`,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg: os.loadavg(),
  };
  const stack = await startBenchStack({
    outDir: paths.dir,
    logLevel: options.logLevel,
    profile: options.profile,
    pgEphemeral: options.pgEphemeral,
    temporalDb: options.temporalDb,
    say,
  });
  onStack(() => stack.stop());
  const notes: string[] = [];
  try {
    const meter = new Meter(stack);
    const drainMs = options.quick ? 15_000 : 30_000;

    // 1. The ceiling, on its own worker: a calibration batch sizes the measured one to last about ceilingS. It is
    //    measured again, same size, after the end-to-end phases; the ratio uses both, so drifting noise on a shared
    //    machine weighs on both sides.
    const closed = options.peak === 'closed';
    const batch = (suffix: string, workflows: number) =>
      runCeilingBatch(stack.client, {
        taskQueue: CEILING_TASK_QUEUE,
        idPrefix: `ceiling-${runId}-${suffix}`,
        workflows,
        payoutShare: options.payoutShare,
        startConcurrency: options.concurrency,
        inflightCap: closed ? options.concurrency : 0,
        searchAttributes: options.ceilingSearchAttributes,
        timeoutMs: 180_000,
      });
    let workflows = 0;
    const ceilingRun = async (suffix: string) => {
      const ceilingMeter = new Meter(stack);
      const worker = await stack.startCeilingWorker();
      ceilingMeter.add(worker);
      try {
        if (workflows === 0) {
          const calibration = await batch('calibration', options.quick ? 60 : 150);
          // The whole batch's rate, start-up included: a short batch's steady part overstates a long one's.
          const calibrated = overallRate(
            calibration.firstStartAt,
            calibration.executions.map((e) => e.closeMs),
          );
          workflows = Math.max(options.quick ? 150 : 200, Math.min(20_000, Math.round(calibrated * options.ceilingS)));
          say(`ceiling: calibrated at ${calibrated.toFixed(1)} workflows/s; running ${workflows}`);
        }
        const m = await ceilingMeter.measure(() => batch(suffix, workflows));
        const closes = m.value.executions.map((e) => e.closeMs);
        const run = {
          executions: m.value.executions,
          throughput: steadyRate(closes),
          overall: (closes.length / (Math.max(...closes) - m.value.firstStartAt)) * 1000,
          cpu: withPerOrder(m.cpu, closes.length),
          memory: ceilingMeter.memory(),
        };
        say(
          `ceiling (${suffix}): ${run.throughput.toFixed(1)} workflows/s (steady), ${run.overall.toFixed(1)} overall`,
        );
        return run;
      } finally {
        await worker.stop();
      }
    };
    const firstCeiling = await ceilingRun('before');
    const sampleOf = (shape: 'deposit' | 'payout') =>
      firstCeiling.executions
        .filter((e) => e.shape === shape)
        .slice(-3)
        .map((e) => e.workflowId);
    const ceilingDeposit = { orders: 3, ...(await historyCost(stack.client, sampleOf('deposit'))) };
    const ceilingPayout = { orders: 3, ...(await historyCost(stack.client, sampleOf('payout'))) };

    // 2. The engine: one worker, the API, a warm-up (in burst mode a calibration batch, as for the ceiling), then
    //    the quiet cost samples.
    const worker1 = await stack.startEngineWorker('worker-1');
    meter.add(worker1);
    const api = await stack.startApi();
    meter.add(api.child);
    const http = createHttpClient(api.baseUrl, Math.max(64, options.concurrency * 2));
    const load = new OrderLoad(http, stack.keys, stack.callbackUrl, runId, options.payoutShare);
    stack.onCallback((body) => load.onCallback(body));
    say(`engine up (worker-1 pid ${worker1.pid}, api pid ${api.child.pid}); warming up`);
    const durationMs = options.durationS * 1000;
    const warmup = closed
      ? await closedLoop(load, {
          phase: 'warmup',
          concurrency: options.concurrency,
          durationMs: options.quick ? 3_000 : 6_000,
          drainMs,
          statusRate: 0,
        })
      : await burst(load, {
          phase: 'warmup',
          count: options.quick ? 60 : 150,
          concurrency: options.concurrency,
          timeoutMs: 120_000,
          statusRate: 0,
        });
    const warmupRate = overallRate(
      warmup.startedAt,
      warmup.records.flatMap((r) => (r.callbackAt === undefined ? [] : [r.callbackAt])),
    );
    const orders = Math.max(options.quick ? 100 : 200, Math.min(20_000, Math.round(warmupRate * options.durationS)));

    const sampleCount = options.quick ? 10 : 30;
    const costOf = async (direction: 'deposit' | 'payout'): Promise<OrderCost> => {
      const before = await stack.pgCounters();
      const records = await orderBatch(load, {
        phase: `cost-${direction}`,
        direction,
        count: sampleCount,
        concurrency: 4,
        timeoutMs: 30_000,
      });
      await waitForLastEntries(stack, records, 10_000);
      const after = await stack.pgCounters();
      const done = records.filter((r) => r.callbackAt !== undefined);
      const ids = done.slice(-3).map((r) => orderWorkflowId(direction, r.externalId!));
      return {
        ...pgCost(before, after, records.length),
        ...(await historyCost(stack.client, ids)),
        orders: records.length,
      };
    };
    const deposit = await costOf('deposit');
    const payout = await costOf('payout');
    const statusBefore = await stack.pgCounters();
    const reads = options.quick ? 100 : 200;
    const quietReads = await meter.measure(async () => {
      const answers: number[] = [];
      for (let i = 0; i < reads; i++) {
        const read = await load.readStatus('cost-deposit', i);
        if (read?.status === 200) answers.push(read.ms);
      }
      return answers;
    });
    const statusRead = pgCost(statusBefore, await stack.pgCounters(), reads);
    const starts = await probeStartLatency(stack.client, `probe-${runId}`, reads);
    // The floor under the latency targets: the same requests with nothing else going on.
    const quiet: BenchResult['quiet'] = {
      create: summarize(
        load.records.filter((r) => r.phase.startsWith('cost-') && r.createStatus === 200).map((r) => r.createMs!),
      ),
      statusRead: summarize(quietReads.value),
      temporalStart: summarize(starts),
      apiCpuPerStatusReadMs: perOrder((quietReads.cpu?.seconds.api ?? Number.NaN) * 1000, quietReads.value.length),
    };
    say(
      `cost: deposit ${deposit.historyEvents} events, ${deposit.pgStatements?.toFixed(1)} statements; ` +
        `payout ${payout.historyEvents} events, ${payout.pgStatements?.toFixed(1)} statements`,
    );

    // What the stack burns with nothing to do (pollers, timers): part of every order's cost at low rates.
    const idle = await meter.measure(() => sleep(options.quick ? 2_000 : 4_000));

    // 3. Peak, one worker: as the ceiling was driven.
    const phases: PhaseResult[] = [];
    const warmupMs = Math.min(5_000, durationMs * 0.2);
    const peakPhase = async (name: string, workers: number) => {
      const label = closed
        ? `end to end, ${workers} worker${workers > 1 ? 's' : ''}, ${options.concurrency} orders in flight`
        : `end to end, ${workers} worker${workers > 1 ? 's' : ''}, ${orders} orders, ${options.concurrency} creates in flight`;
      const m = await meter.measure(() =>
        closed
          ? closedLoop(load, {
              phase: name,
              concurrency: options.concurrency,
              durationMs,
              drainMs,
              statusRate: options.statusRate,
            })
          : burst(load, {
              phase: name,
              count: orders,
              concurrency: options.concurrency,
              timeoutMs: Math.max(120_000, durationMs * 5),
              statusRate: options.statusRate,
            }),
      );
      await readFinalTimes(stack, runId, name, m.value.records);
      const result = phaseResult(
        {
          name,
          label,
          mode: closed ? 'closed' : 'burst',
          workers,
          concurrency: options.concurrency,
          durationS: (wallNowMs() - m.value.startedAt) / 1000,
        },
        m.value,
        warmupMs,
        m.cpu,
        meter.memory(),
        notes,
      );
      say(`${name}: ${result.throughput.toFixed(1)} orders/s`);
      phases.push(result);
      return result;
    };
    const peak = await peakPhase('peak', 1);

    // 4. Half the peak rate, open loop.
    const rate = Math.max(1, peak.throughput / 2);
    const half = await meter.measure(() =>
      openLoop(load, { phase: 'half-rate', rate, durationMs, drainMs, statusRate: options.statusRate }),
    );
    await readFinalTimes(stack, runId, 'half-rate', half.value.records);
    const halfResult = phaseResult(
      {
        name: 'half-rate',
        label: `end to end, 1 worker, open loop at ${rate.toFixed(1)} orders/s`,
        mode: 'open',
        workers: 1,
        targetRate: rate,
        durationS: options.durationS,
      },
      half.value,
      warmupMs,
      half.cpu,
      meter.memory(),
      notes,
    );
    phases.push(halfResult);
    say(`half-rate (${rate.toFixed(1)}/s): create p99 ${halfResult.latencyMs.create?.p99.toFixed(1)} ms`);

    // 5. Two workers.
    let twoWorkers: PhaseResult | undefined;
    if (options.scaling) {
      const worker2 = await stack.startEngineWorker('worker-2');
      meter.add(worker2);
      twoWorkers = await peakPhase('two-workers', 2);
    }
    http.close();

    // 6. The ceiling again, and both ceiling runs combined.
    const secondCeiling = await ceilingRun('after');

    // 7. The balance micro-benchmark, on the stack's database with nothing else running (bench/balance.ts).
    let balance: BalanceBenchResult | undefined;
    if (options.balance !== 'skip') {
      const balanceOptions = {
        ...(options.quick ? BALANCE_QUICK : BALANCE_DEFAULTS),
        postings: options.balancePostings,
      };
      const bds = await createDataSource(stack.databaseUrl, {
        poolSize: balanceOptions.concurrency + 2,
        applicationName: 'paystar-bench-balance',
      }).initialize();
      try {
        balance = await runBalanceBench(bds, { ...balanceOptions, durable: !options.pgEphemeral }, say);
      } finally {
        await bds.destroy();
      }
    }
    const runs = [firstCeiling, secondCeiling];
    const ceiling: CeilingResult = {
      workflows,
      inflightCap: closed ? options.concurrency : 0,
      searchAttributes: options.ceilingSearchAttributes,
      shapes:
        options.payoutShare >= 1
          ? { payout: ORDER_SHAPES.payout }
          : options.payoutShare <= 0
            ? { deposit: ORDER_SHAPES.deposit }
            : { ...ORDER_SHAPES },
      throughput: mean(runs.map((r) => r.throughput)),
      runs: runs.map((r) => r.throughput),
      overall: mean(runs.map((r) => r.overall)),
      latencyMs: summarize(runs.flatMap((r) => r.executions.map((e) => e.closeMs - e.startMs))),
      cpu: meanCpu(runs.map((r) => r.cpu)),
      memoryMiB: secondCeiling.memory,
    };

    const ratios = computeRatios(ceiling, peak, twoWorkers);
    const [before, after] = ceiling.runs!;
    if (Math.abs(before! - after!) > 0.25 * Math.max(before!, after!)) {
      notes.push(
        `the two ceiling runs differ by more than 25 % (${before!.toFixed(1)} and ${after!.toFixed(1)} workflows/s): ` +
          "the machine's load changed during the run; prefer the CPU ratio, or run again",
      );
    }
    if ((ratios.peakOverCeiling ?? 0) > 1.1) {
      notes.push('end to end above the ceiling: noise between the phases; prefer the CPU ratio, or run again');
    }
    notes.push(
      'Time to final status: from the POST to the first Success/Failed history entry (workflow clock); time to ' +
        'callback: from the POST to the signed callback reaching the sink. Throughput counts callbacks arrived.',
    );
    const partial = { ratios, phases, balance, cost: { deposit, payout } };
    const result: BenchResult = {
      version: 1,
      startedAt: startedAt.toISOString(),
      elapsedS: 0,
      machine,
      options: withoutOut(options),
      ceiling,
      phases,
      cost: { deposit, payout, ceilingDeposit, ceilingPayout, statusRead },
      idleCores: idle.cpu?.cores,
      quiet,
      ratios,
      ...(balance ? { balance } : {}),
      targets: checkTargets(partial),
      notes,
    };
    await stack.stop(); // children exit, writing their CPU profiles
    if (options.profile) result.profiles = await readProfiles(stack.profileDir);
    result.elapsedS = (Date.now() - startedAt.getTime()) / 1000;
    await writeFile(paths.json, `${JSON.stringify(result, null, 2)}\n`);
    return { result, jsonPath: paths.json };
  } finally {
    await stack.stop();
  }
}

function withoutOut(options: BenchOptions): BenchResult['options'] {
  const { out: _out, ...rest } = options;
  return rest;
}
