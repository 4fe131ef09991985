import { behaviourAt, type GatewayScript } from '../../gateways/scripted/script';
import { checkOrder, isSubsequence } from '../../simulation/expectations';
import { parseScenario, ScenarioError } from '../../simulation/scenario';
import { formatOffset } from '../../simulation/timeline';
import type { OrderState } from '../../workflows/definitions';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The smallest valid scenario, with `patch` merged in at the top level. */
const scenario = (patch: Record<string, unknown> = {}) => ({
  name: 'test',
  merchants: { shop: { routes: { deposit: ['gw'] } } },
  gateways: { gw: {} },
  orders: [{ id: 'o', merchant: 'shop', direction: 'deposit', amount: 10 }],
  ...patch,
});

const problemsOf = (data: unknown): string[] => {
  try {
    parseScenario(data);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
};

describe('scenario files', () => {
  test('a minimal scenario gets its defaults: USD, t+0, a plain sandbox gateway, callbacks accepted', () => {
    const s = parseScenario(scenario());
    expect(s.orders).toEqual([
      { label: 'o', merchant: 'shop', direction: 'deposit', amountMinor: 1000, currency: 'USD', atMs: 0, expect: {} },
    ]);
    expect(s.gateways).toEqual([{ name: 'gw', windows: [] }]);
    expect(s.merchants[0]!.routes).toEqual({ deposit: ['gw'], payout: [] });
  });

  test('times are Temporal durations after t+0; windows and payment scripts become the gateway script', () => {
    const s = parseScenario(
      scenario({
        gateways: {
          gw: {
            timeline: [
              { until: '2h', down: 'server-unavailable' },
              { from: '2h', until: '1.5d', payments: { pendingFor: '40m', callback: 'final' } },
              { from: '1.5d', sandbox: 'pending-forever' },
            ],
          },
        },
      }),
    );
    expect(s.gateways[0]!.windows).toEqual([
      { fromMs: 0, untilMs: 2 * HOUR, behaviour: { kind: 'down', outage: 'server-unavailable' } },
      {
        fromMs: 2 * HOUR,
        untilMs: 36 * HOUR,
        behaviour: {
          kind: 'payments',
          payment: {
            create: 'pending',
            declineReason: null,
            pendingForMs: 40 * MINUTE,
            outcome: { status: 'success' },
            callback: { variant: 'final', afterMs: null },
          },
        },
      },
      { fromMs: 36 * HOUR, untilMs: null, behaviour: { kind: 'sandbox', scenario: 'pending-forever' } },
    ]);
  });

  test('repeats expand into numbered orders, spaced as asked; amounts become minor units of their currency', () => {
    const s = parseScenario(
      scenario({
        orders: [
          {
            id: 'r',
            merchant: 'shop',
            direction: 'deposit',
            amount: '12.5',
            currency: 'KWD',
            at: '1h',
            repeat: { count: 3, every: '6h' },
          },
        ],
      }),
    );
    expect(s.orders.map((o) => [o.label, o.atMs, o.amountMinor, o.currency])).toEqual([
      ['r#1', HOUR, 12_500, 'KWD'],
      ['r#2', 7 * HOUR, 12_500, 'KWD'],
      ['r#3', 13 * HOUR, 12_500, 'KWD'],
    ]);
  });

  test('every problem is reported with where it is', () => {
    const problems = problemsOf(
      scenario({
        merchants: { shop: { routes: { deposit: ['nowhere'] } } },
        gateways: {
          gw: { down: 'timeout', payments: {} },
          forever: { payments: { pendingFor: 'forever', callback: 'final' } },
          backwards: { timeline: [{ from: '2h', until: '1h', down: 'timeout' }] },
        },
        orders: [
          { id: 'o', merchant: 'ghost', direction: 'deposit', amount: 10.001, callback: 'missing' },
          { id: 'o', merchant: 'shop', direction: 'deposit', amount: 1 },
        ],
        expect: { balances: { ghost: { USD: 1 } } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'merchants.shop.routes.deposit: unknown gateway "nowhere"',
        'gateways.gw: one of down, sandbox, payments, not down and payments',
        'gateways.forever.payments: a payment pending for ever calls back only with callbackAfter',
        'gateways.backwards.timeline.0: until must be after from',
        'orders.0 (o): unknown merchant "ghost"',
        'orders.0 (o): unknown endpoint "missing"',
        'orders.0 (o).amount: amount 10.001 has more than 2 decimal places for USD',
        'orders.1 (o): duplicate order id',
        'expect.balances: unknown merchant "ghost"',
      ]),
    );
  });

  test('schema errors name the field: a bad duration, an unknown key, an unknown code or reason', () => {
    const problems = problemsOf(
      scenario({
        gateways: { gw: { payments: { pendingFor: 'a while', reason: 'NOPE', colour: 'red' } } },
        orders: [{ id: 'o', merchant: 'shop', direction: 'deposit', amount: 10, expect: { codes: ['9.9.9.99'] } }],
      }),
    );
    expect(problems.join('\n')).toMatch(/gateways\.gw\.payments\.pendingFor: .*"a while" is not a duration/);
    expect(problems.join('\n')).toMatch(/gateways\.gw\.payments\.reason: /);
    expect(problems.join('\n')).toMatch(/gateways\.gw\.payments: .*colour/);
    expect(problems.join('\n')).toMatch(/orders\.0\.expect\.codes\.0: not a history code of the catalog/);
  });
});

describe('a gateway script', () => {
  const script: GatewayScript = {
    epochMs: 1_000_000,
    windows: [
      { fromMs: 0, untilMs: 2 * HOUR, behaviour: { kind: 'down', outage: 'connection-refused' } },
      { fromMs: HOUR, untilMs: null, behaviour: { kind: 'sandbox', scenario: 'success' } },
    ],
  };
  const at = (ms: number) => new Date(script.epochMs + ms);

  test('the first window containing the time decides; until is exclusive', () => {
    expect(behaviourAt(script, at(0)).kind).toBe('down');
    expect(behaviourAt(script, at(2 * HOUR - 1)).kind).toBe('down');
    expect(behaviourAt(script, at(2 * HOUR))).toEqual({ kind: 'sandbox', scenario: 'success' });
  });

  test('before t+0, or outside every window, the amount chooses the sandbox scenario', () => {
    expect(behaviourAt(script, at(-1))).toEqual({ kind: 'sandbox', scenario: null });
    expect(behaviourAt({ epochMs: 0, windows: [] }, at(0))).toEqual({ kind: 'sandbox', scenario: null });
  });
});

describe('expectations', () => {
  const entry = (code: string, minutes: number) => ({
    seq: 0,
    code: code as never,
    status: 'Processing' as const,
    at: new Date(Date.UTC(2030, 0, 1) + minutes * MINUTE).toISOString(),
  });
  const state = {
    status: 'Success',
    merchantCallback: { eventId: 'e', attempts: 3, delivered: true },
    history: [entry('1.1.1.00', 0), entry('2.1.2.00', 0), entry('4.1.3.00', 90), entry('1.1.3.84', 90)],
  } as unknown as OrderState;
  const facts = {
    state,
    currency: 'USD' as const,
    postings: [
      ['deposit', 10_000],
      ['commission', -200],
    ] as Array<[string, number]>,
  };

  test('all hold: no failures', () => {
    expect(
      checkOrder(
        {
          status: 'Success',
          codes: ['1.1.1.00', '2.1.2.00', '4.1.3.00', '1.1.3.84'],
          includes: ['1.1.1.00', '1.1.3.84'],
          excludes: ['1.2.4.73'],
          finishedWithinMs: 90 * MINUTE,
          finishedAfterMs: HOUR,
          merchantCallback: { delivered: true, attempts: 3 },
          postingsMinor: { deposit: 10_000, commission: -200 },
        },
        facts,
      ),
    ).toEqual([]);
  });

  test('each one that does not hold says what was found and what was expected', () => {
    expect(
      checkOrder(
        {
          status: 'Failed',
          codes: ['1.1.1.00'],
          includes: ['4.1.3.00', '2.1.2.00'],
          excludes: ['4.1.3.00'],
          finishedWithinMs: HOUR,
          finishedAfterMs: 2 * HOUR,
          merchantCallback: { delivered: false, attempts: 1 },
          postingsMinor: { deposit: 10_000 },
        },
        facts,
      ),
    ).toEqual([
      'status is Success, expected Failed',
      'codes are [1.1.1.00, 2.1.2.00, 4.1.3.00, 1.1.3.84], expected [1.1.1.00]',
      'codes [1.1.1.00, 2.1.2.00, 4.1.3.00, 1.1.3.84] do not include [4.1.3.00, 2.1.2.00] in this order',
      'code 4.1.3.00 is in the history, expected it not to be',
      'finished +0d 01:30:00 after it started, expected within +0d 01:00:00',
      'finished +0d 01:30:00 after it started, expected at least +0d 02:00:00',
      'merchant callback was delivered, expected not delivered',
      'merchant callback took 3 attempt(s), expected 1',
      'ledger commission is -2.00 USD, expected 0.00 USD',
    ]);
  });

  test('includes means in this order, with anything in between', () => {
    expect(isSubsequence(['a', 'c'], ['a', 'b', 'c'])).toBe(true);
    expect(isSubsequence(['c', 'a'], ['a', 'b', 'c'])).toBe(false);
    expect(isSubsequence([], ['a'])).toBe(true);
  });

  test('simulated times print as days and clock time after t+0', () => {
    expect(formatOffset(0)).toBe('+0d 00:00:00');
    expect(formatOffset(3 * 24 * HOUR + HOUR + 51 * MINUTE + 11_150)).toBe('+3d 01:51:11.150');
  });
});
