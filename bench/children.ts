import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A Node process the bench started: its PID, how it ended, and a stop that signals that PID only. */
export interface BenchChild {
  name: string;
  pid: number;
  logFile: string;
  exited: Promise<string>;
  readonly gone: boolean;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node [nodeArgs] --import tsx entry` with its output appended to a log file (the API logs every request at
 * info, as in production; the bench's own output stays readable). Same process group as the bench, so a Ctrl-C in
 * the terminal reaches it too. `stop` sends SIGTERM to this PID, then SIGKILL after the grace period.
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
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.entry], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${opts.name}`);
  const pid = child.pid;
  let gone = false;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    }),
  );
  return {
    name: opts.name,
    pid,
    logFile: opts.logFile,
    exited,
    get gone() {
      return gone;
    },
    async stop(graceMs = 15_000) {
      if (gone) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
