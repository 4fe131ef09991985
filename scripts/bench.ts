/**
 * `npm run bench`: throughput against the Temporal ceiling, API latency and cost per order, on an embedded stack
 * of its own (docs/benchmarks.md). Prints a table and writes a JSON file; `--quick` for a short smoke run.
 */
import { renderReport } from '../bench/report';
import { parseOptions, USAGE } from '../bench/plan';
import { runBench } from '../bench/run';

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
  const limitMs = (options.quick ? 4 : 10) * 60_000;
  setTimeout(() => void abort(`still running after ${limitMs / 60_000} minutes`, 1), limitMs).unref();

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
