/**
 * `npm run record-histories`: writes event histories of finished order workflows to test/histories/ as replay
 * fixtures; the replay suite (test/replay) replays every one against the current workflow code in `npm test`.
 *
 * From a simulation (the default): runs scenarios/replay-fixtures.yaml, or the scenario given with --scenario, on
 * the time-skipping server and records each order as test/histories/<order id>.json.
 *
 * From a running server (`npm start`'s dev server, a staging cluster):
 *   npm run record-histories -- --address localhost:7233 deposit-<orderId> payout-<orderId>
 *   npm run record-histories -- --address localhost:7233 --query 'ExecutionStatus="Completed"' [--limit 20]
 * records closed workflows as test/histories/<workflow id>.json (--name names the file when there is one id).
 *
 * Options: --namespace (default "default"), --dir (default test/histories), --overwrite (existing fixtures are
 * kept otherwise: a committed history stands for executions already running; see simulation/fixtures.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit, RecordHistoriesEnv } from '../config/env';
import { PROJECT_ROOT } from '../infra/paths';
import { DEV_MASTER_KEYS, Keyring } from '../infra/security/keyring';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';
import { HISTORIES_DIR, writeFixture } from '../simulation/fixtures';
import { formatReport } from '../simulation/report';
import { loadScenario, ScenarioError } from '../simulation/scenario';
import { exitWith, withSimulationSession } from '../simulation/session';
import { TRUTH_MODEL_FIXTURES } from '../simulation/fuzz/fixture-cases';
import { violationsOf } from '../simulation/fuzz/invariants';
import { startFuzzWorld } from '../simulation/fuzz/run';
import { createTimeSkippingEnv } from '../infra/temporal/time-skipping';

const DEFAULT_SCENARIO = path.join(PROJECT_ROOT, 'scenarios', 'replay-fixtures.yaml');
const USAGE = `usage:
  npm run record-histories [-- --scenario <file>] [--dir <dir>] [--overwrite]
  npm run record-histories -- --truth-model [--dir <dir>] [--overwrite]
  npm run record-histories -- --address <host:port> [--namespace <ns>] <workflow id>... [--name <fixture name>]
  npm run record-histories -- --address <host:port> [--namespace <ns>] --query '<list filter>' [--limit <n>]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      address: { type: 'string' },
      namespace: { type: 'string', default: 'default' },
      query: { type: 'string' },
      limit: { type: 'string', default: '20' },
      name: { type: 'string' },
      scenario: { type: 'string' },
      dir: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      'truth-model': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = values.dir ? path.resolve(values.dir) : HISTORIES_DIR;
  const overwrite = values.overwrite;
  if (values.address) {
    const limit = Number(values.limit);
    if ((positionals.length === 0) === (values.query === undefined) || !Number.isInteger(limit) || limit < 1) {
      console.error(`give workflow ids or --query (and --limit a positive integer)\n${USAGE}`);
      return 2;
    }
    if (values.name && positionals.length !== 1) {
      console.error('--name names the fixture of exactly one workflow id');
      return 2;
    }
    return recordFromServer({ ...values, address: values.address, limit, ids: positionals, dir, overwrite });
  }
  if (positionals.length > 0) {
    console.error(`workflow ids need --address\n${USAGE}`);
    return 2;
  }
  if (values['truth-model']) return recordTruthModelFixtures(dir, overwrite);
  return recordFromSimulation(values.scenario ? path.resolve(values.scenario) : DEFAULT_SCENARIO, dir, overwrite);
}

async function recordFromSimulation(file: string, dir: string, overwrite: boolean): Promise<number> {
  let scenario;
  try {
    scenario = await loadScenario(file);
  } catch (err) {
    console.error(err instanceof ScenarioError ? err.message : `${file}: ${(err as Error).message}`);
    return 2;
  }
  return withSimulationSession(async (session) => {
    const result = await session.run(scenario, { keepHistories: true });
    if (!result.ok) {
      // A fixture must show the path it is named after: nothing is written when an order took another one.
      console.log(formatReport(result));
      console.error('\nnot recorded: the scenario did not go as expected');
      return 1;
    }
    for (const o of result.orders) {
      report(await writeFixture(o.history!, o.plan.label, { dir, overwrite }));
    }
    return 0;
  });
}

/** Cancellations and stray callbacks, which scenarios cannot express, from the fuzz world's generated gateways. */
async function recordTruthModelFixtures(dir: string, overwrite: boolean): Promise<number> {
  return withSimulationSession(async (session) => {
    const env = await createTimeSkippingEnv();
    const world = await startFuzzWorld(env, session.dataSource, session.workflowBundle);
    try {
      for (const [name, fuzzCase] of Object.entries(TRUTH_MODEL_FIXTURES)) {
        const [outcome] = await world.runBatch({ cases: [fuzzCase] });
        const broken = violationsOf(outcome!);
        if (broken.length > 0) {
          console.error(`not recorded: ${name} breaks the truth model: ${broken.join('; ')}`);
          return 1;
        }
        report(
          await writeFixture(await env.client.workflow.getHandle(outcome!.workflowId).fetchHistory(), name, {
            dir,
            overwrite,
          }),
        );
      }
      return 0;
    } finally {
      await world.stop();
      await env.teardown();
    }
  });
}

async function recordFromServer(opts: {
  address: string;
  namespace: string;
  query?: string;
  limit: number;
  ids: string[];
  name?: string;
  dir: string;
  overwrite: boolean;
}): Promise<number> {
  const connection = await Connection.connect({ address: opts.address });
  try {
    // Histories are written as stored (payloads encrypted); the replay suite decodes them with the codec.
    const keyring = Keyring.parse(loadConfigOrExit(RecordHistoriesEnv).MASTER_KEYS ?? DEV_MASTER_KEYS);
    const client = new Client({
      connection,
      namespace: opts.namespace,
      dataConverter: encryptedDataConverter(keyring),
    });
    const ids = [...opts.ids];
    if (opts.query !== undefined) {
      for await (const execution of client.workflow.list({ query: opts.query })) {
        if (ids.length >= opts.limit) break;
        ids.push(execution.workflowId);
      }
      if (ids.length === 0) console.log(`no workflow matches ${opts.query}`);
    }
    let skipped = 0;
    for (const id of ids) {
      const handle = client.workflow.getHandle(id);
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') {
        // A fixture is a finished history: a running one would be cut short at whatever step it is in.
        console.log(`skipped ${id}: still running`);
        skipped++;
        continue;
      }
      report(await writeFixture(await handle.fetchHistory(), opts.name ?? id, opts));
    }
    return skipped > 0 && skipped === ids.length ? 1 : 0;
  } finally {
    await connection.close();
  }
}

function report(written: { file: string; written: boolean; events: number }): void {
  const where = path.relative(process.cwd(), written.file);
  console.log(`${written.written ? 'recorded' : 'kept existing'} ${where} (${written.events} events)`);
}

exitWith(main());
