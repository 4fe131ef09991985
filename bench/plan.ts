/** The bench's options and the small pure decisions of a run (which order is a payout, what it costs). */

export interface BenchOptions {
  quick: boolean;
  /**
   * How the peak is driven, the ceiling and the end-to-end run alike. `burst` (default): a batch started as fast
   * as the server takes it, `concurrency` start calls (ceiling) or HTTP creates (end to end) in flight, and the
   * rate at which the backlog drains. `closed`: `concurrency` workflows or orders in flight, each replaced once done.
   */
  peak: 'burst' | 'closed';
  /** Start calls or creates in flight (burst), or workflows or orders in flight (closed). */
  concurrency: number;
  /** Length of each measured end-to-end phase, seconds. */
  durationS: number;
  /** How long the ceiling should run, seconds (its workflow count is calibrated to fill about this much). */
  ceilingS: number;
  /** Part of the orders that are payouts (0 … 1); the ceiling runs the same mix of shapes. */
  payoutShare: number;
  /** Status reads per second issued during the end-to-end phases. */
  statusRate: number;
  /** The ceiling also starts with the orders' search attributes and upserts once, as orders do. */
  ceilingSearchAttributes: boolean;
  /** Run the two-worker phase. */
  scaling: boolean;
  /** CPU profiles of the API and workers (node --cpu-prof), summarised in the report. */
  profile: boolean;
  pgEphemeral: boolean;
  /** The dev server's SQLite: in memory (as the test suite runs it) or in a file (as `npm start` runs it). */
  temporalDb: 'memory' | 'file';
  logLevel: string;
  /** Where the JSON goes; logs and profiles go next to it. */
  out: string | undefined;
  /**
   * The balance micro-benchmark (bench/balance.ts): `also` after the end-to-end phases (default), `only` on its own
   * (`--balance`, a PostgreSQL and nothing else), `skip` (`--no-balance`).
   */
  balance: 'also' | 'only' | 'skip';
  /** Postings of the balance the micro-benchmark holds against. */
  balancePostings: number;
}

export const FULL_DEFAULTS: Omit<BenchOptions, 'out' | 'quick'> = {
  peak: 'burst',
  concurrency: 16,
  durationS: 30,
  ceilingS: 20,
  payoutShare: 0.5,
  statusRate: 20,
  ceilingSearchAttributes: false,
  scaling: true,
  profile: false,
  pgEphemeral: false,
  temporalDb: 'memory',
  logLevel: 'info',
  balance: 'also',
  balancePostings: 1_000_000,
};

const QUICK_OVERRIDES: Partial<BenchOptions> = { durationS: 8, ceilingS: 6, statusRate: 10 };

export const USAGE = `npm run bench -- [options]

  --quick                 short smoke run (about a minute); also BENCH_QUICK=1
  --peak burst|closed     burst (default): a batch started as fast as the server takes it, measured as it drains;
                          closed: a fixed number of workflows / orders in flight
  --concurrency N         start calls / creates in flight (burst), or workflows / orders in flight (closed)
                          (default ${FULL_DEFAULTS.concurrency})
  --duration S            seconds per end-to-end phase, about (default ${FULL_DEFAULTS.durationS}, quick ${QUICK_OVERRIDES.durationS})
  --ceiling-duration S    seconds the ceiling should take (default ${FULL_DEFAULTS.ceilingS}, quick ${QUICK_OVERRIDES.ceilingS})
  --payout-share F        share of payouts, 0..1 (default ${FULL_DEFAULTS.payoutShare})
  --status-rate N         status reads per second during the end-to-end phases (default ${FULL_DEFAULTS.statusRate})
  --ceiling-search-attributes  the ceiling also carries the orders' search attributes (a start with four, one upsert)
  --no-scaling            skip the two-worker phase
  --profile               CPU profiles of the API and workers, top frames in the report
  --pg-ephemeral          PostgreSQL without fsync (default: durable, as npm start)
  --temporal-db memory|file  the dev server's SQLite in memory (default, as npm test) or in a file (as npm start)
  --log-level L           LOG_LEVEL of the API and workers (default info)
  --out FILE              JSON result (default .data/bench/bench-<time>.json)
  --balance               only the balance micro-benchmark: a payout's balance check and hold at a million
                          postings of one merchant and currency, one at a time and concurrently (about a minute)
  --balance-postings N    postings the balance micro-benchmark seeds (default ${FULL_DEFAULTS.balancePostings})
  --no-balance            leave the balance micro-benchmark out of a full run
`;

/** Parses argv (after the script name) and BENCH_* variables; throws with a message on a bad option. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const options: BenchOptions = { ...FULL_DEFAULTS, ...(quick ? QUICK_OVERRIDES : {}), quick, out: undefined };
  const number = (flag: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`${flag} needs a number between ${min} and ${max}, got ${value ?? 'nothing'}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = () => argv[++i];
    switch (arg) {
      case '--quick':
        break;
      case '--balance':
        options.balance = 'only';
        break;
      case '--no-balance':
        options.balance = 'skip';
        break;
      case '--balance-postings':
        options.balancePostings = Math.round(number(arg, next(), 1, 100_000_000));
        break;
      case '--concurrency':
        options.concurrency = Math.round(number(arg, next(), 1, 2000));
        break;
      case '--duration':
        options.durationS = number(arg, next(), 1, 600);
        break;
      case '--ceiling-duration':
        options.ceilingS = number(arg, next(), 1, 600);
        break;
      case '--payout-share':
        options.payoutShare = number(arg, next(), 0, 1);
        break;
      case '--status-rate':
        options.statusRate = number(arg, next(), 0, 10_000);
        break;
      case '--ceiling-search-attributes':
        options.ceilingSearchAttributes = true;
        break;
      case '--peak': {
        const peak = next();
        if (peak !== 'burst' && peak !== 'closed') throw new Error(`--peak needs burst or closed, got ${peak}`);
        options.peak = peak;
        break;
      }
      case '--no-scaling':
        options.scaling = false;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--pg-ephemeral':
        options.pgEphemeral = true;
        break;
      case '--temporal-db': {
        const db = next();
        if (db !== 'memory' && db !== 'file') throw new Error(`--temporal-db needs memory or file, got ${db}`);
        options.temporalDb = db;
        break;
      }
      case '--log-level': {
        const level = next();
        if (!level || !['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
          throw new Error(`--log-level needs fatal, error, warn, info, debug, trace or silent, got ${level}`);
        }
        options.logLevel = level;
        break;
      }
      case '--out': {
        const out = next();
        if (!out) throw new Error('--out needs a file name');
        options.out = out;
        break;
      }
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return options;
}

/**
 * Whether the n-th order (0-based) of a run is a payout: spread evenly, so any prefix of the run has the mix
 * (share 0.5 alternates deposit, payout, deposit, …).
 */
export function isPayout(n: number, payoutShare: number): boolean {
  return Math.floor((n + 1) * payoutShare) > Math.floor(n * payoutShare);
}

/**
 * Every bench order is 1.09 USD: the sandbox reads the last two minor digits, and `09` is `success-at-create`,
 * paid in the create answer (docs/sandbox.md), so no status-check timer stretches the order.
 */
export const BENCH_AMOUNT = 1.09;
export const BENCH_CURRENCY = 'USD';
/** A sandbox test card (sandbox keys skip the Luhn check; this one passes it anyway). */
export const BENCH_CARD = '4242424242424242';
