import { spawn, type ChildProcess } from 'node:child_process';

/** A child process we started and must stop: in its own process group, stopped by signal to that group. */
export interface ManagedChild {
  name: string;
  pid: number;
  /** Resolves with the exit code (or signal) when the process has gone. */
  exited: Promise<string>;
  /** True once the process has exited. */
  readonly gone: boolean;
  /** SIGTERM (or the given signal), then SIGKILL after the grace period; resolves once the process is gone. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a long-running child in its own process group, so that a Ctrl-C in the terminal reaches only the
 * supervisor, which then stops everything in order (API before worker before Temporal before PostgreSQL).
 */
export function spawnManaged(
  name: string,
  file: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Where its output goes: the terminal, nowhere, or an open file descriptor (a log file). */
    stdio?: 'inherit' | 'ignore' | number;
    ownProcessGroup?: boolean;
  } = {},
): ManagedChild {
  const ownGroup = options.ownProcessGroup ?? true;
  const child: ChildProcess = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: ownGroup,
    stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${file})`);
  const pid = child.pid;
  let gone = false;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(ownGroup ? -pid : pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name,
    pid,
    exited,
    get gone() {
      return gone;
    },
    async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (gone) return;
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a Node entry point of this project (`node --import tsx file`) as a managed child. */
export function spawnNodeService(name: string, entry: string, env: NodeJS.ProcessEnv, cwd: string): ManagedChild {
  return spawnManaged(name, process.execPath, ['--import', 'tsx', entry], { env, cwd });
}
