import { gatewayClockMs } from '../../activities/gateway-clock';
import { ApplicationFailure } from '@temporalio/common';
import type {
  CallbackClaim,
  CallbackVerification,
  CreateOutcome,
  GatewayPaymentRequest,
  StatusOutcome,
} from '../../domain/gateway-contract';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import type { GatewayStatusQuery } from '../../gateways/connector';
import { callbackFailedCode, checkFailedCode, createDeclinedCode } from '../../gateways/codes';
import type { CreateFault, GatewayModel } from './model';

/** A payment the generated gateway stored: the gateway's truth, which the invariants compare the engine with. */
export interface FuzzPayment {
  ref: string;
  gatewayId: string;
  idempotencyKey: string;
  createdAtMs: number;
  requestedMinor: number;
  currency: string;
  model: GatewayModel;
}

/** When a stored payment resolves (null: never) and how. */
export function resolvesAtMs(p: FuzzPayment): number | null {
  if (p.model.answer.kind === 'paid-at-once') return p.createdAtMs;
  return p.model.pendingMs === null ? null : p.createdAtMs + p.model.pendingMs;
}

/** True when the payment ends (or has ended) successful at the gateway: the payer is charged. */
export function chargesPayer(p: FuzzPayment): boolean {
  return resolvesAtMs(p) !== null && (p.model.answer.kind === 'paid-at-once' || p.model.final.kind === 'success');
}

/** What the gateway settles for a successful payment. */
export function settledMinor(p: FuzzPayment): number {
  if (p.model.answer.kind === 'paid-at-once' || p.model.final.kind !== 'success') return p.requestedMinor;
  return Math.round((p.requestedMinor * p.model.final.settledPercent) / 100);
}

/** A callback the gateway sends at `atMs` on Temporal's clock. */
export interface FuzzCallback {
  key: string;
  atMs: number;
  gatewayId: string;
  verification: CallbackVerification;
}

const CREATE_FAULTS: Record<Exclude<CreateFault, 'crash-after'>, { stores: boolean; outcome: CreateOutcome }> = {
  refused: { stores: false, outcome: { kind: 'failed', code: '2.2.4.12', ambiguous: false } },
  '5xx-before': { stores: false, outcome: { kind: 'failed', code: '2.2.4.13', ambiguous: false } },
  '5xx-after': { stores: true, outcome: { kind: 'failed', code: '2.2.4.13', ambiguous: false } },
  'timeout-before': {
    stores: false,
    outcome: { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_TIMEOUT, ambiguous: true },
  },
  'timeout-after': {
    stores: true,
    outcome: { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_TIMEOUT, ambiguous: true },
  },
  'invalid-after': {
    stores: true,
    outcome: { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true },
  },
};

/**
 * Gateways that behave as the generated models say, in this process's memory, on Temporal's clock. They replace
 * the gateway activities of a worker; everything else (history, ledger, merchant callbacks) is the engine's own.
 * Like PSPs, a create repeated with a key the gateway knows answers for the payment it already has.
 */
export class FuzzGateways {
  private readonly models = new Map<string, GatewayModel>();
  private readonly creates = new Map<string, number>();
  private readonly checks = new Map<string, number>();
  private readonly byKey = new Map<string, FuzzPayment>();
  private readonly byRef = new Map<string, FuzzPayment>();
  private nextRef = 1;

  constructor(private readonly schedule: (callback: FuzzCallback) => Promise<void>) {}

  register(gatewayId: string, model: GatewayModel): void {
    this.models.set(gatewayId, model);
  }

  /** Every payment stored at these gateways. */
  paymentsAt(gatewayIds: readonly string[]): FuzzPayment[] {
    return [...this.byKey.values()].filter((p) => gatewayIds.includes(p.gatewayId));
  }

  async create(gatewayId: string, req: GatewayPaymentRequest): Promise<CreateOutcome> {
    const model = this.modelOf(gatewayId);
    const now = gatewayClockMs();
    const key = `${gatewayId}|${req.idempotencyKey}`;
    const n = this.creates.get(key) ?? 0;
    this.creates.set(key, n + 1);
    const fault = model.createFaults[n];
    let existing = this.byKey.get(key);
    if (fault === 'crash-after') {
      existing ??= await this.store(gatewayId, req, model, now);
      throw new Error('the connector crashed after the gateway stored the payment');
    }
    if (fault) {
      const { stores, outcome } = CREATE_FAULTS[fault];
      if (stores && !existing) await this.store(gatewayId, req, model, now);
      return outcome;
    }
    if (existing) return this.answerFor(existing, now);
    if (model.answer.kind === 'declined') return { kind: 'declined', code: createDeclinedCode(model.answer.reason) };
    return this.answerFor(await this.store(gatewayId, req, model, now), now);
  }

  async check(gatewayId: string, query: GatewayStatusQuery): Promise<StatusOutcome> {
    const model = this.modelOf(gatewayId);
    const key = `${gatewayId}|${query.idempotencyKey}`;
    const n = this.checks.get(key) ?? 0;
    this.checks.set(key, n + 1);
    if (n < model.failingChecks) return { kind: 'error', code: '4.2.2.11' };
    const payment =
      (query.gatewayRef ? this.byRef.get(`${gatewayId}|${query.gatewayRef}`) : undefined) ?? this.byKey.get(key);
    if (!payment) return { kind: 'not_found', code: CODES.CHECK_NOT_FOUND };
    const state = stateAt(payment, gatewayClockMs(query.at));
    if (state === 'pending') return { kind: 'pending', code: CODES.CHECK_PENDING };
    if (state === 'success') {
      const settled = settledMinor(payment);
      return {
        kind: 'success',
        code: CODES.CHECK_SUCCESS,
        gatewayRef: payment.ref,
        ...(settled !== payment.requestedMinor ? { amountMinor: settled } : {}),
        claim: claimOf(payment),
      };
    }
    return { kind: 'failed', code: checkFailedCode(failedReason(payment)), gatewayRef: payment.ref };
  }

  private answerFor(p: FuzzPayment, now: number): CreateOutcome {
    const state = stateAt(p, now);
    if (state === 'success' && p.model.answer.kind === 'paid-at-once') {
      return { kind: 'accepted', status: 'success', gatewayRef: p.ref, code: CODES.GATEWAY_SUCCESS };
    }
    return { kind: 'accepted', status: 'pending', gatewayRef: p.ref, code: CODES.GATEWAY_PENDING };
  }

  private async store(gatewayId: string, req: GatewayPaymentRequest, model: GatewayModel, now: number) {
    const payment: FuzzPayment = {
      ref: `fz-${this.nextRef++}`,
      gatewayId,
      idempotencyKey: req.idempotencyKey,
      createdAtMs: now,
      requestedMinor: req.amountMinor,
      currency: req.currency,
      model,
    };
    this.byKey.set(`${gatewayId}|${req.idempotencyKey}`, payment);
    this.byRef.set(`${gatewayId}|${payment.ref}`, payment);
    for (const callback of callbacksOf(payment)) await this.schedule(callback);
    return payment;
  }

  private modelOf(gatewayId: string): GatewayModel {
    const model = this.models.get(gatewayId);
    if (!model) throw ApplicationFailure.create({ type: 'UnknownGateway', message: gatewayId, nonRetryable: true });
    return model;
  }
}

function stateAt(p: FuzzPayment, now: number): 'pending' | 'success' | 'failed' {
  const at = resolvesAtMs(p);
  if (at === null || now < at) return 'pending';
  return chargesPayer(p) ? 'success' : 'failed';
}

const failedReason = (p: FuzzPayment) => (p.model.final.kind === 'failed' ? p.model.final.reason : null);

/** What the gateway says about the money, checked against the order as the activity and the HTTP layer do. */
const claimOf = (p: FuzzPayment): CallbackClaim => ({
  currency: p.currency,
  amountMinor: chargesPayer(p) ? settledMinor(p) : p.requestedMinor,
  requestedAmountMinor: p.requestedMinor,
});

/** The callbacks a stored payment will send, by its model. */
function callbacksOf(p: FuzzPayment): FuzzCallback[] {
  const at = resolvesAtMs(p);
  const base = { gatewayId: p.gatewayId };
  const plan = p.model.callback;
  if (plan === 'forged') {
    const forgedAt = p.createdAtMs + Math.min(p.model.callbackDelayMs, at === null ? Infinity : at - p.createdAtMs);
    return [
      {
        ...base,
        key: `${p.ref}-forged`,
        atMs: forgedAt,
        verification: { valid: false, code: CODES.CALLBACK_INVALID_SIGNATURE, gatewayRef: p.ref },
      },
    ];
  }
  if (plan === 'none' || at === null) return [];
  const settled = settledMinor(p);
  const claim = claimOf(p);
  const verification: CallbackVerification = chargesPayer(p)
    ? settled !== p.requestedMinor
      ? {
          valid: true,
          gatewayRef: p.ref,
          status: 'success',
          code: CODES.CALLBACK_AMOUNT_UPDATED,
          amountMinor: settled,
          claim,
        }
      : { valid: true, gatewayRef: p.ref, status: 'success', code: CODES.CALLBACK_SUCCESS, claim }
    : {
        valid: true,
        gatewayRef: p.ref,
        status: 'failed',
        code: callbackFailedCode(failedReason(p)) as HistoryCode,
        claim,
      };
  const first = plan === 'late' ? at + p.model.callbackDelayMs : at;
  const callbacks = [{ ...base, key: `${p.ref}-1`, atMs: first, verification }];
  if (plan === 'duplicate')
    callbacks.push({ ...base, key: `${p.ref}-2`, atMs: first + p.model.callbackDelayMs, verification });
  return callbacks;
}
