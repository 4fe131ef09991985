import { freePort, waitForPort } from '../../infra/net';
import { spawnManaged } from '../../infra/process/managed-child';
import { resolveStripeMock } from '../../infra/provisioning/stripe-mock';

/** A stripe-mock this test file started on a free loopback port; `stop` ends it (by its pid). */
export interface RunningStripeMock {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Provisions stripe-mock (cache, PATH, or `go install`) and starts it on 127.0.0.1 only. */
export async function startStripeMock(): Promise<RunningStripeMock> {
  const { value: binary } = await resolveStripeMock();
  const port = await freePort();
  const child = spawnManaged('stripe-mock', binary, ['-http-addr', `127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    await waitForPort(port, 30_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => child.stop() };
}

/** Starts stripe-mock before the file's tests and stops it after them; the getter is valid once beforeAll ran. */
export function useStripeMock(): () => RunningStripeMock {
  let mock: RunningStripeMock | undefined;
  beforeAll(async () => {
    mock = await startStripeMock();
  }, 600_000);
  afterAll(async () => mock?.stop());
  return () => mock!;
}
