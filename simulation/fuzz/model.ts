/**
 * Generated gateway behaviour for the property-based simulation (docs/order-lifecycle.md, "Proven by invariants"):
 * what each gateway of an order's route does with creates, status checks and callbacks, and what else happens to
 * the order (a cancellation, a worker that keeps no cache). fast-check generates and shrinks these.
 */
import fc from 'fast-check';
import type { ReasonKey } from '../../domain/history-codes';
import type { Direction } from '../../domain/order';

const HOUR = 3_600_000;

/**
 * What one create does when it reaches the gateway. `*-after` faults happen after the gateway stored the payment
 * (the double-charge traps); `*-before` ones before; `crash-after` makes the activity itself fail after storing,
 * so Temporal retries it.
 */
export type CreateFault =
  'refused' | '5xx-before' | '5xx-after' | 'timeout-before' | 'timeout-after' | 'invalid-after' | 'crash-after';

/** How the gateway tells the engine about the payment's end, besides answering status checks. */
export type CallbackPlan = 'none' | 'at-final' | 'duplicate' | 'late' | 'forged';

/** One gateway of the route. */
export interface GatewayModel {
  /** Faults of the first creates with one idempotency key, in order; later creates get `answer`. */
  createFaults: CreateFault[];
  answer: { kind: 'pending' } | { kind: 'paid-at-once' } | { kind: 'declined'; reason: ReasonKey | null };
  /** How long an accepted payment stays pending; null: it never resolves by itself. */
  pendingMs: number | null;
  final: { kind: 'success'; settledPercent: number } | { kind: 'failed'; reason: ReasonKey | null };
  /** The first status checks fail with a timeout (the gateway's API is down), then answer. */
  failingChecks: number;
  callback: CallbackPlan;
  /** For `late` callbacks: how long after the payment resolved. */
  callbackDelayMs: number;
}

/** One order and everything its world does to it. */
export interface FuzzCase {
  direction: Direction;
  amountMinor: number;
  gateways: GatewayModel[];
  /** Cancel the workflow this long after the order started (Temporal UI's Request Cancellation), or never. */
  cancelAfterMs: number | null;
}

/** A batch of orders run side by side; each closed order's history is then replayed, as a restarted worker would. */
export interface FuzzBatch {
  cases: FuzzCase[];
}

/** A gateway that takes the payment, keeps it pending ten minutes and pays it: examples override what they test. */
export const gatewayModel = (model: Partial<GatewayModel> = {}): GatewayModel => ({
  createFaults: [],
  answer: { kind: 'pending' },
  pendingMs: 10 * 60_000,
  final: { kind: 'success', settledPercent: 100 },
  failingChecks: 0,
  callback: 'none',
  callbackDelayMs: 0,
  ...model,
});

const DECLINE_REASONS: Array<ReasonKey | null> = [
  null,
  'BUSINESS.LIMIT',
  'ISSUER.INSUFFICIENT_FUNDS',
  'RISK.ANTIFRAUD_HARD',
  'ISSUER.CARD_NOT_SUPPORTED',
  'AUTHZ.401_UNAUTHORIZED',
];

const declineReasonArb = fc.constantFrom(...DECLINE_REASONS);

const duration = (maxHours: number) => fc.integer({ min: 0, max: maxHours * HOUR });

export const gatewayModelArb: fc.Arbitrary<GatewayModel> = fc.record({
  createFaults: fc.array(
    fc.constantFrom<CreateFault>(
      'refused',
      '5xx-before',
      '5xx-after',
      'timeout-before',
      'timeout-after',
      'invalid-after',
      'crash-after',
    ),
    { maxLength: 3 },
  ),
  // Records and constants only (no `.map`), so fast-check can shrink a failing case it is handed back as an example.
  answer: fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('pending' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('paid-at-once' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('declined' as const), reason: declineReasonArb }) },
  ),
  // Around the 24-hour deadline on purpose: before it, across it, far past it, never.
  pendingMs: fc.oneof(
    { weight: 4, arbitrary: duration(2) },
    { weight: 2, arbitrary: fc.integer({ min: 20 * HOUR, max: 30 * HOUR }) },
    { weight: 1, arbitrary: fc.integer({ min: 30 * HOUR, max: 60 * HOUR }) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  final: fc.oneof(
    {
      weight: 3,
      // Updates within the sandbox PSP's 10% tolerance; answers beyond it are refused (4.2.2.14, 5.2.2.17) and left
      // to an operator, which the example tests cover (test/workflows/order-money-and-callbacks.test.ts).
      arbitrary: fc.record({
        kind: fc.constant('success' as const),
        settledPercent: fc.oneof(
          { weight: 4, arbitrary: fc.constant(100) },
          { weight: 1, arbitrary: fc.integer({ min: 90, max: 99 }) },
        ),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('failed' as const), reason: declineReasonArb }) },
  ),
  failingChecks: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) },
  ),
  callback: fc.constantFrom<CallbackPlan>('none', 'at-final', 'duplicate', 'late', 'forged'),
  callbackDelayMs: duration(48),
});

export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = fc.record({
  direction: fc.constantFrom<Direction>('deposit', 'payout'),
  amountMinor: fc.integer({ min: 1_00, max: 5_000_00 }),
  gateways: fc.array(gatewayModelArb, { minLength: 1, maxLength: 3 }),
  cancelAfterMs: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: duration(30) }),
});

export const fuzzBatchArb = (size: number): fc.Arbitrary<FuzzBatch> =>
  fc.record({ cases: fc.array(fuzzCaseArb, { minLength: size, maxLength: size }) });
