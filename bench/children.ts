import { closeSync, openSync } from 'node:fs';
import { type ManagedChild, spawnManaged } from '../infra/process/managed-child';

/** A Node process the bench started: its PID, how it ended, where its output went, and a stop for that PID only. */
export interface BenchChild extends ManagedChild {
  logFile: string;
}

/**
 * Starts `node [nodeArgs] --import tsx entry` with its output appended to a log file (the API logs every request at
 * info, as in production; the bench's own output stays readable). Same process group as the bench, so a Ctrl-C in
 * the terminal reaches it too; `stop` sends SIGTERM to this PID, then SIGKILL after the grace period (15 s).
 */
export function spawnBenchChild(opts: {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  nodeArgs?: string[];
}): BenchChild {
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawnManaged(opts.name, process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.entry], {
      env: opts.env,
      cwd: opts.cwd,
      stdio: log,
      ownProcessGroup: false,
    });
    const stop = child.stop;
    // Assigned onto the child itself: a spread would freeze its `gone` getter at false.
    return Object.assign(child, { logFile: opts.logFile, stop: (graceMs = 15_000) => stop(graceMs) });
  } finally {
    closeSync(log);
  }
}
