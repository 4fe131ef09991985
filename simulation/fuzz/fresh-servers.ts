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
  let current: WorldOnServer | undefined;
  let ordersOnCurrent = 0;
  return {
    async runBatch(batch) {
      if (current && ordersOnCurrent >= ordersPerServer) {
        await current.stop();
        current = undefined;
      }
      if (!current) {
        current = await start();
        ordersOnCurrent = 0;
      }
      ordersOnCurrent += batch.cases.length;
      return current.world.runBatch(batch);
    },
    async stop() {
      await current?.stop();
      current = undefined;
    },
  };
}
