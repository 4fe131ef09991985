import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { cleanUp } from '../../infra/process/cleanup';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { startFuzzWorld, type FuzzWorld } from '../../simulation/fuzz/run';
import { bundleSimulationWorkflows } from '../../simulation/run';
import { testDataSource } from '../helpers/database';

/** A fuzz world (simulation/fuzz/run.ts) on this file's time-skipping server, stopped after the file. */
export function useFuzzWorld(): () => FuzzWorld {
  const worlds = useFuzzWorlds(1);
  return () => worlds()[0]!;
}

/**
 * `count` fuzz worlds, each on a time-skipping server of its own (one clock each), sharing the file's database
 * and workflow bundle; stopped after the file.
 */
export function useFuzzWorlds(count: number): () => FuzzWorld[] {
  const envs: TestWorkflowEnvironment[] = [];
  const worlds: FuzzWorld[] = [];
  let ds: DataSource | undefined;
  beforeAll(async () => {
    const [dataSource, bundle] = await Promise.all([testDataSource(), bundleSimulationWorkflows()]);
    ds = dataSource;
    for (let i = 0; i < count; i++) {
      const env = await createTimeSkippingEnv();
      envs.push(env);
      worlds.push(await startFuzzWorld(env, dataSource, bundle));
    }
  });
  afterAll(() =>
    cleanUp([
      ...worlds.map((world) => () => world.stop()),
      ...envs.map((env) => () => env.teardown()),
      async () => ds?.destroy(),
    ]),
  );
  return () => worlds;
}
