import type { DataSource } from 'typeorm';
import { operationsActivities } from '../../activities/operations';
import { computeCommission } from '../../data/commissions';
import { CODES } from '../../domain/history-codes';
import type { Direction } from '../../domain/order';
import type { FundsRequest } from '../../domain/operations-contract';
import { testDataSource } from '../helpers/database';
import { createMerchant, createPipeline, fundMerchant, insertOrder, postingsOf } from '../helpers/operations-fixtures';

let ds: DataSource;
let ops: ReturnType<typeof operationsActivities>;

beforeAll(async () => {
  ds = await testDataSource();
  ops = operationsActivities(ds);
});
afterAll(() => ds?.destroy());

/** An order row (holds and postings reference it) and the funds request for it. */
async function order(
  merchantId: string,
  direction: Direction,
  amountMinor: number,
  o: { currency?: string; pipelineId?: string | null } = {},
): Promise<FundsRequest> {
  const currency = o.currency ?? 'USD';
  const orderId = await insertOrder(ds, { merchantId, direction, amountMinor, currency, pipelineId: o.pipelineId });
  return { orderId, merchantId, currency, amountMinor };
}

async function setCommission(c: {
  merchantId: string;
  direction: Direction;
  pipelineId?: string;
  currency?: string;
  percent?: string;
  fixedMinor?: number;
}) {
  await ds.query(
    `INSERT INTO commissions (merchant_id, pipeline_id, direction, currency, percent, fixed_minor)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.merchantId, c.pipelineId ?? null, c.direction, c.currency ?? null, c.percent ?? '0', c.fixedMinor ?? 0],
  );
}

async function holdsOf(merchantId: string) {
  const rows: Array<{ order_id: string; status: string; amount_minor: string; commission_minor: string }> =
    await ds.query(
      `SELECT order_id, status, amount_minor, commission_minor FROM balance_holds
        WHERE merchant_id = $1 ORDER BY created_at`,
      [merchantId],
    );
  return rows.map((r) => ({
    ...r,
    amount_minor: Number(r.amount_minor),
    commission_minor: Number(r.commission_minor),
  }));
}

/** The available balance, as a hold far too large to fit reports it (and holds nothing). */
async function available(merchantId: string, currency = 'USD'): Promise<number> {
  const result = await ops.holdFunds(await order(merchantId, 'payout', 2 ** 50, { currency }));
  if (result.ok) throw new Error('the probe hold should not fit');
  return result.availableMinor;
}

describe('holdFunds', () => {
  test('a hold above the available balance fails with 1.2.4.31 and holds nothing', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    await fundMerchant(ds, merchantId, 'EUR', 50_000);

    const tooMuch = await order(merchantId, 'payout', 1001);
    await expect(ops.holdFunds(tooMuch)).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_BALANCE,
      availableMinor: 1000,
    });
    expect(await holdsOf(merchantId)).toEqual([]);

    const fits = await order(merchantId, 'payout', 600);
    await expect(ops.holdFunds(fits)).resolves.toEqual({ ok: true, availableMinor: 400 });
    // The hold reserves: 600 more no longer fit, 400 do.
    await expect(ops.holdFunds(await order(merchantId, 'payout', 600))).resolves.toMatchObject({
      ok: false,
      availableMinor: 400,
    });
    await expect(ops.holdFunds(await order(merchantId, 'payout', 400))).resolves.toEqual({
      ok: true,
      availableMinor: 0,
    });
    expect((await holdsOf(merchantId)).map((h) => [h.amount_minor, h.status])).toEqual([
      [600, 'held'],
      [400, 'held'],
    ]);
  });

  test('is idempotent per order', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    const req = await order(merchantId, 'payout', 700);
    await expect(ops.holdFunds(req)).resolves.toEqual({ ok: true, availableMinor: 300 });
    await expect(ops.holdFunds(req)).resolves.toEqual({ ok: true, availableMinor: 300 });
    await Promise.all([ops.holdFunds(req), ops.holdFunds(req)]);
    expect(await holdsOf(merchantId)).toHaveLength(1);
    await expect(ops.holdFunds({ ...req, amountMinor: 701 })).rejects.toMatchObject({ type: 'HoldMismatch' });
  });

  test('concurrent holds that together exceed the balance: exactly as many succeed as fit', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    const pair = [await order(merchantId, 'payout', 600), await order(merchantId, 'payout', 600)];
    const pairResults = await Promise.all(pair.map((r) => ops.holdFunds(r)));
    expect(pairResults.filter((r) => r.ok)).toHaveLength(1);

    const other = await createMerchant(ds);
    await fundMerchant(ds, other, 'USD', 1000);
    const many = await Promise.all(Array.from({ length: 10 }, () => order(other, 'payout', 300)));
    const results = await Promise.all(many.map((r) => ops.holdFunds(r)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === CODES.PRECHECK_BALANCE)).toBe(true);
    expect(await holdsOf(other)).toHaveLength(3);
    expect(await available(other)).toBe(100);
  });

  test('the hold covers the payout’s commission too, so settling never overdraws', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    await setCommission({ merchantId, direction: 'payout', percent: '1', fixedMinor: 0 });
    // 991 + 10 (1% of 991 = 9.91 → 10) = 1001 > 1000
    await expect(ops.holdFunds(await order(merchantId, 'payout', 991))).resolves.toEqual({
      ok: false,
      code: CODES.PRECHECK_BALANCE,
      availableMinor: 1000,
    });
    // 990 + 10 (9.9 → 10) = 1000
    const req = await order(merchantId, 'payout', 990);
    await expect(ops.holdFunds(req)).resolves.toEqual({ ok: true, availableMinor: 0 });
    await expect(ops.settleHeldFunds(req)).resolves.toEqual({ amountMinor: 990, commissionMinor: 10, posted: true });
    const total = (await postingsOf(ds, merchantId)).reduce((sum, p) => sum + p.amount_minor, 0);
    expect(total).toBe(0);
  });
});

describe('settleHeldFunds and releaseHeldFunds', () => {
  test('settle posts the payout and its commission exactly once', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 10_000);
    await setCommission({ merchantId, direction: 'payout', percent: '2', fixedMinor: 5 });
    const req = await order(merchantId, 'payout', 1000);
    await ops.holdFunds(req);

    const results = await Promise.all([ops.settleHeldFunds(req), ops.settleHeldFunds(req)]);
    results.push(await ops.settleHeldFunds(req));
    expect(results.filter((r) => r.posted)).toHaveLength(1);
    for (const r of results) expect(r).toMatchObject({ amountMinor: 1000, commissionMinor: 25 });

    const postings = (await postingsOf(ds, merchantId)).filter((p) => p.order_id === req.orderId);
    expect(postings.map((p) => [p.kind, p.amount_minor, p.idempotency_key])).toEqual([
      ['payout', -1000, `${req.orderId}:payout`],
      ['commission', -25, `${req.orderId}:commission`],
    ]);
    expect((await holdsOf(merchantId)).map((h) => h.status)).toEqual(['settled']);
    expect(await available(merchantId)).toBe(10_000 - 1025);
    // A settled hold is not released afterwards.
    await expect(ops.releaseHeldFunds(req)).resolves.toEqual({ released: false });
  });

  test('settle without commission posts only the payout', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    const req = await order(merchantId, 'payout', 1000);
    await ops.holdFunds(req);
    await expect(ops.settleHeldFunds(req)).resolves.toEqual({ amountMinor: 1000, commissionMinor: 0, posted: true });
    expect((await postingsOf(ds, merchantId)).filter((p) => p.order_id === req.orderId).map((p) => p.kind)).toEqual([
      'payout',
    ]);
  });

  test('release gives the hold back once and posts nothing; a released hold cannot be settled', async () => {
    const merchantId = await createMerchant(ds);
    await fundMerchant(ds, merchantId, 'USD', 1000);
    const req = await order(merchantId, 'payout', 800);
    await ops.holdFunds(req);
    expect(await available(merchantId)).toBe(200);

    const results = await Promise.all([ops.releaseHeldFunds(req), ops.releaseHeldFunds(req)]);
    results.push(await ops.releaseHeldFunds(req));
    expect(results.filter((r) => r.released)).toHaveLength(1);
    expect(await available(merchantId)).toBe(1000);
    expect((await holdsOf(merchantId)).find((h) => h.order_id === req.orderId)?.status).toBe('released');
    expect((await postingsOf(ds, merchantId)).filter((p) => p.order_id === req.orderId)).toEqual([]);
    await expect(ops.settleHeldFunds(req)).rejects.toMatchObject({ type: 'HoldReleased' });
  });

  test('releasing an order that holds nothing is a no-op; settling one is an error', async () => {
    const merchantId = await createMerchant(ds);
    const req = await order(merchantId, 'payout', 100);
    await expect(ops.releaseHeldFunds(req)).resolves.toEqual({ released: false });
    await expect(ops.settleHeldFunds(req)).rejects.toMatchObject({ type: 'HoldNotFound' });
  });
});

describe('creditDeposit', () => {
  test('credits the amount and debits the commission exactly once', async () => {
    const merchantId = await createMerchant(ds);
    await setCommission({ merchantId, direction: 'deposit', percent: '3.5', fixedMinor: 10 });
    const req = await order(merchantId, 'deposit', 2000);

    const results = await Promise.all([ops.creditDeposit(req), ops.creditDeposit(req), ops.creditDeposit(req)]);
    results.push(await ops.creditDeposit(req));
    expect(results.filter((r) => r.posted)).toHaveLength(1);
    for (const r of results) expect(r).toMatchObject({ amountMinor: 2000, commissionMinor: 80 });

    expect((await postingsOf(ds, merchantId)).map((p) => [p.kind, p.amount_minor, p.idempotency_key])).toEqual([
      ['deposit', 2000, `${req.orderId}:deposit`],
      ['commission', -80, `${req.orderId}:commission`],
    ]);
    expect(await available(merchantId)).toBe(1920);
  });

  test('without a commission row, only the deposit is posted', async () => {
    const merchantId = await createMerchant(ds);
    await setCommission({ merchantId, direction: 'payout', percent: '50' });
    const req = await order(merchantId, 'deposit', 2000);
    await expect(ops.creditDeposit(req)).resolves.toEqual({ amountMinor: 2000, commissionMinor: 0, posted: true });
    expect((await postingsOf(ds, merchantId)).map((p) => p.kind)).toEqual(['deposit']);
  });
});

describe('commission', () => {
  test('the most specific row wins: pipeline+currency > pipeline > currency > neither', async () => {
    const merchantId = await createMerchant(ds);
    const pipeline = await createPipeline(ds, merchantId, 'deposit');
    const otherPipeline = await createPipeline(ds, merchantId, 'deposit');
    await setCommission({ merchantId, direction: 'deposit', percent: '1' });
    await setCommission({ merchantId, direction: 'deposit', currency: 'USD', percent: '2' });
    await setCommission({ merchantId, direction: 'deposit', pipelineId: pipeline, percent: '3' });
    await setCommission({ merchantId, direction: 'deposit', pipelineId: pipeline, currency: 'USD', percent: '4' });
    // Rows of another direction or merchant never apply.
    await setCommission({ merchantId, direction: 'payout', pipelineId: pipeline, currency: 'USD', percent: '9' });
    const stranger = await createMerchant(ds);
    await setCommission({ merchantId: stranger, direction: 'deposit', currency: 'USD', percent: '8' });

    const commissionOf = async (o: { currency: string; pipelineId: string | null }) =>
      (await ops.creditDeposit(await order(merchantId, 'deposit', 10_000, o))).commissionMinor;
    expect(await commissionOf({ pipelineId: pipeline, currency: 'USD' })).toBe(400);
    expect(await commissionOf({ pipelineId: pipeline, currency: 'EUR' })).toBe(300);
    expect(await commissionOf({ pipelineId: otherPipeline, currency: 'USD' })).toBe(200);
    expect(await commissionOf({ pipelineId: otherPipeline, currency: 'EUR' })).toBe(100);
    expect(await commissionOf({ pipelineId: null, currency: 'USD' })).toBe(200);
    expect(await commissionOf({ pipelineId: null, currency: 'EUR' })).toBe(100);
  });

  test('one row per specificity level', async () => {
    const merchantId = await createMerchant(ds);
    await setCommission({ merchantId, direction: 'deposit', percent: '1' });
    await expect(setCommission({ merchantId, direction: 'deposit', percent: '2' })).rejects.toThrow(
      /commissions_specificity/,
    );
  });

  test('percent of the amount rounded half-up to a minor unit, plus the fixed part', async () => {
    const merchantId = await createMerchant(ds);
    await setCommission({ merchantId, direction: 'deposit', currency: 'USD', percent: '2.5', fixedMinor: 30 });
    await setCommission({ merchantId, direction: 'deposit', currency: 'EUR', percent: '0.0001' });
    const commissionOf = async (amountMinor: number, currency = 'USD') =>
      (await ops.creditDeposit(await order(merchantId, 'deposit', amountMinor, { currency }))).commissionMinor;
    expect(await commissionOf(1010)).toBe(25 + 30); // 25.25
    expect(await commissionOf(1020)).toBe(26 + 30); // 25.5: half-up
    expect(await commissionOf(1030)).toBe(26 + 30); // 25.75
    expect(await commissionOf(499_999, 'EUR')).toBe(0); // 0.499999
    expect(await commissionOf(500_000, 'EUR')).toBe(1); // 0.5
  });

  test('computeCommission is exact for large amounts and fine percentages', () => {
    expect(computeCommission(9_007_199_254_740_000, '0.0001', 0)).toBe(9_007_199_255); // …254.74
    expect(computeCommission(333, '33.3333', 1)).toBe(112); // 110.9998… → 111, + 1
    expect(computeCommission(100, '0', 0)).toBe(0);
    expect(computeCommission(1, '50', 0)).toBe(1);
    expect(computeCommission(1, '49.9999', 0)).toBe(0);
    expect(() => computeCommission(100, '1e2', 0)).toThrow(RangeError);
  });
});
