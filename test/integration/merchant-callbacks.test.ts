import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { classifyTransportError } from '../../activities/merchant-callbacks/classify';
import { isPrivateAddress } from '../../activities/merchant-callbacks/destination';
import { merchantCallbackActivities } from '../../activities/merchant-callbacks';
import type { OrderStatus } from '../../domain/order';
import type { MerchantCallbackRequest } from '../../domain/merchant-callback-contract';
import { MerchantCallbackDeliveryEntity } from '../../entities/merchant-callback-delivery.entity';
import { freePort } from '../../infra/net';
import { cleanUp } from '../../infra/process/cleanup';
import { verifyMerchantCallback } from '../../infra/security/merchant-callback-signature';
import { createMerchantWithKeys, testDataSource } from '../helpers/database';

const TIMEOUT_MS = 300;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A merchant endpoint on loopback whose behaviour is chosen by the path; it records every request it reads. */
async function startSink() {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      switch (req.url) {
        case '/ok':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
        case '/no-content':
          return res.writeHead(204).end();
        case '/fail':
          return res.writeHead(500).end('boom');
        case '/unavailable':
          return res.writeHead(503).end();
        case '/redirect':
          return res.writeHead(302, { location: '/ok' }).end();
        case '/missing':
          return res.writeHead(404).end('not here');
        case '/hang':
          return; // never answers
        case '/destroy':
          return req.socket.destroy();
        case '/garbage':
          return req.socket.end('this is not HTTP\r\n\r\n');
        case '/stalled-body':
          return res.writeHead(200, { 'content-length': '100' }).write('partial'); // and never the rest
        case '/big-body':
          return res.writeHead(200).end(Buffer.alloc(1024 * 1024, 'x'));
        default:
          return res.writeHead(418).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let ds: DataSource;
let sink: Awaited<ReturnType<typeof startSink>>;
let merchantId: string;
// The sink listens on loopback: these activities let callbacks reach it (the guard's own tests turn it on).
const activities = () => merchantCallbackActivities(ds, { timeoutMs: TIMEOUT_MS, allowPrivateNetworks: true });

beforeAll(async () => {
  ds = await testDataSource();
  sink = await startSink();
  merchantId = (await createMerchantWithKeys(ds)).merchantId;
});
afterAll(() => cleanUp([async () => sink?.close(), async () => ds?.destroy()]));
beforeEach(() => {
  sink.requests.length = 0;
});

async function createOrder(forMerchant = merchantId, status: OrderStatus = 'Success'): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status, workflow_id)
     VALUES ($1, $2, 'deposit', $3, 1050, 'USD', $4, $5)`,
    [id, forMerchant, `ext-${id}`, status, `deposit-${id}`],
  );
  return id;
}

async function callbackRequest(
  url: string,
  over: { orderStatus?: OrderStatus; attempt?: number; orderId?: string; merchantId?: string } = {},
): Promise<MerchantCallbackRequest> {
  const orderStatus = over.orderStatus ?? 'Success';
  const orderId = over.orderId ?? (await createOrder(over.merchantId ?? merchantId, orderStatus));
  return {
    orderId,
    merchantId: over.merchantId ?? merchantId,
    url,
    attempt: over.attempt ?? 1,
    payload: {
      eventId: `evt_${randomUUID()}`,
      externalId: orderId,
      externalTransactionId: `ext-${orderId}`,
      orderStatus,
      amount: 10.5,
      currency: 'USD',
    },
  };
}

const secretOf = async (id: string): Promise<string | null> =>
  (await ds.query(`SELECT callback_secret FROM merchants WHERE id = $1`, [id]))[0].callback_secret;

const rowsOf = (eventId: string) =>
  ds.getRepository(MerchantCallbackDeliveryEntity).find({ where: { eventId }, order: { attempt: 'ASC' } });

describe('deliverMerchantCallback', () => {
  test('POSTs the signed payload once and records the delivered attempt', async () => {
    const req = await callbackRequest(`${sink.base}/ok`);
    const before = Math.floor(Date.now() / 1000);

    await expect(activities().deliverMerchantCallback(req)).resolves.toEqual({ delivered: true, httpStatus: 200 });

    expect(sink.requests).toHaveLength(1);
    const [received] = sink.requests as [Received];
    const { eventId } = req.payload;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/ok');
    expect(received.headers).toMatchObject({
      'content-type': 'application/json',
      'x-paystar-event-id': eventId,
      'idempotency-key': eventId,
      'user-agent': 'PayStar-Callbacks/1.0',
    });
    // Byte for byte what the contract's fields serialise to, in the contract's order.
    expect(received.body.toString('utf8')).toBe(JSON.stringify(req.payload));
    expect(JSON.parse(received.body.toString('utf8'))).toEqual(req.payload);

    const secret = await secretOf(merchantId);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const header = received.headers['x-paystar-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const verdict = verifyMerchantCallback(secret!, header, received.body);
    expect(verdict).toMatchObject({ valid: true });
    expect((verdict as { timestamp: number }).timestamp).toBeGreaterThanOrEqual(before);
    expect(verifyMerchantCallback('0'.repeat(64), header, received.body)).toMatchObject({ valid: false });

    const rows = await rowsOf(eventId);
    expect(rows).toEqual([
      expect.objectContaining({
        orderId: req.orderId,
        // The cabinet's list finds a merchant's attempts by this column, without joining its orders.
        merchantId: req.merchantId,
        eventId,
        attempt: 1,
        url: `${sink.base}/ok`,
        outcome: 'delivered',
        code: null,
        httpStatus: 200,
        error: null,
      }),
    ]);
    expect(rows[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(rows[0]!.attemptedAt.getTime()).toBeGreaterThanOrEqual(before * 1000);
    const stored = JSON.stringify(
      await ds.query(`SELECT * FROM merchant_callback_deliveries WHERE event_id = $1`, [eventId]),
    );
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(header.slice(header.indexOf('v1=') + 3));
  });

  test.each([
    ['a 204', '/no-content', 204],
    ['a 2xx with a 1 MiB body (read only up to a small limit)', '/big-body', 200],
    ['a 2xx whose body then stalls past the timeout', '/stalled-body', 200],
  ])('counts %s as delivered', async (_name, path, httpStatus) => {
    const req = await callbackRequest(`${sink.base}${path}`);
    await expect(activities().deliverMerchantCallback(req)).resolves.toEqual({ delivered: true, httpStatus });
    expect(await rowsOf(req.payload.eventId)).toEqual([
      expect.objectContaining({ outcome: 'delivered', code: null, httpStatus }),
    ]);
  });

  const failures: Array<[name: string, rr: string, path: string, httpStatus: number | null]> = [
    ['a timeout', '11', '/hang', null],
    ['a socket destroyed before any response', '12', '/destroy', null],
    ['a 500', '13', '/fail', 500],
    ['a 503', '13', '/unavailable', 503],
    ['a 302 (not followed)', '14', '/redirect', 302],
    ['a 404', '14', '/missing', 404],
    ['an answer that is not HTTP', '14', '/garbage', null],
  ];
  describe.each([
    ['Success', '3'],
    ['Failed', '4'],
  ] as const)('for a %s order', (orderStatus, b) => {
    test.each(failures)('classifies %s as 6.2.B.%s', async (_name, rr, path, httpStatus) => {
      const req = await callbackRequest(`${sink.base}${path}`, { orderStatus });
      const result = await activities().deliverMerchantCallback(req);
      const code = `6.2.${b}.${rr}`;

      expect(result).toEqual(httpStatus === null ? { delivered: false, code } : { delivered: false, code, httpStatus });
      expect(sink.requests.map((r) => r.path)).toEqual([path]); // one request, no redirect followed
      const rows = await rowsOf(req.payload.eventId);
      expect(rows).toEqual([expect.objectContaining({ outcome: 'failed', code, httpStatus, attempt: 1 })]);
      expect(rows[0]!.error).toEqual(expect.any(String));
      expect(rows[0]!.error!.length).toBeLessThanOrEqual(200);
    });

    test('classifies a refused connection as 6.2.B.12', async () => {
      const req = await callbackRequest(`http://127.0.0.1:${await freePort()}/callback`, { orderStatus });
      await expect(activities().deliverMerchantCallback(req)).resolves.toEqual({
        delivered: false,
        code: `6.2.${b}.12`,
      });
      expect((await rowsOf(req.payload.eventId))[0]).toMatchObject({ code: `6.2.${b}.12`, httpStatus: null });
    });
  });

  test.each([
    ['ftp', 'ftp://127.0.0.1/callback'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['relative', '/callback'],
    ['garbage', 'not a url'],
    ['with credentials', 'http://user:hunter2@127.0.0.1:1/ok'],
  ])('fails a %s URL as 6.2.B.14 without making a request', async (_name, url) => {
    const req = await callbackRequest(url.replace('127.0.0.1:1', `127.0.0.1:${sink.port}`), {
      orderStatus: 'Failed',
    });
    await expect(activities().deliverMerchantCallback(req)).resolves.toEqual({ delivered: false, code: '6.2.4.14' });
    expect(sink.requests).toHaveLength(0);
    const [row] = await rowsOf(req.payload.eventId);
    expect(row).toMatchObject({ outcome: 'failed', code: '6.2.4.14', httpStatus: null });
    expect(row!.url).not.toContain('hunter2');
    expect(row!.error).not.toContain('hunter2');
  });

  test('keeps one row per attempt: the same attempt again overwrites it, the next attempt adds one', async () => {
    const failing = await callbackRequest(`${sink.base}/fail`);
    await activities().deliverMerchantCallback(failing);
    expect(await rowsOf(failing.payload.eventId)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', code: '6.2.3.13' }),
    ]);

    // An activity retry of attempt 1 (say the worker died after the POST) that now succeeds.
    const retried = { ...failing, url: `${sink.base}/ok` };
    await expect(activities().deliverMerchantCallback(retried)).resolves.toEqual({ delivered: true, httpStatus: 200 });
    await activities().deliverMerchantCallback({ ...failing, attempt: 2, url: `${sink.base}/missing` });

    expect(await rowsOf(failing.payload.eventId)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered', code: null, httpStatus: 200, error: null }),
      expect.objectContaining({ attempt: 2, outcome: 'failed', code: '6.2.3.14', httpStatus: 404 }),
    ]);
    // The event id is the same on every attempt, so the merchant can deduplicate.
    expect(new Set(sink.requests.map((r) => r.headers['x-paystar-event-id']))).toEqual(
      new Set([failing.payload.eventId]),
    );
  });

  test('gives every merchant its own random secret at its first callback', async () => {
    const a = (await createMerchantWithKeys(ds)).merchantId;
    const b = (await createMerchantWithKeys(ds)).merchantId;
    // The database generates none (secrets are stored encrypted, which needs the master keys).
    expect([await secretOf(a), await secretOf(b)]).toEqual([null, null]);
    for (const merchantId of [a, b]) {
      await activities().deliverMerchantCallback(await callbackRequest(`${sink.base}/ok`, { merchantId }));
    }
    const [sa, sb] = [await secretOf(a), await secretOf(b)];
    expect(sa).toMatch(/^[0-9a-f]{64}$/);
    expect(sb).toMatch(/^[0-9a-f]{64}$/);
    expect(sa).not.toBe(sb);
  });

  test('generates, stores and uses a secret for a merchant that has none', async () => {
    const id = (await createMerchantWithKeys(ds)).merchantId;
    await ds.query(`UPDATE merchants SET callback_secret = NULL WHERE id = $1`, [id]);
    const first = await callbackRequest(`${sink.base}/ok`, { merchantId: id });

    await expect(activities().deliverMerchantCallback(first)).resolves.toMatchObject({ delivered: true });
    const secret = await secretOf(id);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await activities().deliverMerchantCallback(await callbackRequest(`${sink.base}/ok`, { merchantId: id }));

    expect(await secretOf(id)).toBe(secret);
    for (const r of sink.requests) {
      expect(verifyMerchantCallback(secret!, r.headers['x-paystar-signature'] as string, r.body).valid).toBe(true);
    }
  });

  test('refuses, non-retryably and without a request, an unknown merchant, an order of another merchant, a non-final status', async () => {
    const other = (await createMerchantWithKeys(ds)).merchantId;
    const othersOrder = await createOrder(other);
    const cases: Array<[MerchantCallbackRequest, string]> = [
      [{ ...(await callbackRequest(`${sink.base}/ok`)), merchantId: randomUUID() }, 'UnknownMerchant'],
      [await callbackRequest(`${sink.base}/ok`, { orderId: othersOrder }), 'UnknownOrder'],
      [await callbackRequest(`${sink.base}/ok`, { orderId: randomUUID() }), 'UnknownOrder'],
      [await callbackRequest(`${sink.base}/ok`, { orderStatus: 'Processing' }), 'InvalidMerchantCallback'],
      [await callbackRequest(`${sink.base}/ok`, { attempt: 0 }), 'InvalidMerchantCallback'],
    ];
    for (const [req, type] of cases) {
      await expect(activities().deliverMerchantCallback(req)).rejects.toMatchObject({ type, nonRetryable: true });
      expect(await rowsOf(req.payload.eventId)).toEqual([]);
    }
    expect(sink.requests).toHaveLength(0);
  });

  test('with allowPrivateNetworks false, refuses loopback destinations as 6.2.B.14 without a request', async () => {
    const guarded = merchantCallbackActivities(ds, { timeoutMs: TIMEOUT_MS, allowPrivateNetworks: false });
    for (const url of [`${sink.base}/ok`, `http://localhost:${sink.port}/ok`, `http://[::1]:${sink.port}/ok`]) {
      const req = await callbackRequest(url);
      await expect(guarded.deliverMerchantCallback(req)).resolves.toEqual({ delivered: false, code: '6.2.3.14' });
      expect((await rowsOf(req.payload.eventId))[0]!.error).toMatch(/private address/);
    }
    expect(sink.requests).toHaveLength(0);
  });

  test('the guard is on by default: activities built without options refuse a loopback destination', async () => {
    const req = await callbackRequest(`${sink.base}/ok`);
    const unconfigured = merchantCallbackActivities(ds, { timeoutMs: TIMEOUT_MS });
    await expect(unconfigured.deliverMerchantCallback(req)).resolves.toEqual({ delivered: false, code: '6.2.3.14' });
    expect(sink.requests).toHaveLength(0);
  });

  test('resolves the host once and connects to that address, with the URL host in Host (no DNS rebinding)', async () => {
    // `.invalid` never resolves (RFC 6761): only the checked answer can take the request anywhere. A second
    // lookup, the rebinding window, would fail, or answer differently.
    const lookups: string[] = [];
    const answers = [['127.0.0.1'], ['127.0.0.2']];
    const pinned = merchantCallbackActivities(ds, {
      timeoutMs: TIMEOUT_MS,
      allowPrivateNetworks: true,
      resolveHost: async (host) => {
        lookups.push(host);
        return answers[lookups.length - 1] ?? [];
      },
    });
    const req = await callbackRequest(`http://merchant.invalid:${sink.port}/ok`);
    await expect(pinned.deliverMerchantCallback(req)).resolves.toEqual({ delivered: true, httpStatus: 200 });
    expect(lookups).toEqual(['merchant.invalid']);
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]!.headers.host).toBe(`merchant.invalid:${sink.port}`);
  });

  test('with allowPrivateNetworks false, a name that resolves to a private address is refused before connecting', async () => {
    const guarded = merchantCallbackActivities(ds, {
      timeoutMs: TIMEOUT_MS,
      allowPrivateNetworks: false,
      resolveHost: async () => ['127.0.0.1'],
    });
    const req = await callbackRequest(`http://merchant.invalid:${sink.port}/ok`);
    await expect(guarded.deliverMerchantCallback(req)).resolves.toEqual({ delivered: false, code: '6.2.3.14' });
    expect((await rowsOf(req.payload.eventId))[0]!.error).toMatch(/private address \(127\.0\.0\.1\)/);
    expect(sink.requests).toHaveLength(0);
  });
});

describe('classification helpers', () => {
  test.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.31.255.255', true],
    ['192.168.0.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['not-an-ip', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['2001:4860:4860::8888', false],
    ['::ffff:8.8.8.8', false],
  ])('isPrivateAddress(%s) is %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  const fetchFailed = (code: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`x ${code}`), { code }) });
  test.each([
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['ENOTFOUND', 'connection'],
    ['EAI_AGAIN', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection'],
    ['CERT_HAS_EXPIRED', 'connection'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['HPE_INVALID_CONSTANT', 'response'],
  ])('a fetch failure caused by %s is a %s failure', (code, reason) => {
    expect(classifyTransportError(fetchFailed(code))).toMatchObject({ reason, error: expect.stringContaining(code) });
  });
});
