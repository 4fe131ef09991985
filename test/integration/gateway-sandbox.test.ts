import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { gatewayActivities } from '../../activities/gateway';
import { UnknownGatewayError } from '../../data/gateways';
import { verifyGatewayCallback } from '../../gateways/callback-verification';
import { type GatewayPaymentRequest, NOT_SENT_FAILURES } from '../../domain/gateway-contract';
import { GatewayEntity } from '../../entities/gateway.entity';
import { SandboxPaymentEntity } from '../../entities/sandbox-payment.entity';
import { createGatewayRegistry } from '../../gateways';
import { SandboxConnector } from '../../gateways/sandbox/sandbox-connector';
import { SANDBOX_SCENARIOS, scenarioFor } from '../../gateways/sandbox/scenarios';
import { createMerchantWithSandboxGateway, testDataSource } from '../helpers/database';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = new Date('2030-01-01T00:00:00Z');

let ds: DataSource;
let gateway: GatewayEntity;
let sandbox: SandboxConnector;

beforeAll(async () => {
  ds = await testDataSource();
  ({ gateway } = await createMerchantWithSandboxGateway(ds));
  sandbox = new SandboxConnector(ds);
});
afterAll(async () => {
  await ds?.destroy();
});

const at = (ms: number, gw: GatewayEntity = gateway) => ({ gateway: gw, now: new Date(T0.getTime() + ms) });
const request = (amountMinor: number, idempotencyKey = `test:${randomUUID()}`): GatewayPaymentRequest => ({
  idempotencyKey,
  orderId: randomUUID(),
  direction: 'deposit',
  amountMinor,
  currency: 'USD',
  requisites: { cardMask: '411111******1111' },
});

/** The scenario table of docs/sandbox.md: the documented codes are this test's expectations. */
function documentedScenarios(): Array<{ selector: string; name: string; summary: string; codes: string[] }> {
  const md = readFileSync(path.join(__dirname, '../../docs/sandbox.md'), 'utf8');
  return md
    .split('\n')
    .map((line) => /^\|\s*`(\d\d)`\s*\|\s*`([a-z0-9-]+)`\s*\|([^|]*)\|([^|]*)\|\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, selector, name, summary, codes]) => ({
      selector: selector!,
      name: name!,
      summary: summary!.trim(),
      codes: codes!.match(/\d\.\d\.\d\.\d\d/g) ?? [],
    }));
}

const CHECK_TIMES = [10 * SECOND, 41 * MINUTE, 91 * MINUTE, 25 * HOUR];
const CALLBACK_AT = 30 * MINUTE;

/** The reference journey of docs/sandbox.md, against the sandbox connector; returns every code in order. */
async function journey(amountMinor: number): Promise<string[]> {
  const req = request(amountMinor);
  const key = req.idempotencyKey;
  const codes: string[] = [];
  let gatewayRef: string | undefined;
  let polling = false;
  for (let n = 1; n <= 3 && !polling; n++) {
    const created = await sandbox.create(req, at(0));
    codes.push(created.code);
    if (created.kind === 'declined') return codes;
    if (created.kind === 'accepted') {
      if (created.status === 'success') return codes;
      gatewayRef = created.gatewayRef;
      polling = true;
    } else if (created.ambiguous) {
      const check = await sandbox.status({ idempotencyKey: key }, at(0));
      codes.push(check.code);
      if (check.kind === 'success' || check.kind === 'failed') return codes;
      polling = check.kind !== 'not_found';
    }
  }
  if (!polling) return codes;

  let callbackDue = scenarioFor(amountMinor).callback !== undefined;
  for (const t of CHECK_TIMES) {
    if (callbackDue && t > CALLBACK_AT) {
      callbackDue = false;
      const callback = await sandbox.verifyCallback(await sandbox.buildCallback(gatewayRef!), at(CALLBACK_AT));
      codes.push(callback.code);
      if (callback.valid && callback.status !== 'pending') return codes;
    }
    const check = await sandbox.status({ gatewayRef, idempotencyKey: key }, at(t));
    codes.push(check.code);
    if (check.kind === 'success' || check.kind === 'failed') return codes;
  }
  return codes;
}

describe('sandbox scenarios, as documented', () => {
  const documented = documentedScenarios();

  test('docs/sandbox.md lists every scenario of the table under its name and summary, and nothing else', () => {
    const inDocs = documented.map((d) => `${d.selector} ${d.name}: ${d.summary}`).sort();
    expect(inDocs).toEqual(SANDBOX_SCENARIOS.map((s) => `${s.selector} ${s.name}: ${s.summary}`).sort());
  });

  test.each(documented.map((d) => [d.selector, d.name, d.codes] as const))(
    '%s %s produces exactly its documented codes',
    async (selector, _name, codes) => {
      expect(codes.length).toBeGreaterThan(0);
      expect(await journey(10_000 + Number(selector))).toEqual(codes);
    },
  );

  test('the amount update reports the settled amount on the callback and on the status check', async () => {
    const created = await sandbox.create(request(10_073), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const callback = await sandbox.verifyCallback(await sandbox.buildCallback(created.gatewayRef), at(CALLBACK_AT));
    expect(callback).toEqual({
      valid: true,
      gatewayRef: created.gatewayRef,
      status: 'success',
      code: '5.1.3.35',
      amountMinor: 9_065,
      claim: { currency: 'USD', amountMinor: 9_065, requestedAmountMinor: 10_073 },
    });
    const check = await sandbox.status({ gatewayRef: created.gatewayRef, idempotencyKey: 'unused' }, at(HOUR));
    expect(check).toEqual({
      kind: 'success',
      code: '4.1.3.00',
      gatewayRef: created.gatewayRef,
      amountMinor: 9_065,
      claim: { currency: 'USD', amountMinor: 9_065, requestedAmountMinor: 10_073 },
    });
  });
});

describe('sandbox idempotency and counters', () => {
  const rowsFor = (key: string) =>
    ds.getRepository(SandboxPaymentEntity).countBy({ gatewayId: gateway.id, idempotencyKey: key });

  test('a create repeated with the same idempotency key returns the first payment: one charge', async () => {
    const req = request(10_000);
    const first = await sandbox.create(req, at(0));
    const again = await sandbox.create(req, at(5 * MINUTE));
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => sandbox.create(req, at(MINUTE))));
    expect(first).toMatchObject({ kind: 'accepted', status: 'pending', code: '2.1.2.00' });
    for (const outcome of [again, ...concurrent]) expect(outcome).toEqual(first);
    expect(await rowsFor(req.idempotencyKey)).toBe(1);
  });

  test('concurrent first creates of one key still store one payment', async () => {
    const req = request(10_009);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => sandbox.create(req, at(0))));
    expect(new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.gatewayRef : 'none'))).size).toBe(1);
    expect(outcomes[0]).toMatchObject({ kind: 'accepted', status: 'success', code: '2.1.3.00' });
    expect(await rowsFor(req.idempotencyKey)).toBe(1);
  });

  test('transient failures clear after N creates of one key; a new key starts over', async () => {
    const a = request(10_013);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await sandbox.create(a, at(0))).code);
    expect(codes).toEqual(['2.2.4.13', '2.2.4.13', '2.1.2.00', '2.1.2.00']);
    expect(await rowsFor(a.idempotencyKey)).toBe(1);
    expect(await sandbox.create(request(10_013), at(0))).toEqual({
      kind: 'failed',
      code: '2.2.4.13',
      ambiguous: false,
    });
  });

  test('a failure that certainly did not reach the gateway stores nothing; an ambiguous one may', async () => {
    const refused = request(10_017);
    await sandbox.create(refused, at(0));
    expect(await rowsFor(refused.idempotencyKey)).toBe(0);
    const before = request(10_016);
    expect(await sandbox.create(before, at(0))).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    expect(await rowsFor(before.idempotencyKey)).toBe(0);
    const after = request(10_011);
    expect(await sandbox.create(after, at(0))).toEqual({ kind: 'failed', code: '2.0.2.11', ambiguous: true });
    expect(await rowsFor(after.idempotencyKey)).toBe(1);
    // The retry after an ambiguous create gets the payment the first one stored, as the PSP's replay.
    expect(await sandbox.create(after, at(0))).toMatchObject({ kind: 'accepted', status: 'pending' });
    expect(await rowsFor(after.idempotencyKey)).toBe(1);
  });

  test('idempotency keys are scoped per gateway', async () => {
    const { gateway: other } = await createMerchantWithSandboxGateway(ds);
    const req = request(10_000);
    const here = await sandbox.create(req, at(0));
    const there = await sandbox.create(req, at(0, other));
    expect(here.kind === 'accepted' && there.kind === 'accepted' && here.gatewayRef !== there.gatewayRef).toBe(true);
    if (here.kind !== 'accepted') return;
    // A gateway never reports another gateway's payment.
    expect(await sandbox.status({ gatewayRef: here.gatewayRef, idempotencyKey: 'x' }, at(MINUTE, other))).toEqual({
      kind: 'not_found',
      code: '4.1.1.00',
    });
  });

  test('a status check for an unknown reference or key is not found', async () => {
    expect(await sandbox.status({ gatewayRef: 'not-a-uuid', idempotencyKey: 'k' }, at(0))).toEqual({
      kind: 'not_found',
      code: '4.1.1.00',
    });
    expect(await sandbox.status({ gatewayRef: randomUUID(), idempotencyKey: 'k' }, at(0))).toMatchObject({
      kind: 'not_found',
    });
    expect(await sandbox.status({ idempotencyKey: `never:${randomUUID()}` }, at(0))).toMatchObject({
      kind: 'not_found',
    });
  });

  test('requests that no gateway could take are programming errors: they throw', async () => {
    await expect(sandbox.create(request(0), at(0))).rejects.toThrow('positive integer');
    await expect(sandbox.create(request(10.5), at(0))).rejects.toThrow('positive integer');
  });
});

describe('sandbox clock', () => {
  test('the pending time follows the clock it is given, to the millisecond', async () => {
    const created = await sandbox.create(request(10_001), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const query = { gatewayRef: created.gatewayRef, idempotencyKey: 'unused' };
    expect(await sandbox.status(query, at(90 * MINUTE - 1))).toEqual({ kind: 'pending', code: '4.0.2.00' });
    expect(await sandbox.status(query, at(90 * MINUTE))).toMatchObject({ kind: 'success', code: '4.1.3.00' });
  });

  test('the activities hand the connector Temporal’s clock: the attempt’s scheduled time', async () => {
    const activities = gatewayActivities(ds, createGatewayRegistry(ds));
    const scheduledAt = (ms: number) =>
      new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: T0.getTime() + ms });
    const req = request(10_007);
    const created = await scheduledAt(0).run(activities.createGatewayPayment, gateway.id, req);
    expect(created).toMatchObject({ kind: 'accepted', status: 'pending', code: '2.1.2.00' });
    const query = { idempotencyKey: req.idempotencyKey };
    const early = await scheduledAt(39 * MINUTE).run(activities.checkGatewayPayment, gateway.id, query);
    const late = await scheduledAt(40 * MINUTE).run(activities.checkGatewayPayment, gateway.id, query);
    expect(early).toEqual({ kind: 'pending', code: '4.0.2.00' });
    expect(late).toMatchObject({ kind: 'success', code: '4.1.3.00' });
  });
});

describe('gateway activities: configuration errors', () => {
  const activities = () => gatewayActivities(ds, createGatewayRegistry(ds));
  // The SDK logs every failed activity at WARN; these failures are the point of the tests.
  const env = () =>
    new MockActivityEnvironment(
      { currentAttemptScheduledTimestampMs: T0.getTime() },
      { logger: new DefaultLogger('ERROR') },
    );

  test('an unknown gateway fails for good (UnknownGateway)', async () => {
    const failure = await env()
      .run(activities().createGatewayPayment, randomUUID(), request(10_000))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'UnknownGateway', nonRetryable: true });
  });

  test('an unknown gateway met by a retry of a create is no proof that nothing was sent (GatewayUnusableOnRetry)', async () => {
    // The first attempt may have reached the gateway before the worker died; the gateway was removed meanwhile.
    const retry = new MockActivityEnvironment(
      { currentAttemptScheduledTimestampMs: T0.getTime(), attempt: 2 },
      { logger: new DefaultLogger('ERROR') },
    );
    const failure = await retry
      .run(activities().createGatewayPayment, randomUUID(), request(10_002))
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'GatewayUnusableOnRetry', nonRetryable: true });
    expect(NOT_SENT_FAILURES).not.toContain((failure as ApplicationFailure).type);
  });

  test('an http-sim gateway without usable settings fails for good (GatewayMisconfigured)', async () => {
    const broken = await ds.getRepository(GatewayEntity).save({
      code: `http-sim-broken-${randomUUID()}`,
      name: 'Broken',
      connector: 'http-sim',
      mode: 'sandbox',
      settings: { apiKey: 'sk_secret_value' },
    });
    const failure = await env()
      .run(activities().checkGatewayPayment, broken.id, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'GatewayMisconfigured', nonRetryable: true });
    expect(String((failure as Error).message)).toContain('baseUrl');
    expect(String((failure as Error).message)).not.toContain('sk_secret_value');
  });
});

describe('gateway activities: PostgreSQL unreachable while reading the configuration', () => {
  const quickRetry = { budgetMs: 600, firstDelayMs: 50, maxDelayMs: 200 };
  /** The test database, except that the first `failures` reads fail the way a stopped PostgreSQL makes them fail. */
  function databaseDownFor(failures: number) {
    let reads = 0;
    const down = { findOneBy: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) };
    return {
      get reads() {
        return reads;
      },
      dataSource: {
        getRepository: (entity: typeof GatewayEntity) => (++reads <= failures ? down : ds.getRepository(entity)),
      } as unknown as DataSource,
    };
  }
  const env = () =>
    new MockActivityEnvironment(
      { currentAttemptScheduledTimestampMs: T0.getTime() },
      { logger: new DefaultLogger('ERROR') },
    );

  test('the read is retried within the activity, then the payment is created once', async () => {
    const db = databaseDownFor(2);
    const registry = createGatewayRegistry(ds);
    const create = jest.spyOn(registry.get('sandbox'), 'create');
    const activities = gatewayActivities(db.dataSource, registry, { configRead: quickRetry });
    const created = await env().run(activities.createGatewayPayment, gateway.id, request(10_000));
    expect(created).toMatchObject({ kind: 'accepted' });
    expect(db.reads).toBe(3);
    expect(create).toHaveBeenCalledTimes(1);
  });

  test('when it still cannot be read, the activity fails as GatewayConfigUnavailable and sends nothing', async () => {
    const db = databaseDownFor(Infinity);
    const registry = createGatewayRegistry(ds);
    const create = jest.spyOn(registry.get('sandbox'), 'create');
    const status = jest.spyOn(registry.get('sandbox'), 'status');
    const activities = gatewayActivities(db.dataSource, registry, { configRead: quickRetry });
    for (const call of [
      () => env().run(activities.createGatewayPayment, gateway.id, request(10_000)),
      () => env().run(activities.checkGatewayPayment, gateway.id, { idempotencyKey: 'k' }),
    ]) {
      const failure = await call().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'GatewayConfigUnavailable' });
      expect((failure as Error).message).toContain('nothing was sent');
    }
    expect(db.reads).toBeGreaterThan(2);
    expect(create).not.toHaveBeenCalled();
    expect(status).not.toHaveBeenCalled();
  });
});

describe('sandbox callbacks', () => {
  test('buildCallback gives each scenario its own callback by default, any variant on request', async () => {
    const created = await sandbox.create(request(10_071), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const ref = created.gatewayRef;
    const verify = async (variant?: Parameters<SandboxConnector['buildCallback']>[1]) =>
      sandbox.verifyCallback(await sandbox.buildCallback(ref, variant), at(0));
    expect(await verify()).toEqual({ valid: false, code: '5.2.2.16', gatewayRef: ref });
    const claim = { currency: 'USD', amountMinor: 10_071, requestedAmountMinor: 10_071 };
    expect(await verify('final')).toEqual({ valid: true, gatewayRef: ref, status: 'success', code: '5.1.3.00', claim });
    expect(await verify('pending')).toEqual({
      valid: true,
      gatewayRef: ref,
      status: 'pending',
      code: '5.0.2.00',
      claim,
    });
    expect(await verify('invalid-payload')).toEqual({ valid: false, code: '5.2.2.17', gatewayRef: ref });
  });

  test('a payment that never resolves calls back pending; an unknown payment cannot call back', async () => {
    const created = await sandbox.create(request(10_008), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const raw = await sandbox.buildCallback(created.gatewayRef);
    expect(await sandbox.verifyCallback(raw, at(0))).toMatchObject({ valid: true, status: 'pending' });
    await expect(sandbox.buildCallback(randomUUID())).rejects.toThrow('no sandbox payment');
  });

  test('callbacks are signed with the gateway’s own secret when its settings name one', async () => {
    const { gateway: own } = await createMerchantWithSandboxGateway(ds);
    own.settings = { callbackSecret: `secret-${randomUUID()}` };
    await ds.getRepository(GatewayEntity).save(own);
    const created = await sandbox.create(request(10_070), at(0, own));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const raw = await sandbox.buildCallback(created.gatewayRef);
    expect(await sandbox.verifyCallback(raw, at(0, own))).toMatchObject({ valid: true, code: '5.1.3.00' });
    // The same callback presented to a gateway with the default secret does not verify.
    expect(await sandbox.verifyCallback(raw, at(0))).toMatchObject({ valid: false, code: '5.2.2.16' });
  });

  test('a tampered body fails the signature check (5.2.2.16)', async () => {
    const created = await sandbox.create(request(10_070), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const raw = await sandbox.buildCallback(created.gatewayRef);
    const tampered = { ...raw, body: raw.body.replace('"succeeded"', '"failed"') };
    expect(tampered.body).not.toBe(raw.body);
    expect(await sandbox.verifyCallback(tampered, at(0))).toMatchObject({ valid: false, code: '5.2.2.16' });
  });

  test('verifyGatewayCallback finds the gateway, and refuses ids that are no gateway', async () => {
    const registry = createGatewayRegistry(ds);
    const created = await sandbox.create(request(10_074), at(0));
    if (created.kind !== 'accepted') throw new Error('expected accepted');
    const raw = await sandbox.buildCallback(created.gatewayRef);
    expect(await verifyGatewayCallback(ds, registry, gateway.id, raw)).toEqual({
      valid: true,
      gatewayRef: created.gatewayRef,
      status: 'failed',
      code: '5.1.4.00',
      claim: { currency: 'USD', amountMinor: 10_074, requestedAmountMinor: 10_074 },
    });
    await expect(verifyGatewayCallback(ds, registry, randomUUID(), raw)).rejects.toBeInstanceOf(UnknownGatewayError);
    await expect(verifyGatewayCallback(ds, registry, '../etc', raw)).rejects.toBeInstanceOf(UnknownGatewayError);
  });
});
