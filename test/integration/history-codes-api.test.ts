import type { DataSource } from 'typeorm';
import { CODES, HISTORY_CODES, REASONS } from '../../domain/history-codes';
import { cleanUp } from '../../infra/process/cleanup';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  ds = await testDataSource();
  api = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS) });
});
afterAll(() => cleanUp([async () => api?.stop(), async () => ds?.destroy()]));

interface CodeBody {
  code: string;
  legacyCodes: string[];
  action: string;
  actor: string;
  stage: string;
  class: string;
  status: string;
  reason: string | null;
  description: string;
  extension: boolean;
}

async function catalog(): Promise<{ codes: CodeBody[]; reasons: Array<Record<string, unknown>> }> {
  const res = await fetch(`${api.baseUrl}/api/v1/history-codes`);
  expect(res.status).toBe(200);
  return res.json() as never;
}

describe('GET /api/v1/history-codes', () => {
  test('returns every catalog code with its fields, without a key', async () => {
    const { codes } = await catalog();
    expect(codes.map((c) => c.code)).toEqual(HISTORY_CODES.map((d) => d.code));
    for (const [i, d] of HISTORY_CODES.entries()) {
      expect(codes[i]).toMatchObject({
        code: d.code,
        legacyCodes: [...d.legacy],
        action: d.action,
        actor: d.actor,
        stage: d.stage,
        class: d.class,
        status: d.status,
        reason: d.reason,
        description: d.description,
        extension: d.extension,
      });
    }
  });

  test('gives every code a legacy action', async () => {
    const { codes } = await catalog();
    for (const c of codes) expect(c.action).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  test('flags seed codes and extensions', async () => {
    const byCode = new Map((await catalog()).codes.map((c) => [c.code, c]));
    expect(byCode.get(CODES.CREATED)).toMatchObject({ extension: false, legacyCodes: ['1.0.0.0'], action: '1.0.0.0' });
    expect(byCode.get(CODES.CALLBACK_INVALID_SIGNATURE)).toMatchObject({
      extension: false,
      reason: 'TECH.INVALID_SIGNATURE',
      actor: 'GATEWAY_CALLBACK',
    });
    const cascade = byCode.get(CODES.CASCADE)!;
    expect(cascade).toMatchObject({ extension: true, legacyCodes: [], reason: 'FLOW.CASCADE' });
    expect(cascade.action.split('.')[2]).toBe('9');
  });

  test('lists the reasons', async () => {
    const { reasons } = await catalog();
    expect(reasons).toHaveLength(Object.keys(REASONS).length);
    expect(reasons).toContainEqual({
      rr: '16',
      key: 'TECH.INVALID_SIGNATURE',
      group: 'TECH',
      description: 'signature did not verify',
      extension: false,
    });
    expect(reasons).toContainEqual(expect.objectContaining({ rr: '71', key: 'FLOW.CASCADE', extension: true }));
  });
});

describe('API documentation', () => {
  test('/openapi.json documents the catalog and the gateway callback endpoints', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.paths['/api/v1/history-codes']).toHaveProperty('get');
    expect(doc.paths['/api/v1/gateways/{gatewayId}/callback']).toHaveProperty('post');
    expect(doc.components.schemas).toHaveProperty('HistoryCodesResponse');
  });

  test('/docs is an HTML page listing every path and method of /openapi.json, with links', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const res = await fetch(`${api.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('href="/openapi.json"');
    expect(html).toContain('href="/api/v1/history-codes"');
    const paths = Object.entries(doc.paths);
    expect(paths.length).toBeGreaterThan(3);
    for (const [path, item] of paths) {
      for (const [method, operation] of Object.entries(item)) {
        expect(html).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
        if (operation.summary) expect(html).toContain(escape(operation.summary));
      }
    }
    // Schemas are rendered, references link to them, and nothing from the document reaches the page unescaped.
    expect(html).toContain('id="schema-HistoryCodesResponse"');
    expect(html).toContain('href="#schema-Error"');
    expect(html).not.toMatch(/<script/i);
  });
});

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
