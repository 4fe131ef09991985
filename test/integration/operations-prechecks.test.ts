import type { DataSource } from 'typeorm';
import { operationsActivities } from '../../activities/operations';
import { CODES } from '../../domain/history-codes';
import type { PreCheckRequest } from '../../domain/operations-contract';
import type { OrderRequisites, RequisiteType } from '../../domain/requisites';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';
import { testDataSource } from '../helpers/database';
import { createMerchant, createPipeline, insertOrder } from '../helpers/operations-fixtures';

const CARD_KEY = 'operations-test-card-key';
const AT = '2030-01-15T12:00:00.000Z';

let ds: DataSource;
let ops: ReturnType<typeof operationsActivities>;

beforeAll(async () => {
  ds = await testDataSource();
  ops = operationsActivities(ds);
});
afterAll(() => ds?.destroy());

/** A merchant with two deposit pipelines. */
async function merchantWithPipelines() {
  const merchantId = await createMerchant(ds);
  return {
    merchantId,
    pipelineA: await createPipeline(ds, merchantId, 'deposit'),
    pipelineB: await createPipeline(ds, merchantId, 'deposit'),
  };
}

function request(r: Partial<PreCheckRequest> & Pick<PreCheckRequest, 'merchantId' | 'pipelineId'>): PreCheckRequest {
  return {
    orderId: '00000000-0000-4000-8000-00000000ffff',
    direction: 'deposit',
    amountMinor: 1000,
    currency: 'USD',
    method: 'card',
    requisites: {},
    at: AT,
    ...r,
  };
}

async function block(
  entry: { type: RequisiteType; value: string; displayValue?: string } & (
    { scope: 'merchant'; merchantId: string } | { scope: 'pipeline'; pipelineId: string }
  ),
): Promise<string> {
  const [row]: Array<{ id: string }> = await ds.query(
    `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id, pipeline_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      entry.type,
      entry.value,
      entry.displayValue ?? entry.value,
      entry.scope,
      entry.scope === 'merchant' ? entry.merchantId : null,
      entry.scope === 'pipeline' ? entry.pipelineId : null,
    ],
  );
  return row!.id;
}

/** Per type: the value the black list stores, and the order's requisites spelled differently. */
const SPELLINGS: Array<{ type: RequisiteType; stored: string; requisites: OrderRequisites }> = [
  {
    type: 'card',
    stored: cardFingerprint('4111111111111111', CARD_KEY),
    requisites: {
      cardFingerprint: cardFingerprint('4111 1111 1111 1111', CARD_KEY),
      cardMask: maskCard('4111111111111111'),
    },
  },
  { type: 'email', stored: 'payer@example.com', requisites: { email: '  Payer@EXAMPLE.com ' } },
  { type: 'ip', stored: '2001:db8::1', requisites: { ip: '2001:0DB8:0000:0000:0000:0000:0000:0001' } },
  { type: 'phone', stored: '+442079460958', requisites: { phone: '+44 (0)20 7946-0958' } },
  { type: 'payeerIdentifier', stored: 'P1000123', requisites: { payeerIdentifier: ' P1000123 ' } },
];

describe('black list', () => {
  test.each(SPELLINGS)('a merchant entry ($type) blocks every pipeline of that merchant only', async (s) => {
    const { merchantId, pipelineA, pipelineB } = await merchantWithPipelines();
    const entryId = await block({ type: s.type, value: s.stored, scope: 'merchant', merchantId });

    for (const pipelineId of [pipelineA, pipelineB]) {
      await expect(ops.runPreChecks(request({ merchantId, pipelineId, requisites: s.requisites }))).resolves.toEqual({
        ok: false,
        code: CODES.PRECHECK_BLACKLIST,
        details: { check: 'blacklist', type: s.type, scope: 'merchant', entryId },
      });
    }
    const other = await merchantWithPipelines();
    await expect(
      ops.runPreChecks(
        request({ merchantId: other.merchantId, pipelineId: other.pipelineA, requisites: s.requisites }),
      ),
    ).resolves.toEqual({ ok: true });
  });

  test.each(SPELLINGS)('a pipeline entry ($type) blocks only that pipeline', async (s) => {
    const { merchantId, pipelineA, pipelineB } = await merchantWithPipelines();
    const entryId = await block({ type: s.type, value: s.stored, scope: 'pipeline', pipelineId: pipelineA });

    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, requisites: s.requisites })),
    ).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_BLACKLIST,
      details: { check: 'blacklist', type: s.type, scope: 'pipeline', entryId },
    });
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineB, requisites: s.requisites })),
    ).resolves.toEqual({ ok: true });
  });

  test('an IPv4 client seen as IPv4-mapped IPv6 matches its IPv4 entry, and other IPv6 spellings match', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await block({ type: 'ip', value: '203.0.113.7', scope: 'merchant', merchantId });
    await block({ type: 'ip', value: 'fe80::1:0:0:0', scope: 'merchant', merchantId });
    for (const ip of ['::ffff:203.0.113.7', '203.000.113.007', 'FE80:0:0:0:1::', 'fe80:0000::1:0:0:0']) {
      const result = await ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, requisites: { ip } }));
      expect(result).toMatchObject({ ok: false, code: CODES.PRECHECK_BLACKLIST, details: { type: 'ip' } });
    }
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, requisites: { ip: '203.0.113.8' } })),
    ).resolves.toEqual({ ok: true });
  });

  test('a value matches only entries of its own type', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await block({ type: 'payeerIdentifier', value: 'payer@example.com', scope: 'merchant', merchantId });
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, requisites: { email: 'payer@example.com' } })),
    ).resolves.toEqual({ ok: true });
  });

  test('the card entry stores a fingerprint: a card number is refused by the table', async () => {
    const { merchantId } = await merchantWithPipelines();
    await expect(block({ type: 'card', value: '4111111111111111', scope: 'merchant', merchantId })).rejects.toThrow(
      /blacklist_entries_card_fingerprint/,
    );
  });

  test('an entry must name the owner its scope says', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await expect(
      ds.query(
        `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id, pipeline_id)
         VALUES ('email', 'x@y.z', 'x@y.z', 'pipeline', $1, NULL)`,
        [merchantId],
      ),
    ).rejects.toThrow(/blacklist_entries_scope/);
    await expect(
      ds.query(
        `INSERT INTO blacklist_entries (type, value, display_value, scope, merchant_id, pipeline_id)
         VALUES ('email', 'x@y.z', 'x@y.z', 'merchant', $1, $2)`,
        [merchantId, pipelineA],
      ),
    ).rejects.toThrow(/blacklist_entries_scope/);
  });

  test('the black list is checked before limits', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await setLimit({ scope: 'merchant', merchantId, max: 10 });
    await block({ type: 'email', value: 'payer@example.com', scope: 'merchant', merchantId });
    const result = await ops.runPreChecks(
      request({ merchantId, pipelineId: pipelineA, amountMinor: 1000, requisites: { email: 'payer@example.com' } }),
    );
    expect(result).toMatchObject({ ok: false, code: CODES.PRECHECK_BLACKLIST });
  });
});

async function setLimit(
  l: ({ scope: 'merchant'; merchantId: string } | { scope: 'pipeline'; pipelineId: string }) & {
    direction?: 'deposit' | 'payout';
    currency?: string;
    min?: number;
    max?: number;
    dailyVolume?: number;
    dailyCount?: number;
  },
) {
  await ds.query(
    `INSERT INTO limits (scope, merchant_id, pipeline_id, direction, currency, min_amount_minor, max_amount_minor,
                         daily_volume_minor, daily_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      l.scope,
      l.scope === 'merchant' ? l.merchantId : null,
      l.scope === 'pipeline' ? l.pipelineId : null,
      l.direction ?? 'deposit',
      l.currency ?? 'USD',
      l.min ?? null,
      l.max ?? null,
      l.dailyVolume ?? null,
      l.dailyCount ?? null,
    ],
  );
}

describe('limits', () => {
  test.each(['merchant', 'pipeline'] as const)('min and max per order (%s scope)', async (scope) => {
    const { merchantId, pipelineA, pipelineB } = await merchantWithPipelines();
    await setLimit({
      ...(scope === 'merchant' ? { scope, merchantId } : { scope, pipelineId: pipelineA }),
      min: 100,
      max: 5000,
    });
    const check = (amountMinor: number, pipelineId = pipelineA) =>
      ops.runPreChecks(request({ merchantId, pipelineId, amountMinor }));

    await expect(check(99)).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_LIMIT,
      details: { check: 'limit', limit: 'min', scope, limitMinor: 100, actual: 99 },
    });
    await expect(check(5001)).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_LIMIT,
      details: { check: 'limit', limit: 'max', scope, limitMinor: 5000, actual: 5001 },
    });
    await expect(check(100)).resolves.toEqual({ ok: true });
    await expect(check(5000)).resolves.toEqual({ ok: true });
    // A pipeline limit stays on its pipeline; a merchant limit covers all of them.
    await expect(check(5001, pipelineB)).resolves.toEqual(
      scope === 'merchant' ? expect.objectContaining({ ok: false }) : { ok: true },
    );
  });

  test('limits of another direction or currency do not apply', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await setLimit({ scope: 'merchant', merchantId, direction: 'payout', max: 10 });
    await setLimit({ scope: 'merchant', merchantId, currency: 'EUR', max: 10 });
    await expect(ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 1000 }))).resolves.toEqual({
      ok: true,
    });
  });

  test('daily volume counts today’s orders that are not Failed, this order once, and nothing else', async () => {
    const { merchantId, pipelineA, pipelineB } = await merchantWithPipelines();
    await setLimit({ scope: 'merchant', merchantId, dailyVolume: 10_000 });
    const today = (hhmm: string) => `2030-01-15T${hhmm}:00Z`;
    const order = (o: Partial<Parameters<typeof insertOrder>[1]>) =>
      insertOrder(ds, { merchantId, pipelineId: pipelineA, direction: 'deposit', amountMinor: 1, ...o });
    await order({ amountMinor: 6000, status: 'Success', createdAt: today('00:00') });
    await order({ amountMinor: 2000, status: 'Processing', createdAt: today('09:00'), pipelineId: pipelineB });
    await order({ amountMinor: 1000, status: 'Created', createdAt: today('23:59') });
    // None of these count: Failed, another day, another direction, another currency.
    await order({ amountMinor: 50_000, status: 'Failed', createdAt: today('10:00') });
    await order({ amountMinor: 50_000, status: 'Success', createdAt: '2030-01-14T23:59:59.999Z' });
    await order({ amountMinor: 5000, status: 'Success', createdAt: '2030-01-16T00:00:00Z' });
    await order({ amountMinor: 50_000, direction: 'payout', pipelineId: null, createdAt: today('11:00') });
    await order({ amountMinor: 50_000, currency: 'EUR', createdAt: today('11:00') });
    // The order under check is already recorded: it must be counted once, not twice.
    const orderId = await order({ amountMinor: 1000, createdAt: today('12:00') });

    await expect(
      ops.runPreChecks(request({ orderId, merchantId, pipelineId: pipelineA, amountMinor: 1000 })),
    ).resolves.toEqual({ ok: true });
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 1, at: today('00:00') })),
    ).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_LIMIT,
      details: { check: 'limit', limit: 'dailyVolume', scope: 'merchant', limitMinor: 10_000, actual: 10_001 },
    });
    // The next UTC day counts only its own orders (the 5000 created at its first instant).
    const nextDay = (amountMinor: number) =>
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor, at: '2030-01-16T23:59:59Z' }));
    await expect(nextDay(5000)).resolves.toEqual({ ok: true });
    await expect(nextDay(5001)).resolves.toMatchObject({
      ok: false,
      details: { limit: 'dailyVolume', actual: 10_001 },
    });
  });

  test('a pipeline daily volume counts only that pipeline’s orders', async () => {
    const { merchantId, pipelineA, pipelineB } = await merchantWithPipelines();
    await setLimit({ scope: 'pipeline', pipelineId: pipelineA, dailyVolume: 5000 });
    await insertOrder(ds, {
      merchantId,
      pipelineId: pipelineB,
      direction: 'deposit',
      amountMinor: 9000,
      createdAt: AT,
    });
    await insertOrder(ds, {
      merchantId,
      pipelineId: pipelineA,
      direction: 'deposit',
      amountMinor: 4000,
      createdAt: AT,
    });

    await expect(ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 1000 }))).resolves.toEqual({
      ok: true,
    });
    await expect(ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 1001 }))).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_LIMIT,
      details: { check: 'limit', limit: 'dailyVolume', scope: 'pipeline', limitMinor: 5000, actual: 5001 },
    });
  });

  test('daily count counts today’s orders that are not Failed, plus this one', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await setLimit({ scope: 'pipeline', pipelineId: pipelineA, dailyCount: 3 });
    const order = (status: 'Success' | 'Failed', createdAt = AT) =>
      insertOrder(ds, { merchantId, pipelineId: pipelineA, direction: 'deposit', amountMinor: 10, status, createdAt });
    await order('Success');
    await order('Failed');
    await order('Failed');
    await order('Success', '2030-01-14T12:00:00Z');
    const orderId = await order('Success');

    await expect(ops.runPreChecks(request({ merchantId, pipelineId: pipelineA }))).resolves.toEqual({ ok: true });
    await order('Success');
    await expect(ops.runPreChecks(request({ orderId, merchantId, pipelineId: pipelineA }))).resolves.toEqual({
      ok: true,
    });
    await expect(ops.runPreChecks(request({ merchantId, pipelineId: pipelineA }))).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_LIMIT,
      details: { check: 'limit', limit: 'dailyCount', scope: 'pipeline', limitCount: 3, actual: 4 },
    });
  });

  test('the merchant limit is reported before the pipeline limit', async () => {
    const { merchantId, pipelineA } = await merchantWithPipelines();
    await setLimit({ scope: 'pipeline', pipelineId: pipelineA, max: 10 });
    await setLimit({ scope: 'merchant', merchantId, max: 20 });
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 50 })),
    ).resolves.toMatchObject({
      details: { scope: 'merchant', limit: 'max', limitMinor: 20 },
    });
    await expect(
      ops.runPreChecks(request({ merchantId, pipelineId: pipelineA, amountMinor: 15 })),
    ).resolves.toMatchObject({
      details: { scope: 'pipeline', limit: 'max', limitMinor: 10 },
    });
  });
});
