import type { HistoryCode, ReasonKey } from '../../domain/history-codes';

/**
 * The sandbox gateways' behaviour is chosen by test data, like PSPs' test cards: the last two digits of the amount
 * in minor units pick a scenario (100.00 USD → 00, 100.01 USD → 01). The in-process sandbox connector and the HTTP
 * simulator both read this table; docs/sandbox.md renders it. Decisions live here as data, not in the connectors.
 */

/** A technical fault of a create. Whether the gateway kept the payment decides whether it is ambiguous. */
export type CreateFault =
  | 'connection-refused'
  | 'server-unavailable'
  | 'timeout-before-create'
  | 'timeout-after-create'
  | 'connection-lost-after-create'
  | 'invalid-response';

/** Per create fault: did the gateway store the payment, and what a connector reports for it. */
export const CREATE_FAULTS: Readonly<Record<CreateFault, { stored: boolean; code: HistoryCode; ambiguous: boolean }>> =
  {
    'connection-refused': { stored: false, code: '2.2.4.12', ambiguous: false },
    'server-unavailable': { stored: false, code: '2.2.4.13', ambiguous: false },
    'timeout-before-create': { stored: false, code: '2.0.2.11', ambiguous: true },
    'timeout-after-create': { stored: true, code: '2.0.2.11', ambiguous: true },
    'connection-lost-after-create': { stored: true, code: '2.0.2.11', ambiguous: true },
    'invalid-response': { stored: true, code: '2.0.2.14', ambiguous: true },
  };

/** A technical fault of a status check; the payment's state is unknown and polling goes on. */
export type CheckFault =
  'timeout' | 'connection-fail' | 'server-unavailable' | 'invalid-response' | 'unauthorized' | 'forbidden';

/** The code a connector reports for each status-check fault. */
export const CHECK_FAULTS: Readonly<Record<CheckFault, HistoryCode>> = {
  timeout: '4.2.2.11',
  'connection-fail': '4.2.2.12',
  'server-unavailable': '4.2.2.13',
  'invalid-response': '4.2.2.14',
  unauthorized: '4.2.2.21',
  forbidden: '4.2.2.22',
};

/**
 * The answer to a create. `fault` repeats for the first `times` creates with one idempotency key (or always), and
 * the create after that is accepted as pending, so transient faults clear deterministically.
 */
export type CreateBehaviour =
  | { answer: 'pending' }
  | { answer: 'success' }
  | { answer: 'declined'; reason: ReasonKey | null }
  | { answer: 'fault'; fault: CreateFault; times: number | 'always' };

/** Where an accepted payment ends up once its pending time is over. */
export type FinalOutcome =
  /** `settledPercent`: the gateway settles this share of the requested amount (an amount update). */
  { status: 'success'; settledPercent?: number } | { status: 'failed'; reason: ReasonKey | null };

/** The callback a gateway sends when the payment resolves: the final state, signed or broken on purpose. */
export type CallbackBehaviour = 'final' | 'invalid-signature' | 'invalid-payload';

/** One row of the table. */
export interface SandboxScenario {
  /** Last two digits of the amount in minor units. */
  selector: string;
  name: string;
  /** What happens, in a sentence, for docs/sandbox.md. */
  summary: string;
  create: CreateBehaviour;
  /** How long an accepted payment stays pending, on the caller's clock; null: it never resolves. */
  pendingForMs: number | null;
  final: FinalOutcome;
  /** The first `times` status checks of the payment fail with this fault, then checks answer normally. */
  checkFault?: { fault: CheckFault; times: number };
  /** Set when the gateway calls back at resolution. */
  callback?: CallbackBehaviour;
}

const MINUTE = 60_000;
const PENDING = { answer: 'pending' } as const;
const SUCCESS = { status: 'success' } as const;
const failed = (reason: ReasonKey | null): FinalOutcome => ({ status: 'failed', reason });
const declined = (reason: ReasonKey | null): CreateBehaviour => ({ answer: 'declined', reason });

/** Every scenario; amounts whose last two digits are not listed behave like `success` (00). */
export const SANDBOX_SCENARIOS: readonly SandboxScenario[] = [
  // 0x: accepted as pending, resolved by status checks.
  {
    selector: '00',
    name: 'success',
    summary: 'accepted as pending; the first status check says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '01',
    name: 'pending-90m-then-success',
    summary: 'pending for 90 minutes, then paid',
    create: PENDING,
    pendingForMs: 90 * MINUTE,
    final: SUCCESS,
  },
  {
    selector: '02',
    name: 'declined-insufficient-funds',
    summary: 'accepted; the first status check says declined by the issuer, no funds',
    create: PENDING,
    pendingForMs: 0,
    final: failed('ISSUER.INSUFFICIENT_FUNDS'),
  },
  {
    selector: '03',
    name: 'pending-then-declined',
    summary: 'pending for 10 minutes, then declined with no reason',
    create: PENDING,
    pendingForMs: 10 * MINUTE,
    final: failed(null),
  },
  {
    selector: '04',
    name: 'pending-then-antifraud',
    summary: 'pending for 10 minutes, then declined by antifraud',
    create: PENDING,
    pendingForMs: 10 * MINUTE,
    final: failed('RISK.ANTIFRAUD_HARD'),
  },
  {
    selector: '05',
    name: 'pending-then-card-blocked',
    summary: 'pending for 10 minutes, then declined: card blocked',
    create: PENDING,
    pendingForMs: 10 * MINUTE,
    final: failed('ISSUER.CARD_BLOCKED'),
  },
  {
    selector: '06',
    name: 'pending-then-card-not-supported',
    summary: 'pending for 10 minutes, then declined: card not supported',
    create: PENDING,
    pendingForMs: 10 * MINUTE,
    final: failed('ISSUER.CARD_NOT_SUPPORTED'),
  },
  {
    selector: '07',
    name: 'pending-40m-then-success',
    summary: 'pending for 40 minutes, then paid',
    create: PENDING,
    pendingForMs: 40 * MINUTE,
    final: SUCCESS,
  },
  {
    selector: '08',
    name: 'pending-forever',
    summary: 'pending for ever: only the order deadline ends it',
    create: PENDING,
    pendingForMs: null,
    final: SUCCESS,
  },
  {
    selector: '09',
    name: 'success-at-create',
    summary: 'paid in the answer to the create (synchronous H2H)',
    create: { answer: 'success' },
    pendingForMs: 0,
    final: SUCCESS,
  },

  // 1x: the create answer itself; where it can, the selector is the RR of the create code.
  {
    selector: '10',
    name: 'create-declined',
    summary: 'create declined with no reason',
    create: declined(null),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '11',
    name: 'timeout-after-create',
    summary: 'the first create times out after the gateway stored it; a check by key finds it paid',
    create: { answer: 'fault', fault: 'timeout-after-create', times: 1 },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '12',
    name: 'connection-fail-transient',
    summary: 'the first 2 creates per key cannot connect; the 3rd is accepted, then paid',
    create: { answer: 'fault', fault: 'connection-refused', times: 2 },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '13',
    name: 'server-unavailable-transient',
    summary: 'the first 2 creates per key get a 503; the 3rd is accepted, then paid',
    create: { answer: 'fault', fault: 'server-unavailable', times: 2 },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '14',
    name: 'invalid-response',
    summary: 'the first create is stored but its answer is unreadable; a check by key finds it paid',
    create: { answer: 'fault', fault: 'invalid-response', times: 1 },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '15',
    name: 'create-declined-invalid-request',
    summary: 'create rejected as an invalid request',
    create: declined('TECH.INVALID_REQUEST'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '16',
    name: 'timeout-before-create',
    summary: 'the first create times out before the gateway stored it; a check by key finds nothing',
    create: { answer: 'fault', fault: 'timeout-before-create', times: 1 },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '17',
    name: 'connection-fail-always',
    summary: 'every create cannot connect',
    create: { answer: 'fault', fault: 'connection-refused', times: 'always' },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '18',
    name: 'server-unavailable-always',
    summary: 'every create gets a 503',
    create: { answer: 'fault', fault: 'server-unavailable', times: 'always' },
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '19',
    name: 'connection-lost-after-create',
    summary: 'the first create is stored, then the connection drops; a check by key finds it pending, paid at 10 min',
    create: { answer: 'fault', fault: 'connection-lost-after-create', times: 1 },
    pendingForMs: 10 * MINUTE,
    final: SUCCESS,
  },

  // 2x–6x: create declined; the selector is the RR of the code.
  {
    selector: '21',
    name: 'create-unauthorized',
    summary: 'create refused: 401',
    create: declined('AUTHZ.401_UNAUTHORIZED'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '22',
    name: 'create-forbidden',
    summary: 'create refused: 403',
    create: declined('AUTHZ.403_FORBIDDEN'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '31',
    name: 'create-declined-balance',
    summary: 'create declined: insufficient balance',
    create: declined('BUSINESS.BALANCE'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '32',
    name: 'create-declined-limit',
    summary: 'create declined: limit exceeded',
    create: declined('BUSINESS.LIMIT'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '33',
    name: 'create-declined-currency',
    summary: 'create declined: GEO / currency / MCC not allowed',
    create: declined('BUSINESS.CURRENCY'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '41',
    name: 'create-declined-antifraud',
    summary: 'create declined by antifraud',
    create: declined('RISK.ANTIFRAUD_HARD'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '61',
    name: 'create-declined-card-blocked',
    summary: 'create declined: card blocked',
    create: declined('ISSUER.CARD_BLOCKED'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '62',
    name: 'create-declined-card-not-supported',
    summary: 'create declined: card not supported',
    create: declined('ISSUER.CARD_NOT_SUPPORTED'),
    pendingForMs: 0,
    final: SUCCESS,
  },
  {
    selector: '63',
    name: 'create-declined-insufficient-funds',
    summary: 'create declined: insufficient funds',
    create: declined('ISSUER.INSUFFICIENT_FUNDS'),
    pendingForMs: 0,
    final: SUCCESS,
  },

  // 5x: status checks that fail technically twice, then answer.
  {
    selector: '51',
    name: 'check-server-unavailable',
    summary: 'accepted; the first 2 status checks get a 503, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'server-unavailable', times: 2 },
  },
  {
    selector: '52',
    name: 'check-unauthorized',
    summary: 'accepted; the first 2 status checks get a 401, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'unauthorized', times: 2 },
  },
  {
    selector: '53',
    name: 'check-forbidden',
    summary: 'accepted; the first 2 status checks get a 403, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'forbidden', times: 2 },
  },
  {
    selector: '54',
    name: 'check-timeout',
    summary: 'accepted; the first 2 status checks time out, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'timeout', times: 2 },
  },
  {
    selector: '55',
    name: 'check-connection-fail',
    summary: 'accepted; the first 2 status checks lose the connection, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'connection-fail', times: 2 },
  },
  {
    selector: '56',
    name: 'check-invalid-response',
    summary: 'accepted; the first 2 status checks are unreadable, the 3rd says paid',
    create: PENDING,
    pendingForMs: 0,
    final: SUCCESS,
    checkFault: { fault: 'invalid-response', times: 2 },
  },

  // 7x: the gateway calls back when the payment resolves, 30 minutes after it was accepted.
  {
    selector: '70',
    name: 'callback-success',
    summary: 'pending for 30 minutes, then paid; a signed success callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: SUCCESS,
    callback: 'final',
  },
  {
    selector: '71',
    name: 'callback-invalid-signature',
    summary: 'pending for 30 minutes, then paid; the callback signature does not verify',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: SUCCESS,
    callback: 'invalid-signature',
  },
  {
    selector: '72',
    name: 'callback-invalid-payload',
    summary: 'pending for 30 minutes, then paid; the signed callback body is malformed',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: SUCCESS,
    callback: 'invalid-payload',
  },
  {
    selector: '73',
    name: 'callback-amount-updated',
    summary: 'pending for 30 minutes, then paid 90% of the amount; the callback says so',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: { status: 'success', settledPercent: 90 },
    callback: 'final',
  },
  {
    selector: '74',
    name: 'callback-failed',
    summary: 'pending for 30 minutes, then declined with no reason; a signed failure callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: failed(null),
    callback: 'final',
  },
  {
    selector: '75',
    name: 'callback-failed-antifraud',
    summary: 'pending for 30 minutes, then declined by antifraud; a signed failure callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: failed('RISK.ANTIFRAUD_HARD'),
    callback: 'final',
  },
  {
    selector: '76',
    name: 'callback-failed-card-blocked',
    summary: 'pending for 30 minutes, then declined: card blocked; a signed failure callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: failed('ISSUER.CARD_BLOCKED'),
    callback: 'final',
  },
  {
    selector: '77',
    name: 'callback-failed-card-not-supported',
    summary: 'pending for 30 minutes, then declined: card not supported; a signed failure callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: failed('ISSUER.CARD_NOT_SUPPORTED'),
    callback: 'final',
  },
  {
    selector: '78',
    name: 'callback-failed-insufficient-funds',
    summary: 'pending for 30 minutes, then declined: insufficient funds; a signed failure callback',
    create: PENDING,
    pendingForMs: 30 * MINUTE,
    final: failed('ISSUER.INSUFFICIENT_FUNDS'),
    callback: 'final',
  },
];

const DEFAULT_SCENARIO = SANDBOX_SCENARIOS[0]!;

/** The selector of an amount: its last two digits in minor units. */
export const selectorOf = (amountMinor: number): string => String(Math.abs(amountMinor) % 100).padStart(2, '0');

/** The scenario an amount selects. */
export function scenarioFor(amountMinor: number): SandboxScenario {
  const selector = selectorOf(amountMinor);
  return SANDBOX_SCENARIOS.find((s) => s.selector === selector) ?? DEFAULT_SCENARIO;
}

/** The scenario with this name; throws for a name the table lacks (stored rows always carry a valid one). */
export function scenarioNamed(name: string): SandboxScenario {
  const found = SANDBOX_SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown sandbox scenario ${name}`);
  return found;
}

/** Whether the create number `attempt` (1-based, per idempotency key) of this scenario hits its fault. */
export function createFaultAt(scenario: SandboxScenario, attempt: number): CreateFault | undefined {
  const c = scenario.create;
  if (c.answer !== 'fault') return undefined;
  return c.times === 'always' || attempt <= c.times ? c.fault : undefined;
}

/** Whether the status check number `check` (1-based, per payment) of this scenario hits its fault. */
export function checkFaultAt(scenario: SandboxScenario, check: number): CheckFault | undefined {
  return scenario.checkFault && check <= scenario.checkFault.times ? scenario.checkFault.fault : undefined;
}

/** The amount the gateway settles for a payment of this scenario. */
export function settledAmount(scenario: SandboxScenario, requestedMinor: number): number {
  const percent = scenario.final.status === 'success' ? scenario.final.settledPercent : undefined;
  return percent === undefined ? requestedMinor : Math.floor((requestedMinor * percent) / 100);
}

/** When a payment created at `createdAt` resolves; null when it never does. */
export function resolvesAt(scenario: SandboxScenario, createdAt: Date): Date | null {
  return scenario.pendingForMs === null ? null : new Date(createdAt.getTime() + scenario.pendingForMs);
}
