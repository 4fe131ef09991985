/**
 * `npm run bench`: throughput against the Temporal ceiling, API latency and cost per order, on an embedded stack
 * of its own (docs/benchmarks.md). Prints a table and writes a JSON file; `--quick` for a short smoke run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BALANCE_DEFAULTS, BALANCE_QUICK, runBalanceBenchAlone } from '../bench/balance';
import { balanceTargets, type BalanceOnlyResult, renderBalanceReport, renderReport } from '../bench/report';
import { parseOptions, USAGE } from '../bench/plan';
import { resultPaths, runBench } from '../bench/run';

const say = (line: string) => console.log(`[bench] ${line}`);

let stopStack: (() => Promise<void>) | undefined;
let exiting = false;
async function abort(reason: string, code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    say(`stopping: ${reason}`);
    await stopStack?.().catch(() => undefined);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let options;
  try {
    options = parseOptions(argv, process.env);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
  process.on('SIGINT', () => void abort('SIGINT', 130));
  process.on('SIGTERM', () => void abort('SIGTERM', 143));
  // Bounded whatever happens: a run that hangs stops itself (and everything it started).
  const limitMs = (options.quick || options.balance === 'only' ? 4 : 10) * 60_000;
  setTimeout(() => void abort(`still running after ${limitMs / 60_000} minutes`, 1), limitMs).unref();

  if (options.balance === 'only') {
    const startedAt = new Date();
    const balance = await runBalanceBenchAlone(
      {
        ...(options.quick ? BALANCE_QUICK : BALANCE_DEFAULTS),
        postings: options.balancePostings,
        pgEphemeral: options.pgEphemeral,
      },
      say,
      (stop) => (stopStack = stop),
    );
    const result: BalanceOnlyResult = {
      version: 1,
      kind: 'balance',
      startedAt: startedAt.toISOString(),
      elapsedS: (Date.now() - startedAt.getTime()) / 1000,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        node: process.version,
        platform: `${os.platform()}-${os.arch()}`,
        memoryMiB: Math.round(os.totalmem() / 2 ** 20),
        loadAvg: os.loadavg(),
      },
      balance,
      targets: balanceTargets(balance),
    };
    const jsonPath = resultPaths(options, startedAt, 'bench-balance').json;
    await mkdir(path.dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${renderBalanceReport(result)}\n`);
    say(`JSON: ${jsonPath}`);
    return;
  }

  const { result, jsonPath } = await runBench(options, say, (stop) => (stopStack = stop));
  console.log(`\n${renderReport(result)}\n`);
  say(`JSON: ${jsonPath}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    void abort('failed', 1);
  },
);
