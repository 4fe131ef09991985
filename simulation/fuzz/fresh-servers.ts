/**
 * A fuzz world that moves to a fresh time-skipping server every so many orders. The test server keeps every
 * workflow's history in its own memory for as long as it runs (about 360 events an order here), so a long run
 * on one server ends in a full heap; a batch never straddles two servers.
 */
import type { FuzzWorld } from './run';

/** Orders per server: about 350k events, well inside the launcher's 512 MB heap. */
export const ORDERS_PER_SERVER = 1_000;

export interface WorldOnServer {
  world: FuzzWorld;
  /** Stops the world and its server. */
  stop(): Promise<void>;
}

export function worldOnFreshServers(
  start: () => Promise<WorldOnServer>,
  ordersPerServer = ORDERS_PER_SERVER,
): FuzzWorld {
  // The promise, not the world: a stop that comes while a server is starting (a signal) must wait for it and stop it.
  let current: Promise<WorldOnServer> | undefined;
  let ordersOnCurrent = 0;
  let stopped = false;
  const stopCurrent = async () => {
    const stopping = current;
    current = undefined;
    if (stopping) await (await stopping).stop();
  };
  return {
    async runBatch(batch) {
      // After a stop (a signal) the property may still ask for its next batch: no new server may start then.
      if (stopped) throw new Error('the fuzz world has stopped');
      if (current && ordersOnCurrent >= ordersPerServer) await stopCurrent();
      if (!current) {
        current = start();
        ordersOnCurrent = 0;
      }
      ordersOnCurrent += batch.cases.length;
      return (await current).world.runBatch(batch);
    },
    async stop() {
      stopped = true;
      await stopCurrent();
    },
  };
}
