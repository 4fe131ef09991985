import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';
import { testDataSource } from './database';
import { startApi, TEST_ADMIN_KEY } from './http';

/** What an admin or merchant call answered. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read whatever JSON came back
export type Answer = { status: number; json: any };

/** JSON over HTTP with a bearer key; every answer body is also kept, so tests can check none leaks a secret. */
/** `key` null sends no Authorization header. */
export function httpClient(baseUrl: string, key: string | null = TEST_ADMIN_KEY) {
  const bodies: string[] = [];
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    bodies,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}
export type HttpClient = ReturnType<typeof httpClient>;

/** Fails with the answer when the status is not the expected one, and returns its JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Answer
export async function expectStatus(answer: Promise<Answer>, status: number): Promise<any> {
  const a = await answer;
  if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${JSON.stringify(a.json)}`);
  return a.json;
}

/**
 * A merchant set up the way an operator would, through the admin API only: sandbox gateways with the given
 * scenarios (`settings.scenario`), and one pipeline per name, each routed over all the gateways in order with a
 * sandbox key bound to it.
 */
export async function adminSetUpMerchant(
  admin: HttpClient,
  opts: { direction?: 'deposit' | 'payout'; pipelines?: string[]; gatewayScenarios?: string[] } = {},
) {
  const direction = opts.direction ?? 'deposit';
  const merchant = await expectStatus(admin.post('/api/v1/admin/merchants', { name: `merchant ${randomUUID()}` }), 201);
  const gateways: Array<{ id: string; name: string }> = [];
  for (const [i, scenario] of (opts.gatewayScenarios ?? ['success-at-create']).entries()) {
    gateways.push(
      await expectStatus(
        admin.post('/api/v1/admin/gateways', {
          code: `gw-${randomUUID()}`,
          name: `gateway ${i + 1} (${scenario})`,
          connector: 'sandbox',
          mode: 'sandbox',
          settings: { scenario },
        }),
        201,
      ),
    );
  }
  const pipelines: Record<string, { id: string; key: string }> = {};
  for (const name of opts.pipelines ?? ['main']) {
    const pipeline = await expectStatus(
      admin.post('/api/v1/admin/pipelines', { merchantId: merchant.id, direction, name }),
      201,
    );
    await expectStatus(
      admin.put(`/api/v1/admin/pipelines/${pipeline.id}/routes`, {
        routes: gateways.map((g) => ({ gatewayId: g.id })),
      }),
      200,
    );
    const issued = await expectStatus(
      admin.post(`/api/v1/admin/merchants/${merchant.id}/keys`, {
        scope: direction,
        mode: 'sandbox',
        pipelineId: pipeline.id,
      }),
      201,
    );
    pipelines[name] = { id: pipeline.id, key: issued.secret };
  }
  return { merchantId: merchant.id as string, gateways, pipelines };
}

/**
 * The API on loopback over the run's test database, with an admin client, for the file's tests: started before
 * them and stopped after. Read the fields inside tests (they are set in beforeAll).
 */
export function useAdminApi() {
  const ctx = {} as { ds: DataSource; api: Awaited<ReturnType<typeof startApi>>; admin: HttpClient };
  beforeAll(async () => {
    ctx.ds = await testDataSource();
    ctx.api = await startApi({ dataSource: ctx.ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS) });
    ctx.admin = httpClient(ctx.api.baseUrl);
  });
  afterAll(async () => {
    await ctx.api?.stop();
    await ctx.ds?.destroy();
  });
  return ctx;
}
