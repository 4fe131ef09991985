import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { getHistoryCode } from '../../domain/history-codes';
import { freePort } from '../../infra/net';
import { startDevServerStack } from '../helpers/dev-server-stack';
import { startApi } from '../helpers/http';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

/** Seed 003's payout example, byte for byte as printed. */
const SEED_003_PAYOUT = `{
    "amount": 100,
    "currency": "RUB",
    "externalTransactionId": "MerchID-{{$number.int(min=1)}}",
    "callbackUrl": "https://merch.com/callbackUrl",
    "processingRedirectUrl": "https://merch.com/processing",
    "failedRedirectUrl": "https://merch.com/failed",
    "successRedirectUrl": "https://merch.com/success",
    "additionalFields": [
        {
            "key": "cardNumber",
            "value": "1234123412341234"
        },
        {
            "key": "payeerIdentifier",
            "value": "Merch-12345"
        },
        {
            "key": "email",
            "value": "Jhon.Wick@Continental-Hotel.com"
        }
    ]
}`;
const CARD = '1234123412341234';
const LUHN_CARD = '4111111111111111';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const bodiesSeen: string[] = [];
let stack: Awaited<ReturnType<typeof startDevServerStack>>;
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  stack = await startDevServerStack('merchant-orders');
  ({ ds, api, client, taskQueue } = stack);
});

afterAll(() => stack?.stop());

/** Sends a request and keeps the body text, so the last test can check no card number ever came back. */
async function call(
  base: string,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read whatever JSON came back
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  bodiesSeen.push(text);
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
const post = (path: string, key: string | undefined, body: unknown, base = api.baseUrl) =>
  call(base, 'POST', path, key, body);
const get = (path: string, key?: string, base = api.baseUrl) => call(base, 'GET', path, key);

const deposit = (overrides: Record<string, unknown> = {}) => ({
  amount: 10.09,
  currency: 'USD',
  externalTransactionId: `dep-${randomUUID()}`,
  additionalFields: [{ key: 'cardNumber', value: CARD }],
  ...overrides,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer's shape is what the tests assert
async function waitFor(path: string, key: string, done: (json: any) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await get(path, key);
    if (res.status === 200 && done(res.json)) return res.json;
    if (Date.now() > deadline) throw new Error(`order not as expected: ${JSON.stringify(res.json)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const waitForFinal = (path: string, key: string, timeoutMs = 60_000) =>
  waitFor(path, key, (json) => ['Success', 'Failed'].includes(json.orderStatus), timeoutMs);

describe('POST /withdrawal-order', () => {
  test("seed 003's example at its printed path, with the double slash (//api/v1/…), is a 200", async () => {
    const m = await createApiMerchant(ds, 'payout', { currency: 'RUB' });
    const created = await post('//api/v1/integration/withdrawal-order', m.keys.sandbox.payout, SEED_003_PAYOUT);
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ externalId: expect.stringMatching(UUID), orderStatus: 'Created' });
  });

  test("seed 003's request as printed: 200, then a final status readable by both ids with its history", async () => {
    const m = await createApiMerchant(ds, 'payout', { currency: 'RUB' });
    const created = await post('/api/v1/integration/withdrawal-order', m.keys.sandbox.payout, SEED_003_PAYOUT);
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ externalId: expect.stringMatching(UUID), orderStatus: 'Created' });
    const { externalId } = created.json;

    await waitForFinal(`/api/v1/integration/withdrawal-order/${externalId}/status`, m.keys.sandbox.payout);
    // After the final status come the settlement and the first callback attempt (to merch.com, which fails); the
    // next attempt is a minute later, so once the first is recorded both reads see the same history.
    const byId = await waitFor(
      `/api/v1/integration/withdrawal-order/${externalId}/status`,
      m.keys.sandbox.payout,
      (json) => json.orderHistory.some((h: { code: string }) => h.code.startsWith('6.')),
    );
    expect(byId).toMatchObject({
      externalId,
      orderStatus: 'Success',
      amount: 100,
      currency: 'RUB',
      externalTransactionId: 'MerchID-{{$number.int(min=1)}}',
      externalParams: { cardToken: null, cardStorageToken: null, cardHolder: null, cardNumber: '123412******1234' },
    });
    expect(byId.orderHistory[0]).toEqual({
      time: expect.any(String),
      action: getHistoryCode('1.1.1.00').action,
      code: '1.1.1.00',
      description: getHistoryCode('1.1.1.00').description,
    });
    for (const h of byId.orderHistory) {
      expect(h.action).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(h.code).toMatch(/^\d\.\d\.\d\.\d\d$/);
      expect(h.description).toEqual(expect.any(String));
      expect(new Date(h.time).toISOString()).toBe(h.time);
    }
    const byExt = await get(
      `/api/v1/integration/withdrawal-order/${encodeURIComponent('MerchID-{{$number.int(min=1)}}')}/status-by-external-transaction-id`,
      m.keys.sandbox.payout,
    );
    expect(byExt.status).toBe(200);
    expect(byExt.json).toEqual(byId);

    const [row] = await ds.query(`SELECT method, pipeline_id, workflow_id, card_mask FROM orders WHERE id = $1`, [
      externalId,
    ]);
    expect(row).toEqual({
      method: 'card',
      pipeline_id: m.pipelineId,
      workflow_id: `payout-${externalId}`,
      card_mask: '123412******1234',
    });
  });

  test('a payout without any destination is a 400', async () => {
    const m = await createApiMerchant(ds, 'payout');
    const res = await post(
      '/api/v1/integration/withdrawal-order',
      m.keys.sandbox.payout,
      deposit({ additionalFields: [] }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].field).toBe('additionalFields');
  });
});

describe('POST /deposit-order', () => {
  test('a host-to-host card deposit ending .09 is paid in the create answer', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const body = deposit({
      additionalFields: [
        { key: 'cardNumber', value: CARD },
        { key: 'cardHolder', value: 'JOHN WICK' },
      ],
    });
    const res = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    expect(res.status).toBe(200);
    expect(res.json.paymentFormUrl).toBeUndefined();
    const status = await waitForFinal(
      `/api/v1/integration/deposit-order/${res.json.externalId}/status`,
      m.keys.sandbox.deposit,
    );
    expect(status).toMatchObject({
      orderStatus: 'Success',
      amount: 10.09,
      // The name on the card is personal data: masked like the number.
      externalParams: { cardHolder: 'J*** W***', cardNumber: '123412******1234' },
    });
    expect(status.orderHistory.map((h: { code: string }) => h.code)).toContain('2.1.3.00');
  });

  test('host-to-client (no card data) answers a paymentFormUrl; token and P2P deposits get their method', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const h2c = await post(
      '/api/v1/integration/deposit-order',
      m.keys.sandbox.deposit,
      deposit({ additionalFields: [{ key: 'email', value: 'payer@example.com' }] }),
    );
    expect(h2c.status).toBe(200);
    expect(h2c.json.paymentFormUrl).toMatch(new RegExp(`/pay/${h2c.json.externalId}$`));
    const token = await post(
      '/api/v1/integration/deposit-order',
      m.keys.sandbox.deposit,
      deposit({ additionalFields: [{ key: 'cardToken', value: 'tok_123' }] }),
    );
    const p2p = await post(
      '/api/v1/integration/deposit-order',
      m.keys.sandbox.deposit,
      deposit({
        additionalFields: [
          { key: 'bankName', value: 'SuperBank' },
          { key: 'phone', value: '+44 (0)20 7946 0958' },
        ],
      }),
    );
    const methods = await ds.query(`SELECT id, method, flow FROM orders WHERE id = ANY($1) ORDER BY method`, [
      [h2c.json.externalId, token.json.externalId, p2p.json.externalId],
    ]);
    expect(methods).toEqual([
      { id: h2c.json.externalId, method: 'card', flow: 'h2c' },
      { id: p2p.json.externalId, method: 'p2p', flow: 'h2h' },
      { id: token.json.externalId, method: 'token', flow: 'h2h' },
    ]);
    const tokenStatus = await get(
      `/api/v1/integration/deposit-order/${token.json.externalId}/status`,
      m.keys.sandbox.deposit,
    );
    expect(tokenStatus.json.externalParams).toEqual({
      cardToken: 'tok_123',
      cardStorageToken: null,
      cardHolder: null,
      cardNumber: null,
    });
  });

  test('no pipeline for the direction is a 400 saying so', async () => {
    const m = await createApiMerchant(ds, 'payout');
    const res = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, deposit());
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'NO_PIPELINE', message: expect.stringContaining('deposit pipeline') });
  });
});

describe('validation', () => {
  const cases: Array<[string, Record<string, unknown>, string, 'sandbox' | 'live']> = [
    ['unsupported currency', { currency: 'XYZ' }, 'currency', 'sandbox'],
    ['amount zero', { amount: 0 }, 'amount', 'sandbox'],
    ['negative amount', { amount: -5 }, 'amount', 'sandbox'],
    ['amount as a string', { amount: '100' }, 'amount', 'sandbox'],
    ['too many decimals', { amount: 10.001 }, 'amount', 'sandbox'],
    ['decimals on JPY', { amount: 10.5, currency: 'JPY' }, 'amount', 'sandbox'],
    ['empty externalTransactionId', { externalTransactionId: '' }, 'externalTransactionId', 'sandbox'],
    ['too long externalTransactionId', { externalTransactionId: 'x'.repeat(129) }, 'externalTransactionId', 'sandbox'],
    ['bad callbackUrl', { callbackUrl: 'not a url' }, 'callbackUrl', 'sandbox'],
    ['non-http redirect', { successRedirectUrl: 'javascript:alert(1)' }, 'successRedirectUrl', 'sandbox'],
    [
      'short card number',
      { additionalFields: [{ key: 'cardNumber', value: '12345' }] },
      'additionalFields.cardNumber',
      'sandbox',
    ],
    [
      'letters in card',
      { additionalFields: [{ key: 'cardNumber', value: '4111abcd11111111' }] },
      'additionalFields.cardNumber',
      'sandbox',
    ],
    [
      'Luhn on a live key',
      { additionalFields: [{ key: 'cardNumber', value: CARD }] },
      'additionalFields.cardNumber',
      'live',
    ],
    [
      'unknown additional field',
      { additionalFields: [{ key: 'cvv', value: '123' }] },
      'additionalFields.0.key',
      'sandbox',
    ],
    ['bad phone', { additionalFields: [{ key: 'phone', value: '0201234567' }] }, 'additionalFields.phone', 'sandbox'],
    ['bad ip', { additionalFields: [{ key: 'ip', value: '300.1.1.1' }] }, 'additionalFields.ip', 'sandbox'],
    ['bad email', { additionalFields: [{ key: 'email', value: 'nope' }] }, 'additionalFields.email', 'sandbox'],
    ['unknown top-level field', { callbackURL: 'https://x.test' }, '(body)', 'sandbox'],
  ];
  let m: Awaited<ReturnType<typeof createApiMerchant>>;
  beforeAll(async () => {
    m = await createApiMerchant(ds, 'deposit');
  });

  test.each(cases)('%s → 400 naming the field', async (_name, overrides, field, mode) => {
    const res = await post('/api/v1/integration/deposit-order', m.keys[mode].deposit, deposit(overrides));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  test('the unknown-key answer lists the allowed keys; one answer names every bad field', async () => {
    const res = await post(
      '/api/v1/integration/deposit-order',
      m.keys.sandbox.deposit,
      deposit({
        currency: 'XYZ',
        callbackUrl: 'ftp://x',
        additionalFields: [
          { key: 'cvv', value: '1' },
          { key: 'cardNumber', value: '12' },
        ],
      }),
    );
    expect(res.status).toBe(400);
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['currency', 'callbackUrl', 'additionalFields.0.key', 'additionalFields.cardNumber']),
    );
    expect(res.json.error.message).toContain('allowed keys: cardNumber, cardHolder, bankName');
  });

  test('a live key accepts a Luhn-valid card; a sandbox key accepts the seed test card', async () => {
    const live = await post(
      '/api/v1/integration/deposit-order',
      m.keys.live.deposit,
      deposit({ additionalFields: [{ key: 'cardNumber', value: LUHN_CARD }] }),
    );
    expect(live.status).toBe(200);
    expect((await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, deposit())).status).toBe(200);
  });
});

describe('auth and visibility', () => {
  test('401 for a missing or unknown key, 403 for a key of the other direction', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    expect((await post('/api/v1/integration/deposit-order', undefined, deposit())).status).toBe(401);
    expect((await post('/api/v1/integration/deposit-order', 'ps_sandbox_deposit_nope', deposit())).status).toBe(401);
    expect((await post('/api/v1/integration/withdrawal-order', m.keys.sandbox.deposit, deposit())).status).toBe(403);
    expect((await post('/api/v1/integration/deposit-order', m.keys.sandbox.payout, deposit())).status).toBe(403);
    expect(
      (await get(`/api/v1/integration/withdrawal-order/${randomUUID()}/status`, m.keys.sandbox.deposit)).status,
    ).toBe(403);
    expect((await get(`/api/v1/integration/deposit-order/${randomUUID()}/status`)).status).toBe(401);
  });

  test("another merchant's order, an unknown id and a malformed id are 404", async () => {
    const a = await createApiMerchant(ds, 'deposit');
    const b = await createApiMerchant(ds, 'deposit');
    const body = deposit();
    const created = await post('/api/v1/integration/deposit-order', a.keys.sandbox.deposit, body);
    const { externalId } = created.json;
    expect((await get(`/api/v1/integration/deposit-order/${externalId}/status`, a.keys.sandbox.deposit)).status).toBe(
      200,
    );
    expect((await get(`/api/v1/integration/deposit-order/${externalId}/status`, b.keys.sandbox.deposit)).status).toBe(
      404,
    );
    const byExt = `/api/v1/integration/deposit-order/${body.externalTransactionId}/status-by-external-transaction-id`;
    expect((await get(byExt, b.keys.sandbox.deposit)).status).toBe(404);
    expect((await get(`/api/v1/integration/deposit-order/${randomUUID()}/status`, a.keys.sandbox.deposit)).status).toBe(
      404,
    );
    const malformed = await get('/api/v1/integration/deposit-order/not-a-uuid/status', a.keys.sandbox.deposit);
    expect(malformed.status).toBe(404);
    expect(malformed.json.error.code).toBe('ORDER_NOT_FOUND');
  });
});

describe('idempotency', () => {
  test('a retry with the same body answers the first order; a different body is a 409', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const body = deposit();
    const first = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    const again = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    expect(again.status).toBe(200);
    expect(again.json.externalId).toBe(first.json.externalId);
    const conflict = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, {
      ...body,
      amount: 20.09,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(body.externalTransactionId),
    });
    const [count] = await ds.query(`SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1`, [m.merchantId]);
    expect(count.n).toBe(1);
  });

  test('concurrent creates with the same externalTransactionId make one order and one workflow', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const body = deposit();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const ids = new Set(answers.map((a) => a.json.externalId));
    expect(ids.size).toBe(1);
    const rows = await ds.query(`SELECT id FROM orders WHERE merchant_id = $1`, [m.merchantId]);
    expect(rows).toHaveLength(1);
    await waitForFinal(`/api/v1/integration/deposit-order/${rows[0].id}/status`, m.keys.sandbox.deposit);
    // The final status reaches PostgreSQL a moment before the workflow closes: wait for the run itself.
    const handle = client.workflow.getHandle(`deposit-${rows[0].id}`);
    await handle.result();
    expect(await handle.describe()).toMatchObject({ status: { name: 'COMPLETED' } });
    // Visibility is eventually consistent: wait for the run to be listed, then there must be exactly one.
    let runs: unknown[] = [];
    for (let i = 0; i < 50 && runs.length === 0; i++) {
      runs = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = 'deposit-${rows[0].id}'` })) runs.push(w);
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toHaveLength(1);
  });

  test('a retry after the order finished answers it again without running it twice', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const body = deposit();
    const first = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    await waitForFinal(`/api/v1/integration/deposit-order/${first.json.externalId}/status`, m.keys.sandbox.deposit);
    const again = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    expect(again.json).toEqual({ externalId: first.json.externalId, orderStatus: 'Success' });
    const postings = await ds.query(`SELECT count(*)::int AS n FROM ledger_postings WHERE order_id = $1`, [
      first.json.externalId,
    ]);
    const runs = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = 'deposit-${first.json.externalId}'` }))
      runs.push(w);
    expect(runs.length).toBeLessThanOrEqual(1);
    expect(postings[0].n).toBeGreaterThan(0);
  });
});

describe('temporary errors and reads without a worker', () => {
  test('Temporal unreachable → 423; the retry once it is back starts the order', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const down = await startApi({ dataSource: ds, temporalAddress: `127.0.0.1:${await freePort()}`, taskQueue });
    const body = deposit();
    try {
      const res = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body, down.baseUrl);
      expect(res.status).toBe(423);
      expect(res.json.error).toMatchObject({
        code: 'TEMPORARY_ERROR',
        message: expect.stringContaining('same externalTransactionId'),
      });
    } finally {
      await down.stop();
    }
    const retry = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body);
    expect(retry.status).toBe(200);
    const status = await waitForFinal(
      `/api/v1/integration/deposit-order/${retry.json.externalId}/status`,
      m.keys.sandbox.deposit,
    );
    expect(status.orderStatus).toBe('Success');
  }, 60_000);

  test('status reads come from PostgreSQL: they work with no worker on the queue', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    const idle = await startApi({
      dataSource: ds,
      temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS),
      taskQueue: `nobody-polls-${randomUUID()}`,
    });
    try {
      const body = deposit();
      const created = await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, body, idle.baseUrl);
      expect(created.json.orderStatus).toBe('Created');
      const status = await get(
        `/api/v1/integration/deposit-order/${body.externalTransactionId}/status-by-external-transaction-id`,
        m.keys.sandbox.deposit,
        idle.baseUrl,
      );
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ orderStatus: 'Created', amount: 10.09, orderHistory: [] });
      await client.workflow.getHandle(`deposit-${created.json.externalId}`).terminate('test over');
    } finally {
      await idle.stop();
    }
  });
});

describe('card numbers', () => {
  test('appear in no response and no log line', async () => {
    const m = await createApiMerchant(ds, 'deposit');
    await post('/api/v1/integration/deposit-order', m.keys.sandbox.deposit, deposit({ currency: 'XYZ' }));
    const cards = [CARD, LUHN_CARD, '4111abcd11111111'];
    for (const card of cards) {
      expect(bodiesSeen.join('\n')).not.toContain(card);
      expect(api.logLines.join('\n')).not.toContain(card);
      const [stored] = await ds.query(
        `SELECT count(*)::int AS n FROM orders o LEFT JOIN order_history h ON h.order_id = o.id
         WHERE o::text LIKE $1 OR h.details::text LIKE $1`,
        [`%${card}%`],
      );
      expect(stored.n).toBe(0);
    }
    expect(api.logLines.length).toBeGreaterThan(0);
  });
});
