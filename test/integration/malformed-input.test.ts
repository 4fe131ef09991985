import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { DataSource } from 'typeorm';
import { loggableError } from '../../api/errors';
import { createGatewayRegistry } from '../../gateways';
import { useAdminApi } from '../helpers/admin-client';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';

/** Issue 20: every malformed request is a clear 4xx, never a 500, and logs keep no query strings nor bodies. */
const ctx = useAdminApi();
let ds: DataSource;
let depositKey: string;
let adminKey: string;
beforeAll(async () => {
  ds = ctx.ds;
  depositKey = (await createApiMerchant(ds, 'deposit')).keys.sandbox.deposit;
  adminKey = (await import('../helpers/http')).TEST_ADMIN_KEY;
});

async function send(
  method: string,
  path: string,
  init: { key?: string | null; headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  const key = init.key === undefined ? depositKey : init.key;
  const res = await fetch(`${ctx.api.baseUrl}${path}`, {
    method,
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let json: { error?: { code: string; message: string } } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers };
}

const deposit = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    amount: 10.09,
    currency: 'USD',
    externalTransactionId: `dep-${randomUUID()}`,
    additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
    ...overrides,
  });
const DEPOSIT = '/api/v1/integration/deposit-order';

describe('bodies', () => {
  test('a body over 100 kB is a 413, with or without a key', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(120_000) });
    for (const key of [depositKey, null]) {
      const res = await send('POST', DEPOSIT, { key, body: big });
      expect(res.status).toBe(413);
      expect(res.json?.error?.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  test('another content type, an unsupported charset or content encoding is a 415', async () => {
    const cases: Array<Record<string, string>> = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json; charset=utf-7' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
    ];
    for (const headers of cases) {
      const res = await send('POST', DEPOSIT, { body: deposit(), headers });
      expect({ headers, status: res.status }).toEqual({ headers, status: 415 });
      expect(res.json?.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // gzip is fine.
    const zipped = await send('POST', DEPOSIT, {
      body: gzipSync(deposit({ amount: 'nope' })),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(zipped.status).toBe(400);
  });

  test('NUL and other control characters are refused at validation, naming the field', async () => {
    const cases = [
      deposit({ externalTransactionId: 'ab\u0000c' }),
      deposit({ additionalFields: [{ key: 'email', value: 'a\u0000@b.com' }] }),
      deposit({ additionalFields: [{ key: 'payeerIdentifier', value: 'id\u0000' }] }),
      deposit({ additionalFields: [{ key: 'cardHolder', value: 'J\u0007ohn' }] }),
    ];
    for (const body of cases) {
      const res = await send('POST', DEPOSIT, { body });
      expect(res.status).toBe(400);
      expect(res.json?.error?.code).toBe('VALIDATION_FAILED');
      expect(res.json?.error?.message).toContain('control characters');
    }
    const admin = await send('GET', '/api/v1/admin/blacklist?value=a%00b', { key: adminKey });
    expect(admin.status).toBe(400);
  });

  test('a control character in a payment-page form field is a 400, not a database error', async () => {
    const created = await send('POST', DEPOSIT, { body: deposit({ additionalFields: [] }) });
    expect(created.status).toBe(200);
    const { externalId } = created.json as unknown as { externalId: string };
    const res = await fetch(`${ctx.api.baseUrl}/pay/${externalId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=pay&cardNumber=4111111111111111&cardHolder=J%00hn',
    });
    expect(res.status).toBe(400);
  });

  test('amounts the ledger cannot hold exactly, or finer than the currency, are 400s', async () => {
    for (const amount of ['1e-21', '5e-324', '0.001', '1e21', '4503599627370.5', '123456789012345.67']) {
      const body = deposit().replace('"amount":10.09', `"amount":${amount}`);
      const res = await send('POST', DEPOSIT, { body });
      expect({ amount, status: res.status }).toEqual({ amount, status: 400 });
      expect(res.json?.error?.message).toContain('amount');
    }
  });
});

describe('paths and methods', () => {
  test('bad percent-encoding and control characters in a path are 400s', async () => {
    for (const path of [`${DEPOSIT}/%E0%A4%A/status`, `${DEPOSIT}/%00/status`, `${DEPOSIT}/abc%00def/status`]) {
      const res = await send('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
  });

  test('TRACE is a 405', async () => {
    // fetch refuses to send TRACE: plain node:http does.
    const trace = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${ctx.api.baseUrl}${path}`, { method: 'TRACE' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/health', DEPOSIT, '/nowhere']) expect(await trace(path)).toBe(405);
  });

  test('repeated slashes are collapsed, the query kept', async () => {
    const res = await send('GET', '//api//v1/integration///balance?x=//y');
    expect(res.status).toBe(200);
  });
});

describe('admin input', () => {
  test('timestamps with offsets PostgreSQL refuses, or days that do not exist, are 400s', async () => {
    for (const from of ['2025-01-01T00:00:00+16:00', '2025-01-01T00:00:00-99:00', '2025-02-30T00:00:00Z']) {
      const res = await send('GET', `/api/v1/admin/audit-log?from=${encodeURIComponent(from)}`, { key: adminKey });
      expect({ from, status: res.status }).toEqual({ from, status: 400 });
    }
    const fine = await send('GET', `/api/v1/admin/audit-log?from=${encodeURIComponent('2025-01-01T00:00:00+15:59')}`, {
      key: adminKey,
    });
    expect(fine.status).toBe(200);
  });

  test('gateway credentials under any name, or nested, are never answered', async () => {
    const res = await send('POST', '/api/v1/admin/gateways', {
      key: adminKey,
      body: JSON.stringify({
        code: `gw-${randomUUID()}`,
        name: 'careless',
        connector: 'sandbox',
        mode: 'sandbox',
        settings: {
          scenario: 'success-at-create',
          baseUrl: 'http://user:pw-in-url@127.0.0.1:9/api?access=qs-secret',
          auth: { bearer: 'nested-secret' },
          pwd: 'plain-secret',
          merchantAccount: 'acct-secret',
        },
      }),
    });
    expect(res.status).toBe(201);
    const text = JSON.stringify(res.json);
    for (const secret of ['pw-in-url', 'qs-secret', 'nested-secret', 'plain-secret', 'acct-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('success-at-create');
    // The connector still sees them.
    expect(createGatewayRegistry(ds).names()).toContain('sandbox');
  });
});

describe('logs', () => {
  test('database errors are logged without the query, its parameters or the values in messages', () => {
    const err = Object.assign(new Error('invalid input syntax for type uuid: "card-token-123"'), {
      name: 'QueryFailedError',
      query: 'SELECT 1 WHERE x = $1',
      parameters: ['card-token-123'],
      driverError: {
        code: '22P02',
        routine: 'string_to_uuid',
        message: 'invalid input syntax for type uuid: "card-token-123"',
        detail: 'Key (value)=(card-token-123)',
      },
    });
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain('card-token-123');
    expect(logged).toContain('22P02');
  });

  test('request logs carry neither query strings nor bodies', async () => {
    await send('POST', `${DEPOSIT}?token=query-secret`, { body: deposit({ externalTransactionId: 'body-secret' }) });
    const logs = ctx.api.logLines.join('\n');
    expect(logs).not.toContain('query-secret');
    expect(logs).not.toContain('body-secret');
  });
});
