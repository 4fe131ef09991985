import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { operationsActivities } from '../../activities/operations';
import { recordAttempts } from '../../data/routing-rules';
import { orderHistoryActivities } from '../../activities/order-history';
import type { PreCheckRequest, RouteRequest } from '../../domain/operations-contract';
import type { OrderRequisites } from '../../domain/requisites';
import { testDataSource } from '../helpers/database';
import { createGateway, createMerchant, createPipeline } from '../helpers/operations-fixtures';

/**
 * Routing rules with time windows, evaluated by the pre-check and routing activities with the clock injected
 * through the requests' `at` (the workflow's time): for each kind of rule, the threshold is passed inside the
 * window, the action applies, and once the window has moved past the events it lifts by itself.
 */

let ds: DataSource;
let ops: ReturnType<typeof operationsActivities>;
let history: ReturnType<typeof orderHistoryActivities>;

beforeAll(async () => {
  ds = await testDataSource();
  ops = operationsActivities(ds);
  history = orderHistoryActivities(ds);
});
afterAll(() => ds?.destroy());

const T0 = Date.parse('2031-03-01T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (ms: number) => new Date(T0 + ms).toISOString();

interface World {
  merchantId: string;
  pipelineId: string;
  gateways: string[];
}

async function world(gatewayCount = 3): Promise<World> {
  const merchantId = await createMerchant(ds);
  const pipelineId = await createPipeline(ds, merchantId, 'deposit');
  const gateways: string[] = [];
  for (let i = 0; i < gatewayCount; i++) {
    const id = await createGateway(ds, 'sandbox');
    gateways.push(id);
    await ds.query(`INSERT INTO routes (pipeline_id, gateway_id, position) VALUES ($1, $2, $3)`, [
      pipelineId,
      id,
      i + 1,
    ]);
  }
  return { merchantId, pipelineId, gateways };
}

async function addRule(
  w: World,
  rule: {
    requisite: string;
    counts: 'failed' | 'attempts';
    threshold: number;
    windowSeconds: number;
    action: string;
    targetGatewayId?: string;
    targetPipelineId?: string;
    scope?: 'merchant' | 'pipeline';
  },
): Promise<string> {
  const scope = rule.scope ?? 'merchant';
  const [row]: Array<{ id: string }> = await ds.query(
    `INSERT INTO routing_rules (scope, merchant_id, pipeline_id, requisite, counts, threshold, window_seconds, action,
                                target_gateway_id, target_pipeline_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      scope,
      scope === 'merchant' ? w.merchantId : null,
      scope === 'pipeline' ? w.pipelineId : null,
      rule.requisite,
      rule.counts,
      rule.threshold,
      rule.windowSeconds,
      rule.action,
      rule.targetGatewayId ?? null,
      rule.targetPipelineId ?? null,
    ],
  );
  return row!.id;
}

const preCheck = (w: World, requisites: OrderRequisites, when: number, orderId = randomUUID()): PreCheckRequest => ({
  orderId,
  merchantId: w.merchantId,
  pipelineId: w.pipelineId,
  direction: 'deposit',
  amountMinor: 1000,
  currency: 'USD',
  method: 'card',
  requisites,
  at: at(when),
});

const routeOf = (req: PreCheckRequest, when = Date.parse(req.at) - T0): RouteRequest => ({
  pipelineId: req.pipelineId,
  direction: req.direction,
  amountMinor: req.amountMinor,
  currency: req.currency,
  method: req.method,
  mode: 'sandbox',
  orderId: req.orderId,
  merchantId: req.merchantId,
  requisites: req.requisites,
  at: at(when),
});

/** An order that reached its pre-checks and then failed at a gateway, recorded as the workflow records it. */
async function failedOrder(w: World, requisites: OrderRequisites, when: number): Promise<string> {
  const req = preCheck(w, requisites, when);
  await expect(ops.runPreChecks(req)).resolves.toEqual({ ok: true });
  const snapshot = {
    orderId: req.orderId,
    merchantId: w.merchantId,
    externalTransactionId: `ext-${req.orderId}`,
    amountMinor: 1000,
    currency: 'USD',
    pipelineId: w.pipelineId,
    direction: 'deposit' as const,
    workflowId: `deposit-${req.orderId}`,
  };
  const entry = {
    seq: 1,
    code: '2.2.4.00' as const,
    status: 'Failed' as const,
    orderStatus: 'Failed' as const,
    at: at(when + MINUTE),
  };
  await history.recordOrderEvent(snapshot, entry);
  // A retried activity (same entry) and a later entry of the same failed order count nothing more.
  await history.recordOrderEvent(snapshot, entry);
  await history.recordOrderEvent(snapshot, { ...entry, seq: 2, code: '6.1.4.00', at: at(when + 2 * MINUTE) });
  return req.orderId;
}

const codeOf = async (req: PreCheckRequest) => {
  const result = await ops.runPreChecks(req);
  return result.ok ? 'ok' : result.code;
};
const routeIds = async (req: RouteRequest) => (await ops.resolveRoute(req)).map((c) => c.gatewayId);

describe('block for the rest of the window', () => {
  test('more than 2 failed orders by one card in 24 h: the next is blocked with 1.2.4.43 until the window ends', async () => {
    const w = await world();
    const ruleId = await addRule(w, {
      requisite: 'card',
      counts: 'failed',
      threshold: 2,
      windowSeconds: 24 * 3600,
      action: 'block',
    });
    const card = { cardFingerprint: 'c1'.repeat(32), cardMask: '411111******1111' };
    await failedOrder(w, card, 0);
    await failedOrder(w, card, HOUR);
    expect(await codeOf(preCheck(w, card, 2 * HOUR))).toBe('ok'); // two failures: not more than 2
    await failedOrder(w, card, 3 * HOUR);

    const blocked = await ops.runPreChecks(preCheck(w, card, 4 * HOUR));
    expect(blocked).toEqual({
      ok: false,
      code: '1.2.4.43',
      details: {
        check: 'routingRule',
        ruleId,
        scope: 'merchant',
        type: 'card',
        counts: 'failed',
        threshold: 2,
        windowSeconds: 24 * 3600,
        count: 3,
      },
    });
    // Another card, and the same card at another merchant, are not affected.
    expect(await codeOf(preCheck(w, { cardFingerprint: 'c2'.repeat(32) }, 4 * HOUR))).toBe('ok');
    const other = await world();
    expect(await codeOf(preCheck(other, card, 4 * HOUR))).toBe('ok');
    // Still blocked just before the first failure (recorded at 0 + 1 min) leaves the window ...
    expect(await codeOf(preCheck(w, card, 24 * HOUR + MINUTE - 1000))).toBe('1.2.4.43');
    // ... and lifted by itself when it has: two failures remain in the window.
    expect(await codeOf(preCheck(w, card, 24 * HOUR + MINUTE))).toBe('ok');
  });

  test('orders the rule blocked are not failed attempts: the block does not feed itself', async () => {
    const w = await world();
    await addRule(w, { requisite: 'email', counts: 'failed', threshold: 1, windowSeconds: 3600, action: 'block' });
    const email = { email: 'Payer@Example.com' };
    await failedOrder(w, email, 0);
    await failedOrder(w, { email: 'payer@example.com ' }, 10 * MINUTE); // the same email, normalised
    for (let i = 0; i < 5; i++) {
      const req = preCheck(w, email, 20 * MINUTE + i * MINUTE);
      expect(await codeOf(req)).toBe('1.2.4.43');
      await history.recordOrderEvent(
        {
          orderId: req.orderId,
          merchantId: w.merchantId,
          externalTransactionId: `ext-${req.orderId}`,
          amountMinor: 1000,
          currency: 'USD',
          pipelineId: w.pipelineId,
          direction: 'deposit',
          workflowId: `deposit-${req.orderId}`,
        },
        { seq: 1, code: '1.2.4.43', status: 'Failed', orderStatus: 'Failed', at: req.at },
      );
    }
    // One hour after the first failure (at 1 min) only one failure is left in the window.
    expect(await codeOf(preCheck(w, email, HOUR + 2 * MINUTE))).toBe('ok');
  });

  test('more than 2 attempts from one IP per hour: blocked while the hour holds more than 2, then lifted', async () => {
    const w = await world();
    await addRule(w, { requisite: 'ip', counts: 'attempts', threshold: 2, windowSeconds: 3600, action: 'block' });
    const ip = { ip: '203.0.113.7' };
    expect(await codeOf(preCheck(w, ip, 0))).toBe('ok');
    expect(await codeOf(preCheck(w, { ip: '::ffff:203.0.113.7' }, MINUTE))).toBe('ok'); // the same IPv4 host
    const third = preCheck(w, ip, 2 * MINUTE);
    expect(await codeOf(third)).toBe('1.2.4.43');
    // A retried pre-check of the same order counts its attempt once and gives the same answer.
    expect(await codeOf(third)).toBe('1.2.4.43');
    expect(await codeOf(preCheck(w, { ip: '198.51.100.1' }, 2 * MINUTE))).toBe('ok');
    // Blocked attempts are attempts: at 60.5 min the hour still holds the ones at 1 and 2 min, and this one.
    expect(await codeOf(preCheck(w, ip, 60 * MINUTE + 30_000))).toBe('1.2.4.43');
    // Two hours after the last attempt, the window holds only the new one.
    expect(await codeOf(preCheck(w, ip, 3 * HOUR + 2 * MINUTE))).toBe('ok');
  });
});

describe('soft actions at routing', () => {
  test('lower a gateway: more than 1 failed order by a phone in 24 h moves gateway 1 to the end, until the window ends', async () => {
    const w = await world();
    const [g1, g2, g3] = w.gateways as [string, string, string];
    await addRule(w, {
      requisite: 'phone',
      counts: 'failed',
      threshold: 1,
      windowSeconds: 24 * 3600,
      action: 'lower-gateway',
      targetGatewayId: g1,
    });
    const phone = { phone: '+44 7700 900123' };
    await failedOrder(w, phone, 0);
    const one = preCheck(w, phone, HOUR);
    expect(await codeOf(one)).toBe('ok');
    expect(await routeIds(routeOf(one))).toEqual([g1, g2, g3]);
    await failedOrder(w, { phone: '+447700900123' }, 2 * HOUR);

    const lowered = preCheck(w, phone, 3 * HOUR);
    expect(await codeOf(lowered)).toBe('ok'); // a soft action never blocks
    expect(await routeIds(routeOf(lowered))).toEqual([g2, g3, g1]);
    // Lowered before the pipeline's cut: with at most two gateways, gateway 1 is not tried at all.
    await ds.query(`UPDATE pipelines SET max_gateways = 2 WHERE id = $1`, [w.pipelineId]);
    expect(await routeIds(routeOf(lowered))).toEqual([g2, g3]);
    await ds.query(`UPDATE pipelines SET max_gateways = NULL WHERE id = $1`, [w.pipelineId]);

    const later = preCheck(w, phone, 24 * HOUR + 2 * MINUTE);
    expect(await codeOf(later)).toBe('ok');
    expect(await routeIds(routeOf(later))).toEqual([g1, g2, g3]);
  });

  test('another pipeline: more than 1 failed order by a PayeerIdentifier in an hour routes with the second pipeline', async () => {
    const w = await world(1);
    const reserve = await createPipeline(ds, w.merchantId, 'deposit');
    const reserveGateway = await createGateway(ds, 'sandbox');
    await ds.query(`INSERT INTO routes (pipeline_id, gateway_id, position) VALUES ($1, $2, 1)`, [
      reserve,
      reserveGateway,
    ]);
    await addRule(w, {
      requisite: 'payeerIdentifier',
      counts: 'failed',
      threshold: 1,
      windowSeconds: 3600,
      action: 'to-pipeline',
      targetPipelineId: reserve,
      scope: 'pipeline',
    });
    const payer = { payeerIdentifier: 'P-100' };
    await failedOrder(w, payer, 0);
    await failedOrder(w, payer, 5 * MINUTE);
    const moved = preCheck(w, payer, 10 * MINUTE);
    expect(await codeOf(moved)).toBe('ok');
    expect(await routeIds(routeOf(moved))).toEqual([reserveGateway]);
    expect(await routeIds(routeOf(preCheck(w, { payeerIdentifier: 'P-200' }, 10 * MINUTE)))).toEqual(w.gateways);
    // The failure at 1 min has left the window at 61 min: one is left, not more than one, and the rule lifts.
    const back = preCheck(w, payer, 61 * MINUTE + 1000);
    expect(await codeOf(back)).toBe('ok');
    expect(await routeIds(routeOf(back))).toEqual(w.gateways);
  });

  test('another gateway: more than 3 attempts from one IP in an hour go to that gateway alone, until the hour has passed', async () => {
    const w = await world(2);
    const quarantine = await createGateway(ds, 'sandbox', 'Quarantine');
    await addRule(w, {
      requisite: 'ip',
      counts: 'attempts',
      threshold: 3,
      windowSeconds: 3600,
      action: 'to-gateway',
      targetGatewayId: quarantine,
    });
    const ip = { ip: '2001:db8::1' };
    const answers: string[][] = [];
    const requests = Array.from({ length: 5 }, (_, i) => preCheck(w, ip, i * MINUTE));
    for (const [i, req] of requests.entries()) {
      expect(await codeOf(req)).toBe('ok');
      answers.push(await routeIds(routeOf(req, i * MINUTE + 30_000)));
    }
    expect(answers).toEqual([w.gateways, w.gateways, w.gateways, [quarantine], [quarantine]]);
    // The routing activity of an order retried later, after more attempts, gives the same answer.
    expect(await routeIds(routeOf(requests[0]!, 30_000))).toEqual(w.gateways);
    expect(await routeIds(routeOf(requests[3]!, 3 * MINUTE + 30_000))).toEqual([quarantine]);
    // A disabled target gateway cannot take orders: they are routed as if the rule had not fired.
    const late = preCheck(w, ip, 5 * MINUTE);
    await codeOf(late);
    await ds.query(`UPDATE gateways SET enabled = false WHERE id = $1`, [quarantine]);
    expect(await routeIds(routeOf(late))).toEqual(w.gateways);
    await ds.query(`UPDATE gateways SET enabled = true WHERE id = $1`, [quarantine]);
    expect(await routeIds(routeOf(late))).toEqual([quarantine]);
    // An hour after the 4th attempt the window holds the 5th, 6th and a new one: 3, not more than 3.
    const after = preCheck(w, ip, 63 * MINUTE + 1000);
    expect(await codeOf(after)).toBe('ok');
    expect(await routeIds(routeOf(after))).toEqual(w.gateways);
  });

  test('a request without the order identity (workflows started before rules existed) is routed without rules', async () => {
    const w = await world(2);
    await addRule(w, {
      requisite: 'ip',
      counts: 'attempts',
      threshold: 0,
      windowSeconds: 3600,
      action: 'to-gateway',
      targetGatewayId: w.gateways[1],
    });
    const req = preCheck(w, { ip: '203.0.113.99' }, 0);
    await codeOf(req);
    expect(await routeIds(routeOf(req))).toEqual([w.gateways[1]]);
    const { orderId: _o, merchantId: _m, requisites: _r, at: _a, ...old } = routeOf(req);
    expect(await routeIds(old)).toEqual(w.gateways);
  });
});

describe('counting under concurrency', () => {
  test('20 orders from one IP at once, more than 10 per hour blocked: exactly 10 pass, however they interleave', async () => {
    const w = await world();
    await addRule(w, { requisite: 'ip', counts: 'attempts', threshold: 10, windowSeconds: 3600, action: 'block' });
    const requests = Array.from({ length: 20 }, (_, i) => preCheck(w, { ip: '192.0.2.50' }, i));
    const first = await Promise.all(requests.map(codeOf));
    expect(first.filter((c) => c === 'ok')).toHaveLength(10);
    expect(first.filter((c) => c === '1.2.4.43')).toHaveLength(10);
    // Every order retried at once: the same answers, and still 20 attempts recorded.
    expect(await Promise.all(requests.map(codeOf))).toEqual(first);
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM routing_events WHERE merchant_id = $1 AND kind = 'attempt'`,
      [w.merchantId],
    )) as [{ n: number }];
    expect(n).toBe(20);
  });

  test('an attempt of the same key whose transaction is still open is waited for, and counted', async () => {
    const w = await world();
    await addRule(w, { requisite: 'ip', counts: 'attempts', threshold: 2, windowSeconds: 3600, action: 'block' });
    const ip = { ip: '192.0.2.77' };
    expect(await codeOf(preCheck(w, ip, 0))).toBe('ok');
    // Order A records its attempt on a connection that has not committed yet (a slow worker, a long GC pause) ...
    const slow = ds.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    const a = preCheck(w, ip, 1000);
    await recordAttempts(
      { transaction: (async (fn: (tx: EntityManager) => Promise<void>) => fn(slow.manager)) as never },
      a,
    );
    // ... while order B, later in line, is checked. B must wait for A and count it: 3 attempts, more than 2.
    let settled = false;
    const b = codeOf(preCheck(w, ip, 2000)).finally(() => (settled = true));
    while (!settled) {
      const [{ n }] = (await ds.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      )) as [{ n: number }];
      if (n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await slow.commitTransaction();
    await slow.release();
    expect(await b).toBe('1.2.4.43');
    expect(await codeOf(a)).toBe('ok');
  });

  test('orders failing at once are each counted once, retries included', async () => {
    const w = await world();
    await addRule(w, { requisite: 'card', counts: 'failed', threshold: 7, windowSeconds: 3600, action: 'block' });
    const card = { cardFingerprint: 'c3'.repeat(32) };
    await Promise.all(Array.from({ length: 8 }, (_, i) => failedOrder(w, card, i * 1000)));
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM routing_events WHERE merchant_id = $1 AND kind = 'failure'`,
      [w.merchantId],
    )) as [{ n: number }];
    expect(n).toBe(8);
    expect(await codeOf(preCheck(w, card, 10 * MINUTE))).toBe('1.2.4.43');
  });

  test('the events keep no requisite in clear', async () => {
    const w = await world();
    await codeOf(preCheck(w, { email: 'secret.payer@example.com', phone: '+447700900999', ip: '203.0.113.77' }, 0));
    const rows: Array<Record<string, unknown>> = await ds.query(`SELECT * FROM routing_events WHERE merchant_id = $1`, [
      w.merchantId,
    ]);
    expect(rows).toHaveLength(3);
    const text = JSON.stringify(rows);
    for (const secret of ['secret.payer', '7700900999', '203.0.113.77']) expect(text).not.toContain(secret);
  });
});
