import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { verifyGatewayCallback } from '../../activities/gateway';
import type { GatewayPaymentRequest, RawGatewayCallback } from '../../domain/gateway-contract';
import { GatewayEntity } from '../../entities/gateway.entity';
import { freePort } from '../../infra/net';
import { createGatewayRegistry } from '../../gateways';
import { HttpSimConnector } from '../../gateways/http/http-connector';
import {
  type GatewaySimulator,
  SIMULATOR_API_KEY,
  SIMULATOR_READONLY_API_KEY,
  startGatewaySimulator,
} from '../../gateways/simulator';
import { testDataSource } from '../helpers/database';

// Short enough to keep the suite fast, long enough that loopback answers never hit it by accident.
const TIMEOUT_MS = 400;
const SLOW_ANSWER_MS = 2_000;

let ds: DataSource;
let sim: GatewaySimulator;
let fastSim: GatewaySimulator;
let listener: Awaited<ReturnType<typeof startCallbackListener>>;
let gateway: GatewayEntity;
let fastGateway: GatewayEntity;
const connector = new HttpSimConnector();

beforeAll(async () => {
  ds = await testDataSource();
  listener = await startCallbackListener();
  sim = await startGatewaySimulator({ slowAnswerMs: SLOW_ANSWER_MS });
  // 3600 simulated ms per real ms: the 30-minute pending time of the callback scenarios lasts half a second.
  fastSim = await startGatewaySimulator({ slowAnswerMs: SLOW_ANSWER_MS, timeScale: 3600, callbackUrl: listener.url });
  gateway = await gatewayRow({ baseUrl: sim.url, apiKey: SIMULATOR_API_KEY, timeoutMs: TIMEOUT_MS });
  fastGateway = await gatewayRow({ baseUrl: fastSim.url, apiKey: SIMULATOR_API_KEY, timeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await Promise.allSettled([sim?.stop(), fastSim?.stop(), listener?.stop()]);
  await ds?.destroy();
});

function gatewayRow(settings: Record<string, unknown>): Promise<GatewayEntity> {
  return ds.getRepository(GatewayEntity).save({
    code: `http-sim-${randomUUID()}`,
    name: 'HTTP simulator',
    connector: 'http-sim',
    mode: 'sandbox',
    settings,
  });
}

const ctx = (gw: GatewayEntity = gateway) => ({ gateway: gw, now: new Date() });
const request = (amountMinor: number, idempotencyKey = `http:${randomUUID()}`): GatewayPaymentRequest => ({
  idempotencyKey,
  orderId: randomUUID(),
  direction: 'deposit',
  amountMinor,
  currency: 'USD',
  requisites: { cardMask: '411111******1111' },
});

async function accepted(req: GatewayPaymentRequest, gw: GatewayEntity = gateway): Promise<string> {
  const created = await connector.create(req, ctx(gw));
  if (created.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(created)}`);
  return created.gatewayRef;
}

async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('http-sim against the simulator: answers', () => {
  test('success: accepted as pending, then paid; a repeated create is the same payment', async () => {
    const req = request(10_000);
    const created = await connector.create(req, ctx());
    expect(created).toMatchObject({ kind: 'accepted', status: 'pending', code: '2.1.2.00' });
    const ref = created.kind === 'accepted' ? created.gatewayRef : '';
    expect(ref).toMatch(/^pay_/);
    expect(await connector.create(req, ctx())).toEqual(created);
    expect(sim.payments().filter((p) => p.idempotencyKey === req.idempotencyKey)).toHaveLength(1);
    // With what the PSP says about the money, for the gateway activity to check against the order.
    expect(await connector.status({ gatewayRef: ref, idempotencyKey: req.idempotencyKey }, ctx())).toEqual({
      kind: 'success',
      code: '4.1.3.00',
      gatewayRef: ref,
      claim: { currency: 'USD', amountMinor: 100_00, requestedAmountMinor: 100_00 },
    });
  });

  test('success in the create answer', async () => {
    expect(await connector.create(request(10_009), ctx())).toMatchObject({
      kind: 'accepted',
      status: 'success',
      code: '2.1.3.00',
    });
  });

  test('declines at create carry the reason; a decline at the first check too', async () => {
    expect(await connector.create(request(10_063), ctx())).toEqual({ kind: 'declined', code: '2.2.4.63' });
    expect(await connector.create(request(10_033), ctx())).toEqual({ kind: 'declined', code: '2.2.4.33' });
    expect(await connector.create(request(10_010), ctx())).toEqual({ kind: 'declined', code: '2.2.4.00' });
    expect(await connector.create(request(10_015), ctx())).toEqual({ kind: 'declined', code: '2.2.4.15' });
    const req = request(10_002);
    const ref = await accepted(req);
    expect(await connector.status({ gatewayRef: ref, idempotencyKey: req.idempotencyKey }, ctx())).toEqual({
      kind: 'failed',
      code: '4.1.4.63',
      gatewayRef: ref,
    });
  });

  test('a key reused with another amount is an invalid request', async () => {
    const key = `http:${randomUUID()}`;
    await accepted(request(10_000, key));
    expect(await connector.create(request(20_000, key), ctx())).toEqual({ kind: 'declined', code: '2.2.4.15' });
  });

  test('401 for a wrong key, 403 for a key without the permission', async () => {
    const wrongKey = await gatewayRow({ baseUrl: sim.url, apiKey: 'sim_key_nobody_issued', timeoutMs: TIMEOUT_MS });
    const readOnly = await gatewayRow({ baseUrl: sim.url, apiKey: SIMULATOR_READONLY_API_KEY, timeoutMs: TIMEOUT_MS });
    expect(await connector.create(request(10_000), ctx(wrongKey))).toEqual({ kind: 'declined', code: '2.2.4.21' });
    expect(await connector.create(request(10_000), ctx(readOnly))).toEqual({ kind: 'declined', code: '2.2.4.22' });
    const req = request(10_000);
    const ref = await accepted(req);
    const query = { gatewayRef: ref, idempotencyKey: req.idempotencyKey };
    expect(await connector.status(query, ctx(wrongKey))).toEqual({ kind: 'error', code: '4.2.2.21' });
    // Reading is what the read-only key may do.
    expect(await connector.status(query, ctx(readOnly))).toMatchObject({ kind: 'success' });
    // Scenarios 21 and 22: the PSP refuses the merchant account although the key is right.
    expect(await connector.create(request(10_021), ctx())).toEqual({ kind: 'declined', code: '2.2.4.21' });
    expect(await connector.create(request(10_022), ctx())).toEqual({ kind: 'declined', code: '2.2.4.22' });
  });

  test('503: a plain failure, twice for one key, then accepted; always for 18', async () => {
    const req = request(10_013);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await connector.create(req, ctx())).code);
    expect(codes).toEqual(['2.2.4.13', '2.2.4.13', '2.1.2.00']);
    expect(await connector.create(request(10_018), ctx())).toEqual({
      kind: 'failed',
      code: '2.2.4.13',
      ambiguous: false,
    });
  });

  test('nothing listening: connection refused before anything was sent (2.2.4.12, not ambiguous)', async () => {
    const nowhere = await gatewayRow({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      apiKey: SIMULATOR_API_KEY,
      timeoutMs: TIMEOUT_MS,
    });
    expect(await connector.create(request(10_000), ctx(nowhere))).toEqual({
      kind: 'failed',
      code: '2.2.4.12',
      ambiguous: false,
    });
    expect(await connector.status({ idempotencyKey: 'k' }, ctx(nowhere))).toEqual({ kind: 'error', code: '4.2.2.12' });
  });
});

describe('http-sim against the simulator: ambiguous creates', () => {
  test('a real timeout after the payment was stored: ambiguous, then found by idempotency key', async () => {
    const req = request(10_011);
    // The simulator would answer (accepted) after SLOW_ANSWER_MS: 2.0.2.11 says the connector's timeout ended the wait.
    expect(await connector.create(req, ctx())).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    const found = await connector.status({ idempotencyKey: req.idempotencyKey }, ctx());
    expect(found).toMatchObject({ kind: 'success', code: '4.1.3.00', gatewayRef: expect.stringMatching(/^pay_/) });
    // The retry after the check is the PSP's replay of the stored payment: still one payment.
    expect(await connector.create(req, ctx())).toMatchObject({ kind: 'accepted', status: 'pending' });
    expect(sim.payments().filter((p) => p.idempotencyKey === req.idempotencyKey)).toHaveLength(1);
  });

  test('a real timeout before the payment was stored: ambiguous, then not found, then a safe retry', async () => {
    const req = request(10_016);
    expect(await connector.create(req, ctx())).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    expect(await connector.status({ idempotencyKey: req.idempotencyKey }, ctx())).toEqual({
      kind: 'not_found',
      code: '4.1.1.00',
    });
    expect(await connector.create(req, ctx())).toMatchObject({ kind: 'accepted', status: 'pending' });
  });

  test('connection lost after the payment was stored: ambiguous at once, then found pending by key', async () => {
    const req = request(10_019);
    expect(await connector.create(req, ctx())).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    expect(await connector.status({ idempotencyKey: req.idempotencyKey }, ctx())).toEqual({
      kind: 'pending',
      code: '4.0.2.00',
    });
  });

  test('an unreadable answer after the payment was stored: ambiguous (2.0.2.14), then found by key', async () => {
    const req = request(10_014);
    expect(await connector.create(req, ctx())).toEqual({ kind: 'failed', code: '2.0.2.14', ambiguous: true });
    expect(await connector.status({ idempotencyKey: req.idempotencyKey }, ctx())).toMatchObject({
      kind: 'success',
      code: '4.1.3.00',
    });
  });

  test('the connection-fail scenario over HTTP: dropped unanswered, so ambiguous, and resolved as not found', async () => {
    const req = request(10_012);
    const seen = [];
    for (let i = 0; i < 2; i++) {
      seen.push((await connector.create(req, ctx())).code);
      seen.push((await connector.status({ idempotencyKey: req.idempotencyKey }, ctx())).code);
    }
    seen.push((await connector.create(req, ctx())).code);
    expect(seen).toEqual(['2.0.2.11', '4.1.1.00', '2.0.2.11', '4.1.1.00', '2.1.2.00']);
  });
});

describe('http-sim against the simulator: status checks that fail, then answer', () => {
  test.each([
    [10_051, '4.2.2.13'],
    [10_052, '4.2.2.21'],
    [10_053, '4.2.2.22'],
    [10_054, '4.2.2.11'],
    [10_055, '4.2.2.12'],
    [10_056, '4.2.2.14'],
  ])('amount %d: %s twice, then paid', async (amount, code) => {
    const req = request(amount);
    const ref = await accepted(req);
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await connector.status({ gatewayRef: ref, idempotencyKey: req.idempotencyKey }, ctx())).code);
    }
    expect(codes).toEqual([code, code, '4.1.3.00']);
  });
});

describe('http-sim against the simulator: callbacks', () => {
  const registry = () => createGatewayRegistry(ds);
  const verify = (raw: RawGatewayCallback) => verifyGatewayCallback(ds, registry(), fastGateway.id, raw);

  test.each([
    [10_070, { valid: true, status: 'success', code: '5.1.3.00' }],
    [10_071, { valid: false, code: '5.2.2.16' }],
    [10_072, { valid: false, code: '5.2.2.17' }],
    [10_073, { valid: true, status: 'success', code: '5.1.3.35', amountMinor: 9_065 }],
    [10_074, { valid: true, status: 'failed', code: '5.1.4.00' }],
    [10_078, { valid: true, status: 'failed', code: '5.1.4.63' }],
  ])('amount %d: the PSP POSTs its callback, verified as %o', async (amount, expected) => {
    const ref = await accepted(request(amount), fastGateway);
    const raw = await listener.waitFor(ref);
    const claim = {
      currency: 'USD',
      amountMinor: 'amountMinor' in expected ? expected.amountMinor : amount,
      requestedAmountMinor: amount,
    };
    expect(await verify(raw)).toEqual({ gatewayRef: ref, ...expected, ...(expected.valid ? { claim } : {}) });
    // The simulator records the delivery once it has read the answer, a moment after the listener got it.
    await eventually(() => fastSim.callbacks().some((c) => c.paymentId === ref));
    expect(fastSim.callbacks().filter((c) => c.paymentId === ref)).toEqual([
      { paymentId: ref, attempt: 1, httpStatus: 204 },
    ]);
  });

  test('a valid callback with its body tampered with fails the signature check (5.2.2.16)', async () => {
    const ref = await accepted(request(10_070), fastGateway);
    const raw = await listener.waitFor(ref);
    expect(await verify(raw)).toMatchObject({ valid: true });
    const tampered = { ...raw, body: raw.body.replace('"amount":10070', '"amount":1') };
    expect(tampered.body).not.toBe(raw.body);
    expect(await verify(tampered)).toEqual({ valid: false, code: '5.2.2.16', gatewayRef: ref });
    // Verified against a gateway with another secret, the untouched callback fails too.
    const otherSecret = await gatewayRow({ baseUrl: fastSim.url, apiKey: 'k', callbackSecret: 'another-secret' });
    expect(await verifyGatewayCallback(ds, registry(), otherSecret.id, raw)).toMatchObject({ code: '5.2.2.16' });
  });

  test('scenarios without a callback send none', async () => {
    const ref = await accepted(request(10_000), fastGateway);
    await new Promise((r) => setTimeout(r, 300));
    expect(listener.received.some((cb) => cb.body.includes(ref))).toBe(false);
  });
});

describe('the simulator stops cleanly', () => {
  test('stop() ends a slow answer in flight and frees the port at once', async () => {
    const doomed = await startGatewaySimulator({ slowAnswerMs: 60_000 });
    const gw = await gatewayRow({ baseUrl: doomed.url, apiKey: SIMULATOR_API_KEY, timeoutMs: 30_000 });
    const pending = connector.create(request(10_011), ctx(gw));
    await new Promise((r) => setTimeout(r, 100));
    // The answer in flight would take a minute: stop() returning within the test's time means it ended it.
    await doomed.stop();
    expect(await pending).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    expect(await connector.create(request(10_000), ctx(gw))).toMatchObject({ code: '2.2.4.12' });
  });
});

/** A local HTTP endpoint standing in for the engine's callback route; it answers 204 and keeps what it got. */
async function startCallbackListener() {
  const received: RawGatewayCallback[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/gateway`,
    received,
    /** The callback about this payment, waiting for it up to 5 s. */
    async waitFor(gatewayRef: string): Promise<RawGatewayCallback> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = received.find((cb) => cb.body.includes(`"id":"${gatewayRef}"`));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no callback for ${gatewayRef}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
