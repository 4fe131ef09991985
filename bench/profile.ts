/**
 * Summaries of V8 CPU profiles (`node --cpu-prof`): self time by function and by where the code comes from (a
 * package, a folder of this project, Node itself, the garbage collector). Pure, tested in
 * test/unit/bench-report.test.ts.
 */

/** The parts of a .cpuprofile the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, 0 … 1. */
  share: number;
}

export interface ProfileSummary {
  /** Sampled wall time and the part of it that was not idle, ms. */
  totalMs: number;
  busyMs: number;
  topFunctions: ProfileEntry[];
  byOrigin: ProfileEntry[];
}

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'GC',
  '(program)': 'V8/native (program)',
  '(idle)': 'idle',
  '(root)': 'root',
};

/** Where a frame's code comes from: a package, a project folder, Node's internals, or a V8 pseudo-frame. */
export function originOf(functionName: string, url: string, projectRoot: string): string {
  if (SPECIAL[functionName] && url === '') return SPECIAL[functionName]!;
  if (url === '') return 'V8 builtins';
  if (url.startsWith('node:')) return 'node internals';
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) {
    const parts = url.slice(nodeModules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  const path = url.replace(/^file:\/\//, '');
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  if (path.startsWith(root)) return `${path.slice(root.length).split('/')[0]}/`;
  return 'other';
}

function shortUrl(url: string, projectRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules + '/node_modules/'.length);
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Self time per function and per origin, largest first; idle time is left out of the shares. */
export function summarizeProfile(profile: CpuProfile, projectRoot: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfById = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    // A sample stands for the time since the previous one.
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfById) {
    const frame = byId.get(id);
    if (!frame) continue;
    totalUs += us;
    const origin = originOf(frame.functionName, frame.url, projectRoot);
    if (origin === 'idle') {
      idleUs += us;
      continue;
    }
    const name =
      frame.url === ''
        ? frame.functionName || '(anonymous)'
        : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url, projectRoot)}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const entries = (map: Map<string, number>, limit: number): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    topFunctions: entries(functions, top),
    byOrigin: entries(origins, top),
  };
}
