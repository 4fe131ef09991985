import { worldOnFreshServers } from '../../simulation/fuzz/fresh-servers';
import type { FuzzBatch, FuzzCase } from '../../simulation/fuzz/model';
import type { CaseOutcome } from '../../simulation/fuzz/run';

const batchOf = (size: number): FuzzBatch => ({ cases: Array.from({ length: size }, () => ({}) as FuzzCase) });

test('a long fuzz run moves to a fresh server between batches once a server has run its share of orders', async () => {
  const log: string[] = [];
  let servers = 0;
  const world = worldOnFreshServers(async () => {
    const n = ++servers;
    log.push(`start ${n}`);
    return {
      world: {
        runBatch: async (batch) => {
          log.push(`batch of ${batch.cases.length} on ${n}`);
          return [] as CaseOutcome[];
        },
        stop: async () => undefined,
      },
      stop: async () => {
        log.push(`stop ${n}`);
      },
    };
  }, 50);
  for (const size of [25, 20, 25, 25, 10]) await world.runBatch(batchOf(size));
  await world.stop();
  expect(log).toEqual([
    'start 1',
    'batch of 25 on 1',
    'batch of 20 on 1',
    // 45 orders: under the share, so the third batch still runs here and takes it over 50.
    'batch of 25 on 1',
    'stop 1',
    'start 2',
    'batch of 25 on 2',
    'batch of 10 on 2',
    'stop 2',
  ]);
});

test('a stop while a server is still starting waits for it and stops it', async () => {
  const log: string[] = [];
  let started!: () => void;
  const world = worldOnFreshServers(
    () =>
      new Promise((resolve) => {
        started = () =>
          resolve({
            world: { runBatch: async () => [] as CaseOutcome[], stop: async () => undefined },
            stop: async () => {
              log.push('stopped');
            },
          });
      }),
  );
  const running = world.runBatch(batchOf(1));
  const stopping = world.stop();
  started();
  await Promise.all([running, stopping]);
  expect(log).toEqual(['stopped']);
  await expect(world.runBatch(batchOf(1))).rejects.toThrow('stopped');
});
