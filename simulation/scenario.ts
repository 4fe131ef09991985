/**
 * The scenario format of `npm run simulate` (docs/simulation.md): merchants, routes, sandbox gateways and merchant
 * callback endpoints whose behaviour changes over simulated time, orders, and what is expected. YAML or JSON,
 * validated with zod; times are Temporal durations (`90s`, `40m`, `2h`, `1.5d`) after the simulation's start.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { msToNumber } from '@temporalio/common/lib/time';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isHistoryCode, REASONS, type ReasonKey } from '../domain/history-codes';
import type { Direction } from '../domain/order';
import { CURRENCY_EXPONENTS, isCurrency, toMinorUnits, type Currency } from '../domain/money';
import type { GatewayBehaviour, PaymentScript, ScriptWindow } from '../gateways/scripted/script';
import { SANDBOX_SCENARIOS } from '../gateways/sandbox/scenarios';

const DIRECTIONS = ['deposit', 'payout'] as const;

const Duration = z.union([z.string(), z.number().nonnegative()]).transform((value, ctx) => parseDuration(value, ctx));
/** A duration, or `forever` (null). */
const DurationOrForever = z
  .union([z.string(), z.number().nonnegative()])
  .transform((value, ctx) => (value === 'forever' ? null : parseDuration(value, ctx)));

function parseDuration(value: string | number, ctx: z.RefinementCtx): number {
  try {
    const ms = typeof value === 'number' ? value * 1000 : msToNumber(value as Parameters<typeof msToNumber>[0]);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 90s, 40m, 2h or 1.5d` });
  return z.NEVER;
}

const CurrencyCode = z
  .string()
  .refine((code: string): boolean => isCurrency(code), { message: 'not a currency the engine accepts' });
const Amount = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]);
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
const reasonKeys = Object.values(REASONS).map((r) => r.key) as [ReasonKey, ...ReasonKey[]];
const Reason = z.enum(reasonKeys).nullable();
const Code = z.string().refine(isHistoryCode, { message: 'not a history code of the catalog' });

const Payments = z
  .object({
    create: z.enum(['pending', 'paid', 'declined']).default('pending'),
    declineReason: Reason.default(null),
    pendingFor: DurationOrForever.default(0),
    then: z.enum(['success', 'failed']).default('success'),
    reason: Reason.default(null),
    settledPercent: z.number().positive().max(100).optional(),
    callback: z.enum(['none', 'final', 'invalid-signature', 'invalid-payload']).default('none'),
    callbackAfter: Duration.optional(),
  })
  .strict();

const sandboxNames = SANDBOX_SCENARIOS.map((s) => s.name) as [string, ...string[]];
/** One behaviour: exactly one of `down`, `sandbox`, `payments`. */
const BehaviourFields = {
  down: z.enum(['connection-refused', 'server-unavailable', 'timeout']).optional(),
  sandbox: z.enum(['by-amount', ...sandboxNames]).optional(),
  payments: Payments.optional(),
};
const GatewayWindow = z.object({ from: Duration.optional(), until: Duration.optional(), ...BehaviourFields }).strict();
const Gateway = z
  .object({ ...BehaviourFields, timeline: z.array(GatewayWindow).optional(), callbackSecret: z.string().optional() })
  .strict();

const Respond = z.union([z.number().int().min(200).max(599), z.literal('drop')]);
const EndpointWindow = z.object({ from: Duration.optional(), until: Duration.optional(), respond: Respond }).strict();
const Endpoint = z.object({ respond: Respond.optional(), timeline: z.array(EndpointWindow).optional() }).strict();

const Commission = z
  .object({
    percent: z.number().min(0).max(100).default(0),
    fixed: Amount.default(0),
    currency: CurrencyCode.optional(),
  })
  .strict();
const Merchant = z
  .object({
    balances: z.record(CurrencyCode, Amount).default({}),
    commissions: z.object({ deposit: Commission.optional(), payout: Commission.optional() }).strict().default({}),
    routes: z
      .object({ deposit: z.array(Name).default([]), payout: z.array(Name).default([]) })
      .strict()
      .default({ deposit: [], payout: [] }),
  })
  .strict();

const OrderExpect = z
  .object({
    status: z.enum(['Success', 'Failed']).optional(),
    codes: z.array(Code).optional(),
    includes: z.array(Code).optional(),
    excludes: z.array(Code).optional(),
    finishedWithin: Duration.optional(),
    finishedAfter: Duration.optional(),
    merchantCallback: z
      .object({ delivered: z.boolean().optional(), attempts: z.number().int().nonnegative().optional() })
      .strict()
      .optional(),
    postings: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  })
  .strict();

const Order = z
  .object({
    id: Name,
    merchant: Name,
    direction: z.enum(DIRECTIONS),
    amount: Amount,
    currency: CurrencyCode.default('USD'),
    at: Duration.default(0),
    callback: Name.optional(),
    repeat: z
      .object({ count: z.number().int().min(1).max(500), every: Duration })
      .strict()
      .optional(),
    expect: OrderExpect.default({}),
  })
  .strict();

const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    merchants: z.record(Name, Merchant),
    gateways: z.record(Name, Gateway).default({}),
    endpoints: z.record(Name, Endpoint).default({}),
    orders: z.array(Order).min(1),
    expect: z
      .object({
        balances: z.record(Name, z.record(CurrencyCode, z.union([z.number(), z.string()]))).optional(),
        endpoints: z.record(Name, z.object({ received: z.number().int().nonnegative() }).strict()).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

type RawScenario = z.infer<typeof ScenarioSchema>;

/** What an endpoint answers: an HTTP status, or `drop` (the connection is closed without an answer). */
export type EndpointAnswer = number | 'drop';

/** Expectations of one order, amounts in minor units. */
export interface OrderExpectations {
  status?: 'Success' | 'Failed';
  codes?: string[];
  includes?: string[];
  excludes?: string[];
  finishedWithinMs?: number;
  finishedAfterMs?: number;
  merchantCallback?: { delivered?: boolean; attempts?: number };
  /** Sum of the order's ledger postings per kind (`deposit`, `commission`, `payout`), minor units. */
  postingsMinor?: Record<string, number>;
}

/** One order to start, repeats expanded. */
export interface PlannedOrder {
  /** `id`, or `id#n` for the n-th repeat. */
  label: string;
  merchant: string;
  direction: Direction;
  amountMinor: number;
  currency: Currency;
  atMs: number;
  callback?: string;
  expect: OrderExpectations;
}

/** A scenario, validated and in engine units (ms after t+0, minor units). */
export interface Scenario {
  name: string;
  description?: string;
  /** Where it was read from, when it came from a file. */
  file?: string;
  merchants: Array<{
    name: string;
    balancesMinor: Partial<Record<Currency, number>>;
    commissions: Partial<Record<Direction, { percent: number; fixedMinor: number; currency: Currency | null }>>;
    routes: Record<Direction, string[]>;
  }>;
  gateways: Array<{ name: string; windows: ScriptWindow[]; callbackSecret?: string }>;
  endpoints: Array<{
    name: string;
    windows: Array<{ fromMs: number; untilMs: number | null; respond: EndpointAnswer }>;
  }>;
  orders: PlannedOrder[];
  expect: {
    balancesMinor: Array<{ merchant: string; currency: Currency; minor: number }>;
    endpoints: Array<{ endpoint: string; received: number }>;
  };
}

/** A scenario that does not validate: every problem, each with where it is. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates a scenario file (.yaml, .yml or .json). */
export async function loadScenario(file: string): Promise<Scenario> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`]);
  }
  return { ...parseScenario(data, file), file: path.resolve(file) };
}

/** Validates a scenario already parsed from YAML or JSON. */
export function parseScenario(data: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScenarioError(
      source,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`),
    );
  }
  const problems: string[] = [];
  const scenario = normalize(parsed.data, problems);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return scenario;
}

function normalize(raw: RawScenario, problems: string[]): Scenario {
  const minor = (amount: number | string, currency: Currency, where: string): number => {
    try {
      return toMinorUnits(amount, currency);
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      return 0;
    }
  };
  /** Signed amounts (postings, balances) in major units. */
  const signedMinor = (amount: number | string, currency: Currency, where: string): number => {
    const text = String(amount).trim();
    const negative = text.startsWith('-');
    const value = minor(negative ? text.slice(1) : text, currency, where);
    return negative ? -value : value;
  };

  const merchants = Object.entries(raw.merchants).map(([name, m]) => {
    for (const direction of DIRECTIONS) {
      for (const gateway of m.routes[direction]) {
        if (!raw.gateways[gateway]) {
          problems.push(`merchants.${name}.routes.${direction}: unknown gateway "${gateway}"`);
        }
      }
    }
    const commissions: Scenario['merchants'][number]['commissions'] = {};
    for (const direction of DIRECTIONS) {
      const c = m.commissions[direction];
      if (!c) continue;
      const currency = (c.currency ?? 'USD') as Currency;
      commissions[direction] = {
        percent: c.percent,
        fixedMinor: minor(c.fixed, currency, `merchants.${name}.commissions.${direction}.fixed`),
        currency: (c.currency as Currency | undefined) ?? null,
      };
    }
    return {
      name,
      balancesMinor: Object.fromEntries(
        Object.entries(m.balances).map(([cur, amount]) => [
          cur,
          minor(amount, cur as Currency, `merchants.${name}.balances.${cur}`),
        ]),
      ),
      commissions,
      routes: m.routes,
    };
  });

  const gateways = Object.entries(raw.gateways).map(([name, g]) => {
    const windows: ScriptWindow[] = [];
    const own = behaviourOf(g, `gateways.${name}`, problems);
    if (own && g.timeline) problems.push(`gateways.${name}: give a behaviour or a timeline, not both`);
    if (own) windows.push({ fromMs: 0, untilMs: null, behaviour: own });
    for (const [i, w] of (g.timeline ?? []).entries()) {
      const where = `gateways.${name}.timeline.${i}`;
      const behaviour = behaviourOf(w, where, problems);
      if (!behaviour) problems.push(`${where}: needs one of down, sandbox, payments`);
      else windows.push({ ...spanOf(w, where, problems), behaviour });
    }
    return { name, windows, ...(g.callbackSecret ? { callbackSecret: g.callbackSecret } : {}) };
  });

  const endpoints = Object.entries(raw.endpoints).map(([name, e]) => {
    const windows: Scenario['endpoints'][number]['windows'] = [];
    if (e.respond !== undefined && e.timeline) problems.push(`endpoints.${name}: give respond or a timeline, not both`);
    if (e.respond !== undefined) windows.push({ fromMs: 0, untilMs: null, respond: e.respond });
    for (const [i, w] of (e.timeline ?? []).entries()) {
      windows.push({ ...spanOf(w, `endpoints.${name}.timeline.${i}`, problems), respond: w.respond });
    }
    return { name, windows };
  });

  const orders: PlannedOrder[] = [];
  const labels = new Set<string>();
  for (const [i, o] of raw.orders.entries()) {
    const where = `orders.${i} (${o.id})`;
    if (labels.has(o.id)) problems.push(`${where}: duplicate order id`);
    labels.add(o.id);
    if (!raw.merchants[o.merchant]) problems.push(`${where}: unknown merchant "${o.merchant}"`);
    if (o.callback && !raw.endpoints[o.callback]) problems.push(`${where}: unknown endpoint "${o.callback}"`);
    const currency = o.currency as Currency;
    const amountMinor = minor(o.amount, currency, `${where}.amount`);
    const e = o.expect;
    const expect: OrderExpectations = {
      ...(e.status ? { status: e.status } : {}),
      ...(e.codes ? { codes: e.codes } : {}),
      ...(e.includes ? { includes: e.includes } : {}),
      ...(e.excludes ? { excludes: e.excludes } : {}),
      ...(e.finishedWithin !== undefined ? { finishedWithinMs: e.finishedWithin } : {}),
      ...(e.finishedAfter !== undefined ? { finishedAfterMs: e.finishedAfter } : {}),
      ...(e.merchantCallback ? { merchantCallback: e.merchantCallback } : {}),
      ...(e.postings
        ? {
            postingsMinor: Object.fromEntries(
              Object.entries(e.postings).map(([kind, a]) => [
                kind,
                signedMinor(a, currency, `${where}.expect.postings.${kind}`),
              ]),
            ),
          }
        : {}),
    };
    const count = o.repeat?.count ?? 1;
    for (let n = 0; n < count; n++) {
      orders.push({
        label: count === 1 ? o.id : `${o.id}#${n + 1}`,
        merchant: o.merchant,
        direction: o.direction,
        amountMinor,
        currency,
        atMs: o.at + n * (o.repeat?.every ?? 0),
        ...(o.callback ? { callback: o.callback } : {}),
        expect,
      });
    }
  }

  const balancesMinor: Scenario['expect']['balancesMinor'] = [];
  for (const [merchant, byCurrency] of Object.entries(raw.expect.balances ?? {})) {
    if (!raw.merchants[merchant]) problems.push(`expect.balances: unknown merchant "${merchant}"`);
    for (const [cur, amount] of Object.entries(byCurrency)) {
      const currency = cur as Currency;
      balancesMinor.push({ merchant, currency, minor: signedMinor(amount, currency, `expect.balances.${merchant}`) });
    }
  }
  const expectedEndpoints = Object.entries(raw.expect.endpoints ?? {}).map(([endpoint, e]) => {
    if (!raw.endpoints[endpoint]) problems.push(`expect.endpoints: unknown endpoint "${endpoint}"`);
    return { endpoint, received: e.received };
  });

  return {
    name: raw.name,
    ...(raw.description ? { description: raw.description.trim() } : {}),
    merchants,
    gateways,
    endpoints,
    orders,
    expect: { balancesMinor, endpoints: expectedEndpoints },
  };
}

/** A window's span in ms after t+0; open-ended without `until`. */
function spanOf(w: { from?: number; until?: number }, where: string, problems: string[]) {
  const fromMs = w.from ?? 0;
  const untilMs = w.until ?? null;
  if (untilMs !== null && untilMs <= fromMs) problems.push(`${where}: until must be after from`);
  return { fromMs, untilMs };
}

function behaviourOf(
  b: { down?: GatewayBehaviourDown; sandbox?: string; payments?: z.infer<typeof Payments> },
  where: string,
  problems: string[],
): GatewayBehaviour | undefined {
  const given = (['down', 'sandbox', 'payments'] as const).filter((k) => b[k] !== undefined);
  if (given.length > 1) problems.push(`${where}: one of down, sandbox, payments, not ${given.join(' and ')}`);
  if (b.down) return { kind: 'down', outage: b.down };
  if (b.sandbox) return { kind: 'sandbox', scenario: b.sandbox === 'by-amount' ? null : b.sandbox };
  if (b.payments) return { kind: 'payments', payment: paymentScriptOf(b.payments, where, problems) };
  return undefined;
}

type GatewayBehaviourDown = 'connection-refused' | 'server-unavailable' | 'timeout';

function paymentScriptOf(p: z.infer<typeof Payments>, where: string, problems: string[]): PaymentScript {
  const pendingForMs = p.pendingFor;
  if (p.callback !== 'none' && pendingForMs === null && p.callbackAfter === undefined) {
    problems.push(`${where}.payments: a payment pending for ever calls back only with callbackAfter`);
  }
  if (p.then === 'success' && p.reason !== null) problems.push(`${where}.payments: reason is for then: failed`);
  if (p.then === 'failed' && p.settledPercent !== undefined) {
    problems.push(`${where}.payments: settledPercent is for then: success`);
  }
  return {
    create: p.create,
    declineReason: p.declineReason,
    pendingForMs,
    outcome:
      p.then === 'success'
        ? { status: 'success', ...(p.settledPercent !== undefined ? { settledPercent: p.settledPercent } : {}) }
        : { status: 'failed', reason: p.reason },
    callback: p.callback === 'none' ? null : { variant: p.callback, afterMs: p.callbackAfter ?? null },
  };
}

/** Major units of a minor amount, for printing. */
export function formatAmount(minor: number, currency: Currency): string {
  const exponent = CURRENCY_EXPONENTS[currency];
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** exponent);
  const fraction = exponent ? `.${String(abs % 10 ** exponent).padStart(exponent, '0')}` : '';
  return `${sign}${whole}${fraction} ${currency}`;
}
