import { z } from 'zod';
import type {
  CallbackClaim,
  AmountUpdatePolicy,
  CallbackVerification,
  CreateOutcome,
  StatusOutcome,
} from '../../domain/gateway-contract';
import { CODES, type ReasonKey } from '../../domain/history-codes';
import { callbackFailedCode, checkFailedCode, createDeclinedCode } from '../codes';
import { settledAmount, type SandboxScenario } from './scenarios';

/**
 * The sandbox PSP's own vocabulary — how it shows a payment and names a failure — shared by the in-process sandbox,
 * the HTTP simulator (its API and callbacks) and the HTTP connector. Mapping this vocabulary to history codes is
 * the connectors' job, done once here so both connectors classify every answer the same way.
 */

/** The PSP's failure codes and the catalog reason each stands for. */
export const FAILURE_CODES = {
  declined: null,
  invalid_request: 'TECH.INVALID_REQUEST',
  unauthorized: 'AUTHZ.401_UNAUTHORIZED',
  forbidden: 'AUTHZ.403_FORBIDDEN',
  insufficient_balance: 'BUSINESS.BALANCE',
  limit_exceeded: 'BUSINESS.LIMIT',
  currency_not_allowed: 'BUSINESS.CURRENCY',
  fraud_suspected: 'RISK.ANTIFRAUD_HARD',
  card_blocked: 'ISSUER.CARD_BLOCKED',
  card_not_supported: 'ISSUER.CARD_NOT_SUPPORTED',
  insufficient_funds: 'ISSUER.INSUFFICIENT_FUNDS',
} as const satisfies Record<string, ReasonKey | null>;

/** A failure code of the PSP. */
export type FailureCode = keyof typeof FAILURE_CODES;

/** The PSP's failure code for a catalog reason. */
export function failureCodeOf(reason: ReasonKey | null): FailureCode {
  const entry = Object.entries(FAILURE_CODES).find(([, r]) => r === reason);
  return (entry?.[0] as FailureCode | undefined) ?? 'declined';
}

/** The catalog reason of a PSP failure code; a code the PSP added since is a decline with no known reason. */
export function reasonOf(code: string | undefined): ReasonKey | null {
  return code !== undefined && Object.hasOwn(FAILURE_CODES, code) ? FAILURE_CODES[code as FailureCode] : null;
}

/** A payment as the PSP shows it: in API answers and in callbacks. Amounts in minor units. */
export const PaymentViewSchema = z.object({
  id: z.string().min(1),
  idempotencyKey: z.string().min(1),
  status: z.enum(['pending', 'succeeded', 'failed']),
  /** What the PSP charged or will charge; differs from `requestedAmount` after an amount update. */
  amount: z.number().int().nonnegative(),
  requestedAmount: z.number().int().positive(),
  currency: z.string().length(3),
  failureCode: z.string().optional(),
});

/** A payment as the PSP shows it. */
export type PaymentView = z.infer<typeof PaymentViewSchema>;

/** What the PSP stored about a payment. */
export interface StoredPayment {
  id: string;
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
}

/** The PSP's view of a payment of `scenario` in the given state. */
export function paymentView(p: StoredPayment, scenario: SandboxScenario, state: 'pending' | 'final'): PaymentView {
  const base = { id: p.id, idempotencyKey: p.idempotencyKey, requestedAmount: p.amountMinor, currency: p.currency };
  if (state === 'pending') return { ...base, status: 'pending', amount: p.amountMinor };
  const { final } = scenario;
  return final.status === 'success'
    ? { ...base, status: 'succeeded', amount: settledAmount(scenario, p.amountMinor) }
    : { ...base, status: 'failed', amount: p.amountMinor, failureCode: failureCodeOf(final.reason) };
}

/** The view the PSP answers a create with: pending, or paid at once for a synchronous scenario. */
export const createAnswerView = (p: StoredPayment, scenario: SandboxScenario): PaymentView =>
  paymentView(p, scenario, scenario.create.answer === 'success' ? 'final' : 'pending');

/** The sandbox PSP's API settles card and p2p payments for up to 10% less or more; token charges are exact. */
export const SANDBOX_PSP_AMOUNT_UPDATES: AmountUpdatePolicy = { tolerancePercent: 10, methods: ['card', 'p2p'] };

/** Set only when the PSP changed the amount, as the gateway contract asks. */
const changedAmount = (v: PaymentView) => (v.amount !== v.requestedAmount ? { amountMinor: v.amount } : {});

/** A create answered with a payment: 2.1.2.00 / 2.1.3.00, or 2.2.4.RR for a payment the PSP failed at once. */
export function createOutcomeOf(v: PaymentView): CreateOutcome {
  switch (v.status) {
    case 'pending':
      return { kind: 'accepted', status: 'pending', gatewayRef: v.id, code: CODES.GATEWAY_PENDING };
    case 'succeeded':
      return { kind: 'accepted', status: 'success', gatewayRef: v.id, code: CODES.GATEWAY_SUCCESS };
    case 'failed':
      return { kind: 'declined', code: createDeclinedCode(reasonOf(v.failureCode)), gatewayRef: v.id };
  }
}

const claimOf = (v: PaymentView): CallbackClaim => ({
  currency: v.currency,
  amountMinor: v.amount,
  requestedAmountMinor: v.requestedAmount,
});

/** A status check answered with a payment: 4.0.2.00, 4.1.3.00 or 4.1.4.RR. */
export function statusOutcomeOf(v: PaymentView): StatusOutcome {
  switch (v.status) {
    case 'pending':
      return { kind: 'pending', code: CODES.CHECK_PENDING };
    case 'succeeded':
      return { kind: 'success', code: CODES.CHECK_SUCCESS, gatewayRef: v.id, ...changedAmount(v), claim: claimOf(v) };
    case 'failed':
      return { kind: 'failed', code: checkFailedCode(reasonOf(v.failureCode)), gatewayRef: v.id };
  }
}

/** A verified callback: 5.0.2.00, 5.1.3.00, 5.1.3.35 (amount updated) or 5.1.4.RR, with what it claims. */
export function callbackOutcomeOf(v: PaymentView): CallbackVerification {
  return { ...callbackCodeOf(v), claim: claimOf(v) };
}

function callbackCodeOf(v: PaymentView): Extract<CallbackVerification, { valid: true }> {
  switch (v.status) {
    case 'pending':
      return { valid: true, gatewayRef: v.id, status: 'pending', code: CODES.CALLBACK_PENDING };
    case 'succeeded':
      return v.amount !== v.requestedAmount
        ? {
            valid: true,
            gatewayRef: v.id,
            status: 'success',
            code: CODES.CALLBACK_AMOUNT_UPDATED,
            amountMinor: v.amount,
          }
        : { valid: true, gatewayRef: v.id, status: 'success', code: CODES.CALLBACK_SUCCESS };
    case 'failed':
      return { valid: true, gatewayRef: v.id, status: 'failed', code: callbackFailedCode(reasonOf(v.failureCode)) };
  }
}
