/**
 * `npm run chaos [-- --orders 300 --down-ms 5000]`: kills the worker, the Temporal dev server and PostgreSQL with
 * -9 in turn while deposits and payouts run, then checks that nothing was lost, doubled or left unfinished
 * (docs/chaos.md). Its own ports and data; exits 1 when a check fails.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chaosTable, runChaos } from '../chaos/run';
import { PROJECT_ROOT } from '../infra/paths';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '300' },
      'down-ms': { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const orders = Number(values.orders);
  const downMs = Number(values['down-ms']);
  const concurrency = Number(values.concurrency);
  if (![orders, downMs, concurrency].every((n) => Number.isInteger(n) && n > 0) || orders > 5_000) {
    throw new Error('--orders (1-5000), --down-ms and --concurrency must be positive integers');
  }
  const outDir = path.join(PROJECT_ROOT, '.cache', 'chaos', new Date().toISOString().replace(/[:.]/g, '-'));
  await mkdir(outDir, { recursive: true });
  const say = (line: string) => console.log(`[chaos] ${line}`);
  say(`logs of the API and worker in ${outDir}`);
  // Orders in flight during the outages finish as their retries come due; a loaded machine needs longer.
  const settleMs = Math.max(180_000, orders * 2_000);
  const result = await runChaos({ orders, downMs, concurrency, settleMs, outDir, say });
  console.log(`\n${chaosTable(result)}\n`);
  for (const v of result.violations.slice(0, 50)) console.log(`  ✗ ${v}`);
  if (result.violations.length > 50) console.log(`  … and ${result.violations.length - 50} more`);
  console.log(result.violations.length === 0 ? 'chaos: every check passed' : 'chaos: FAILED');
  process.exitCode = result.violations.length === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`[chaos] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
