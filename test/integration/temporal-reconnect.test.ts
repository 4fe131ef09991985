import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { freePort } from '../../infra/net';
import { startTemporalDevServer, type RunningDevServer } from '../../infra/temporal/dev-server';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';

/** The API's link to Temporal after an outage: back as soon as Temporal is, not after gRPC's growing backoff. */

let dir: string;
let ds: DataSource;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-reconnect-'));
  ds = await testDataSource();
});
afterAll(async () => {
  await ds?.destroy();
  await rm(dir, { recursive: true, force: true });
});

const healthStatus = (base: string) =>
  fetch(`${base}/health`).then(
    (res) => res.status,
    () => 0,
  );

/** Polls /health until it answers `status` or `waitMs` passed; returns the last status seen. */
async function healthWithin(base: string, status: number, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  let seen = await healthStatus(base);
  while (seen !== status && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    seen = await healthStatus(base);
  }
  return seen;
}

test('after a Temporal outage of 15 s, /health is 200 again within seconds of Temporal’s return', async () => {
  const options = { port: await freePort(), dbFilename: path.join(dir, 'temporal.db') };
  let dev: RunningDevServer = await startTemporalDevServer(options);
  const api = await startApi({ dataSource: ds, temporalAddress: dev.address });
  const { keys } = await createApiMerchant(ds, 'deposit');
  try {
    expect(await healthWithin(api.baseUrl, 200, 10_000)).toBe(200);
    await dev.stop();
    // Down long enough for gRPC's default backoff to grow to several seconds; the API keeps probing meanwhile.
    expect(await healthStatus(api.baseUrl)).toBe(503);
    const downUntil = Date.now() + 15_000;
    while (Date.now() < downUntil) {
      await healthStatus(api.baseUrl);
      await new Promise((r) => setTimeout(r, 250));
    }
    // Restarted on the same database file; it answers a connection of its own before this returns.
    dev = await startTemporalDevServer(options);
    expect(await healthWithin(api.baseUrl, 200, 3_000)).toBe(200);
    // Orders are taken again (no 423).
    const created = await fetch(`${api.baseUrl}/api/v1/integration/deposit-order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.sandbox.deposit}` },
      body: JSON.stringify({
        amount: 10,
        currency: 'USD',
        externalTransactionId: `reconnect-${Date.now()}`,
        additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
      }),
    });
    expect(created.status).toBe(200);
  } finally {
    await api.stop();
    await dev.stop();
  }
}, 90_000);
