/**
 * `npm run simulate -- <scenario file>...`: runs scenarios (scenarios/*.yaml, docs/simulation.md) on Temporal's
 * time-skipping test server with the real workflows, a throwaway PostgreSQL and the sandbox gateways; prints each
 * order's timeline and a summary; exits 1 when an expectation fails, 2 when a scenario file is invalid, 130 on
 * Ctrl-C (after stopping every server it started).
 *
 *   --record             write each finished order's history to test/histories/<scenario>-<order>.json
 *   --record-dir <dir>   ...to this folder instead (implies --record)
 *   --overwrite          replace fixtures that exist (by default they are kept: see simulation/fixtures.ts)
 *   --summary            the summary only, no timelines
 *
 * `npm run simulate -- --fuzz <cases> [--seed <n>] [--worlds <n>]` instead checks the order truth model on generated gateway
 * behaviour (simulation/fuzz, docs/order-lifecycle.md): exits 1 with the seed and the broken orders on a failure.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../infra/paths';
import { fixtureName, HISTORIES_DIR, writeFixture } from '../simulation/fixtures';
import { formatReport } from '../simulation/report';
import { loadScenario, ScenarioError, type Scenario } from '../simulation/scenario';
import { checkTruthModelOnWorlds } from '../simulation/fuzz/property';
import { worldOnFreshServers } from '../simulation/fuzz/fresh-servers';
import { startFuzzWorld } from '../simulation/fuzz/run';
import { exitWith, withSimulationSession } from '../simulation/session';
import { createTimeSkippingEnv } from '../infra/temporal/time-skipping';

const USAGE =
  'usage: npm run simulate -- <scenario file>... [--record] [--record-dir <dir>] [--overwrite] [--summary]\n' +
  '       npm run simulate -- --fuzz <cases> [--seed <n>] [--worlds <1-8>]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      record: { type: 'boolean', default: false },
      'record-dir': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      summary: { type: 'boolean', default: false },
      fuzz: { type: 'string' },
      seed: { type: 'string' },
      worlds: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.fuzz !== undefined) return fuzz(values.fuzz, values.seed, values.worlds);
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

  return withSimulationSession(async (session) => {
    let ok = true;
    for (const scenario of scenarios) {
      const result = await session.run(scenario, { keepHistories: recordDir !== null });
      console.log(formatReport(result, { timelines: !values.summary }));
      ok &&= result.ok;
      if (recordDir && !result.ok) console.log('  not recorded: a fixture must show the path its expectations pin');
      if (recordDir && result.ok) {
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
  });
}

async function fuzz(casesArg: string, seedArg: string | undefined, worldsArg = '1'): Promise<number> {
  const cases = Number(casesArg);
  const seed = seedArg === undefined ? undefined : Number(seedArg);
  const worldCount = Number(worldsArg);
  if (
    !Number.isInteger(cases) ||
    cases < 1 ||
    (seed !== undefined && !Number.isInteger(seed)) ||
    !Number.isInteger(worldCount) ||
    worldCount < 1 ||
    worldCount > 8
  ) {
    console.error(`--fuzz takes a number of cases, --seed an integer and --worlds 1 to 8\n${USAGE}`);
    return 2;
  }
  return withSimulationSession(async (session) => {
    const worlds = Array.from({ length: worldCount }, () =>
      worldOnFreshServers(async () => {
        const env = await createTimeSkippingEnv();
        try {
          const onServer = await startFuzzWorld(env, session.dataSource, session.workflowBundle);
          return { world: onServer, stop: () => onServer.stop().finally(() => env.teardown()) };
        } catch (err) {
          await env.teardown();
          throw err;
        }
      }),
    );
    const stopAll = () => Promise.all(worlds.map((world) => world.stop()));
    // A SIGTERM sent to this process alone (not its group) must not leave a time-skipping server behind.
    session.atStop(stopAll);
    try {
      const report = await checkTruthModelOnWorlds(worlds, {
        cases,
        ...(seed !== undefined ? { seed } : {}),
        onBatch: (done, ms) => console.log(`${done}/${cases} orders (last batch ${(ms / 1000).toFixed(1)} s)`),
      });
      console.log(
        `the truth model held for ${report.cases} generated orders (seed ${report.seed}` +
          `${worldCount > 1 ? `, ${worldCount} worlds` : ''}) in ${(report.wallMs / 1000).toFixed(1)} s`,
      );
      return 0;
    } catch (err) {
      console.error(err instanceof Error ? err.message : err);
      return 1;
    } finally {
      await stopAll();
    }
  });
}

exitWith(main());
