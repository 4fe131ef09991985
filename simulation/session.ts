import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../entities/data-source';
import { cleanUp } from '../infra/process/cleanup';
import { startThrowawayDatabase } from '../infra/postgres/throwaway-database';
import { bundleSimulationWorkflows, runSimulation, type SimulationOptions, type SimulationResult } from './run';
import type { Scenario } from './scenario';

/** What a command-line session of simulations shares: one throwaway PostgreSQL, one workflow bundle. */
export interface SimulationSession {
  dataSource: DataSource;
  /** The simulation's workflows, bundled once (the engine's own and the simulated world's). */
  workflowBundle: { code: string };
  run(
    scenario: Scenario,
    opts?: Omit<SimulationOptions, 'dataSource' | 'workflowBundle' | 'onServer'>,
  ): Promise<SimulationResult>;
  /** Stops something the body started (a server, a worker) with the session: at the end, or on a signal. */
  atStop(stop: () => Promise<unknown>): void;
}

/**
 * Starts a throwaway PostgreSQL (migrated) and bundles the workflows, runs `body`, and stops everything at the
 * end, also on Ctrl-C or SIGTERM (then the process exits 130). Quiet: the SDK logs errors only.
 */
export async function withSimulationSession<T>(body: (session: SimulationSession) => Promise<T>): Promise<T> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= cleanUp([...stops].reverse()));
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the simulation's servers`);
    // Calls in flight when their server stops fail as it goes, some where nothing can catch them (the SDK's gRPC
    // retry timer throws once its channel is closed). The run was stopped, so they are expected: said, not fatal.
    const said = new Set<string>();
    const expected = (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!said.has(message)) console.error(`after ${signal}: ${message}`);
      said.add(message);
    };
    process.on('uncaughtException', expected);
    process.on('unhandledRejection', expected);
    void stopAll()
      .catch((err: unknown) => console.error(err))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const started = Date.now();
    const db = await startThrowawayDatabase('paystar_simulation');
    stops.push(() => db.stop());
    const dataSource = await createDataSource(db.url, { poolSize: 10 }).initialize();
    stops.push(() => dataSource.destroy());
    const workflowBundle = await bundleSimulationWorkflows();
    let server: (() => Promise<void>) | null = null;
    stops.push(async () => server?.());
    console.log(`database and workflow bundle ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return await body({
      dataSource,
      workflowBundle,
      run: (scenario, opts = {}) =>
        runSimulation(scenario, { ...opts, dataSource, workflowBundle, onServer: (stop) => (server = stop) }),
      atStop: (stop) => stops.push(stop),
    });
  } finally {
    await stopAll();
  }
}

/**
 * Ends the process with `code` once `main` settles, unless a signal is already stopping it (the signal handler of
 * withSimulationSession then exits 130 when everything is stopped).
 */
export function exitWith(main: Promise<number>): void {
  let signalled = false;
  process.once('SIGINT', () => (signalled = true));
  process.once('SIGTERM', () => (signalled = true));
  main.then(
    (code) => {
      if (!signalled) process.exit(code);
    },
    (err: unknown) => {
      if (signalled) return;
      console.error(err);
      process.exit(1);
    },
  );
}
