import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** Runs a command to completion and returns its output; rejects with its stderr when it fails. */
export function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const tail = `${stderr}`.trim().split('\n').slice(-3).join(' | ');
          reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed: ${tail || err.message}`));
        } else resolve({ stdout: `${stdout}`, stderr: `${stderr}` });
      },
    );
  });
}

/** True when the file exists and may be executed. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a command on PATH, like `which`. */
export async function findOnPath(command: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * `go install <module>@<version>` with the binary, the module cache and the build cache inside the project's cache,
 * so a second run needs no network and nothing lands in the user's Go folders.
 */
export async function goInstall(
  go: string,
  moduleAtVersion: string,
  binDir: string,
  cacheDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await run(go, ['install', moduleAtVersion], {
    env: {
      ...env,
      GOBIN: binDir,
      GOFLAGS: '-mod=mod',
      GOMODCACHE: path.join(cacheDir, 'go', 'mod'),
      GOCACHE: path.join(cacheDir, 'go', 'build'),
    },
    timeoutMs: 1_800_000,
  });
}
