import { startFuzzWorld, type FuzzWorld } from '../../simulation/fuzz/run';
import { bundleSimulationWorkflows } from '../../simulation/run';
import { useTimeSkippingServer } from '../workflows/order-harness';

/** A fuzz world (simulation/fuzz/run.ts) on this file's time-skipping server, stopped after the file. */
export function useFuzzWorld(): () => FuzzWorld {
  const server = useTimeSkippingServer();
  let world: FuzzWorld | undefined;
  beforeAll(async () => {
    world = await startFuzzWorld(server.env(), server.ds(), await bundleSimulationWorkflows());
  });
  afterAll(() => world?.stop());
  return () => world!;
}
