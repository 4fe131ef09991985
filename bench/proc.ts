/**
 * CPU time and memory of the processes the bench started, from /proc (Linux). Where /proc is missing the figures
 * are simply absent from the report.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux the embedded binaries run on

interface ProcStat {
  pid: number;
  ppid: number;
  cpuSeconds: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is the state; ppid is field 4 of the full line, utime 14, stime 15 (1-based), cutime/cstime 16, 17.
  // cutime/cstime hold the time of children that exited and were reaped (PostgreSQL backends of closed
  // connections), which would otherwise vanish from the tree's total.
  const ppid = Number(fields[1]);
  const times = [11, 12, 13, 14].map((i) => Number(fields[i]));
  if (![pid, ppid, ...times].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuSeconds: times.reduce((a, b) => a + b, 0) / CLOCK_TICKS_PER_SECOND };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const stats: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * CPU seconds used so far by each named process tree (the root and every live descendant, with the reaped children
 * of each): PostgreSQL's backends are children of the postmaster, which is a child of its watchdog shell.
 */
export function cpuSecondsByTree(roots: Record<string, number | undefined>): Record<string, number> {
  const stats = allStats();
  if (stats.length === 0) return {};
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    if (root === undefined || !byPid.has(root)) continue;
    let total = 0;
    const queue = [byPid.get(root)!];
    while (queue.length > 0) {
      const s = queue.pop()!;
      total += s.cpuSeconds;
      queue.push(...(children.get(s.pid) ?? []));
    }
    result[name] = total;
  }
  return result;
}

/** Resident memory of a process now and at its peak (VmRSS, VmHWM), in MiB; undefined once it is gone. */
export function memoryMiB(pid: number): { rss: number; peakRss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peakRss: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** The difference of two CPU snapshots, per process tree present in both. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    if (before[name] !== undefined) delta[name] = Math.max(0, value - before[name]);
  }
  return delta;
}

/** Busy and total CPU seconds of the whole machine so far (first line of /proc/stat); undefined without /proc. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...values] = line.trim().split(/\s+/);
    const ticks = values.map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * Microseconds during which at least one runnable task waited for a CPU, machine-wide, so far (Linux pressure
 * stall information, /proc/pressure/cpu); undefined where the kernel has none.
 */
export function cpuPressureMicros(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? Number(some[1]) : undefined;
  } catch {
    return undefined;
  }
}
