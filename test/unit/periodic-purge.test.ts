import { startPeriodicPurge } from '../../api/purges/periodic-purge';
import type { Logger } from '../../infra/logging/logger';

describe('a periodic purge', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const logger = () => ({ info: jest.fn(), warn: jest.fn() });

  it('purges once per interval, says how many rows went, and is quiet when none did', async () => {
    const log = logger();
    const counts = [2, 0];
    const purge = jest.fn(async () => counts.shift() ?? 0);
    const job = startPeriodicPurge(log as unknown as Logger, { what: 'expired things', everyMs: 1_000, purge });
    expect(purge).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(purge).toHaveBeenCalledTimes(2);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info).toHaveBeenCalledWith({ purged: 2 }, 'expired things purged');
    await job.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(purge).toHaveBeenCalledTimes(2);
  });

  it('logs a failed purge without its message (it may hold row data) and tries again at the next interval', async () => {
    const log = logger();
    const purge = jest
      .fn<Promise<number>, []>()
      .mockRejectedValueOnce(new TypeError('row 4111 broke'))
      .mockResolvedValue(1);
    const job = startPeriodicPurge(log as unknown as Logger, { what: 'expired things', everyMs: 1_000, purge });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(log.warn).toHaveBeenCalledWith({ err: { type: 'TypeError' } }, 'expired things purge failed');
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain('4111');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(log.info).toHaveBeenCalledWith({ purged: 1 }, 'expired things purged');
    await job.stop();
  });

  it('stop waits for a purge in flight', async () => {
    let finish: (n: number) => void = () => undefined;
    const purge = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const job = startPeriodicPurge(logger() as unknown as Logger, { what: 'x', everyMs: 1_000, purge });
    await jest.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish(0);
    await stopping;
    expect(stopped).toBe(true);
  });
});
