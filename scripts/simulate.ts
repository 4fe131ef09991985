/**
 * `npm run simulate -- <scenario file>...`: runs scenarios (scenarios/*.yaml, docs/simulation.md) on Temporal's
 * time-skipping test server with the real workflows, a throwaway PostgreSQL and the sandbox gateways; prints each
 * order's timeline and a summary; exits 1 when an expectation fails, 2 when a scenario file is invalid.
 *
 *   --record             write each finished order's history to test/histories/<scenario>-<order>.json
 *   --record-dir <dir>   ...to this folder instead (implies --record)
 *   --overwrite          replace fixtures that exist (by default they are kept: see simulation/fixtures.ts)
 *   --summary            the summary only, no timelines
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createDataSource } from '../entities/data-source';
import { PROJECT_ROOT } from '../infra/paths';
import { cleanUp } from '../infra/process/cleanup';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';
import { fixtureName, HISTORIES_DIR, writeFixture } from '../simulation/fixtures';
import { formatReport } from '../simulation/report';
import { bundleSimulationWorkflows, runSimulation } from '../simulation/run';
import { loadScenario, ScenarioError, type Scenario } from '../simulation/scenario';

const USAGE = 'usage: npm run simulate -- <scenario file>... [--record] [--record-dir <dir>] [--overwrite] [--summary]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      record: { type: 'boolean', default: false },
      'record-dir': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      summary: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const scenarios: Scenario[] = [];
  for (const file of positionals) {
    try {
      scenarios.push(await loadScenario(file));
    } catch (err) {
      console.error(err instanceof ScenarioError ? err.message : `${file}: ${(err as Error).message}`);
      return 2;
    }
  }
  const recordDir = values['record-dir'] ? path.resolve(values['record-dir']) : values.record ? HISTORIES_DIR : null;

  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= cleanUp([...stops].reverse()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: stopping the simulation's servers`);
      void stopAll()
        .catch((err: unknown) => console.error(err))
        .finally(() => process.exit(130));
    });
  }

  try {
    const started = Date.now();
    const db = await startThrowawayDatabase('paystar_simulation');
    stops.push(() => db.stop());
    const ds = await createDataSource(db.url, { poolSize: 10 }).initialize();
    stops.push(() => ds.destroy());
    const workflowBundle = await bundleSimulationWorkflows();
    let server: (() => Promise<void>) | null = null;
    stops.push(async () => server?.());
    console.log(`database and workflow bundle ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    let ok = true;
    for (const scenario of scenarios) {
      const result = await runSimulation(scenario, {
        dataSource: ds,
        workflowBundle,
        keepHistories: recordDir !== null,
        onServer: (teardown) => (server = teardown),
      });
      console.log(formatReport(result, { timelines: !values.summary }));
      ok &&= result.ok;
      if (recordDir) {
        const base = fixtureName(path.basename(scenario.file ?? scenario.name).replace(/\.(ya?ml|json)$/, ''));
        for (const o of result.orders) {
          if (!o.history) continue;
          const written = await writeFixture(o.history, `${base}-${o.plan.label}`, {
            dir: recordDir,
            overwrite: values.overwrite,
          });
          const where = path.relative(PROJECT_ROOT, written.file);
          console.log(`  ${written.written ? 'recorded' : 'kept existing'} ${where} (${written.events} events)`);
        }
      }
      console.log('');
    }
    return ok ? 0 : 1;
  } finally {
    await stopAll();
  }
}

/** Set on Ctrl-C or SIGTERM: the signal handler stops the servers and exits 130, whatever main() then does. */
let interrupted = false;

main().then(
  (code) => {
    if (!interrupted) process.exit(code);
  },
  (err: unknown) => {
    if (interrupted) return;
    console.error(err);
    process.exit(1);
  },
);
