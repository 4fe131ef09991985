import type { DataSource } from 'typeorm';
import { createDataSource } from '../entities/data-source';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';

/**
 * A throwaway embedded PostgreSQL for a bench that fills tables in bulk: stopped at the end, on SIGINT/SIGTERM,
 * and after `limitMs` whatever happens. `step` runs one bulk statement without foreign-key triggers (its rows'
 * references are right by construction) and says how long it took.
 */
export async function startBulkDatabase(name: string, say: (line: string) => void, limitMs = 20 * 60_000) {
  const db = await startThrowawayDatabase(name);
  const stopDb = async () => db.stop().catch(() => undefined);
  setTimeout(() => void stopDb().then(() => process.exit(1)), limitMs).unref();
  process.on('SIGTERM', () => void stopDb().then(() => process.exit(143)));
  process.on('SIGINT', () => void stopDb().then(() => process.exit(130)));
  const ds: DataSource = await createDataSource(db.url, { poolSize: 4 }).initialize();
  const bulk = ds.createQueryRunner();
  await bulk.query(`SET session_replication_role = replica`);
  return {
    ds,
    async step(what: string, sql: string, params: unknown[] = []) {
      const t = performance.now();
      await bulk.query(sql, params);
      say(`${what}: ${Math.round(performance.now() - t)} ms`);
    },
    async stop() {
      await bulk.release().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
      await stopDb();
    },
  };
}

/** `runs` timings of `call`, as "min–max ms". */
export async function timeRuns<T>(runs: number, call: () => Promise<T>): Promise<{ last: T; range: string }> {
  const ms: number[] = [];
  let last!: T;
  for (let n = 0; n < runs; n++) {
    const t = performance.now();
    last = await call();
    ms.push(performance.now() - t);
  }
  return { last, range: `${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))} ms` };
}

/** The whole number after `flag` on the command line, `fallback` without it; out of [min, max] it stops the bench. */
export function countArg(flag: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(flag);
  const n = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`${flag}: ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`);
  }
  return n;
}
