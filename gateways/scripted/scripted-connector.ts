import { randomUUID } from 'node:crypto';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import type { GatewayEntity } from '../../entities/gateway.entity';
import { createDeclinedCode } from '../codes';
import type {
  CallbackVerification,
  CreateOutcome,
  GatewayCallContext,
  GatewayConnector,
  GatewayPaymentRequest,
  GatewayStatusQuery,
  RawGatewayCallback,
  StatusOutcome,
} from '../connector';
import { GatewayMisconfiguredError } from '../connector';
import { buildSignedCallback, callbackSecretOf, verifySandboxCallback } from '../sandbox/callbacks';
import { createOutcomeOf, paymentView, statusOutcomeOf, type PaymentView } from '../sandbox/protocol';
import type { SandboxConnector } from '../sandbox/sandbox-connector';
import { scenarioFor, scenarioNamed, type SandboxScenario } from '../sandbox/scenarios';
import { behaviourAt, type GatewayScript, type Outage, type PaymentScript } from './script';

/** A callback the gateway will send: the simulation delivers it at `at` on Temporal's clock. */
export interface ScheduledGatewayCallback {
  gatewayId: string;
  gatewayRef: string;
  at: Date;
  raw: RawGatewayCallback;
}

/** What a create reports while the gateway is down: nothing stored, so a timeout is ambiguous only in appearance. */
const CREATE_OUTAGE: Record<Outage, CreateOutcome> = {
  'connection-refused': { kind: 'failed', code: '2.2.4.12', ambiguous: false },
  'server-unavailable': { kind: 'failed', code: '2.2.4.13', ambiguous: false },
  timeout: { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_TIMEOUT, ambiguous: true },
};

const CHECK_OUTAGE: Record<Outage, HistoryCode> = {
  'connection-refused': '4.2.2.12',
  'server-unavailable': '4.2.2.13',
  timeout: '4.2.2.11',
};

interface ScriptedPayment {
  id: string;
  gatewayId: string;
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  createdAt: Date;
  script: PaymentScript;
}

/**
 * A sandbox gateway whose behaviour follows a script on Temporal's clock (`settings.script`, see ./script.ts):
 * down for two hours, payments pending for forty minutes, callbacks that never come. Outside its windows, and in
 * `sandbox` windows, it is the in-process sandbox (the amount's scenario, or a named one).
 *
 * For simulations and tests: scripted payments live in this process's memory (idempotent per gateway and key, so a
 * retried activity still charges once), and callbacks are handed to `scheduleCallback` for the simulation to
 * deliver at their time.
 */
export class ScriptedSandboxConnector implements GatewayConnector {
  readonly name = 'scripted-sandbox';
  readonly liveAllowed = false;
  /** By gateway and idempotency key, and by gateway and payment reference. */
  private readonly payments = new Map<string, ScriptedPayment>();
  private readonly byRef = new Map<string, ScriptedPayment>();
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly sandbox: SandboxConnector,
    private readonly scheduleCallback: (callback: ScheduledGatewayCallback) => Promise<void>,
  ) {}

  async create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<CreateOutcome> {
    const existing = this.payments.get(keyOf(ctx.gateway.id, req.idempotencyKey));
    const behaviour = behaviourAt(scriptOf(ctx.gateway), ctx.now);
    if (behaviour.kind === 'down') return CREATE_OUTAGE[behaviour.outage];
    // A create repeated with a key the gateway knows answers for the payment it already has, as PSPs do.
    if (existing) return createOutcomeOf(createAnswerOf(existing));
    if (behaviour.kind === 'sandbox') return this.createAtSandbox(req, ctx, behaviour.scenario);

    const script = behaviour.payment;
    if (script.create === 'declined') return { kind: 'declined', code: createDeclinedCode(script.declineReason) };
    const payment: ScriptedPayment = {
      id: randomUUID(),
      gatewayId: ctx.gateway.id,
      idempotencyKey: req.idempotencyKey,
      amountMinor: req.amountMinor,
      currency: req.currency,
      createdAt: ctx.now,
      script,
    };
    this.payments.set(keyOf(payment.gatewayId, payment.idempotencyKey), payment);
    this.byRef.set(keyOf(payment.gatewayId, payment.id), payment);
    const callbackAt = callbackTimeOf(payment);
    if (callbackAt) {
      const state = callbackAt.getTime() >= resolvesAtMs(payment) ? 'final' : 'pending';
      const raw = buildSignedCallback(viewOf(payment, state), signingOf(script), secretOf(ctx.gateway));
      await this.schedule({ gatewayId: payment.gatewayId, gatewayRef: payment.id, at: callbackAt, raw });
    }
    return createOutcomeOf(createAnswerOf(payment));
  }

  async status(query: GatewayStatusQuery, ctx: GatewayCallContext): Promise<StatusOutcome> {
    const behaviour = behaviourAt(scriptOf(ctx.gateway), ctx.now);
    if (behaviour.kind === 'down') return { kind: 'error', code: CHECK_OUTAGE[behaviour.outage] };
    const payment = this.find(ctx.gateway.id, query);
    if (!payment) return this.sandbox.status(query, ctx);
    return statusOutcomeOf(viewOf(payment, ctx.now.getTime() >= resolvesAtMs(payment) ? 'final' : 'pending'));
  }

  async verifyCallback(raw: RawGatewayCallback, ctx: GatewayCallContext): Promise<CallbackVerification> {
    return verifySandboxCallback(raw, callbackSecretOf(ctx.gateway));
  }

  /** The in-process sandbox answers; a payment of a callback scenario (7x) gets its callback scheduled. */
  private async createAtSandbox(
    req: GatewayPaymentRequest,
    ctx: GatewayCallContext,
    scenarioName: string | null,
  ): Promise<CreateOutcome> {
    const scenario: SandboxScenario = scenarioName ? scenarioNamed(scenarioName) : scenarioFor(req.amountMinor);
    const gateway = { ...ctx.gateway, settings: { ...ctx.gateway.settings, scenario: scenario.name } };
    const outcome = await this.sandbox.create(req, { ...ctx, gateway });
    if (outcome.kind === 'accepted' && outcome.status === 'pending' && scenario.callback) {
      const at = new Date(ctx.now.getTime() + (scenario.pendingForMs ?? 0));
      const raw = await this.sandbox.buildCallback(outcome.gatewayRef);
      await this.schedule({ gatewayId: ctx.gateway.id, gatewayRef: outcome.gatewayRef, at, raw });
    }
    return outcome;
  }

  /** Once per payment, whatever the retries of the create. */
  private async schedule(callback: ScheduledGatewayCallback): Promise<void> {
    const key = keyOf(callback.gatewayId, callback.gatewayRef);
    if (this.scheduled.has(key)) return;
    await this.scheduleCallback(callback);
    this.scheduled.add(key);
  }

  private find(gatewayId: string, query: GatewayStatusQuery): ScriptedPayment | undefined {
    return query.gatewayRef === undefined
      ? this.payments.get(keyOf(gatewayId, query.idempotencyKey))
      : this.byRef.get(keyOf(gatewayId, query.gatewayRef));
  }
}

const keyOf = (gatewayId: string, key: string) => `${gatewayId}:${key}`;

/** The gateway's script; a scripted gateway without a usable one is a configuration error. */
function scriptOf(gateway: GatewayEntity): GatewayScript {
  const script = gateway.settings?.['script'] as Partial<GatewayScript> | undefined;
  if (!script || typeof script.epochMs !== 'number' || !Array.isArray(script.windows)) {
    throw new GatewayMisconfiguredError(`gateway ${gateway.id}: settings.script is missing or malformed`);
  }
  return script as GatewayScript;
}

function secretOf(gateway: GatewayEntity): string {
  const secret = callbackSecretOf(gateway);
  if (!secret) throw new GatewayMisconfiguredError(`gateway ${gateway.id} has no callback secret`);
  return secret;
}

const resolvesAtMs = (p: ScriptedPayment): number =>
  p.script.create === 'paid' ? p.createdAt.getTime() : p.createdAt.getTime() + (p.script.pendingForMs ?? Infinity);

function callbackTimeOf(p: ScriptedPayment): Date | null {
  const { callback } = p.script;
  if (!callback) return null;
  const after = callback.afterMs ?? (p.script.create === 'paid' ? 0 : p.script.pendingForMs);
  return after === null ? null : new Date(p.createdAt.getTime() + after);
}

const signingOf = (script: PaymentScript) =>
  script.callback?.variant === 'final' || !script.callback ? 'valid' : script.callback.variant;

/** The payment as the PSP shows it, through the sandbox's own vocabulary. */
function viewOf(p: ScriptedPayment, state: 'pending' | 'final'): PaymentView {
  const final = p.script.create === 'paid' ? ({ status: 'success' } as const) : p.script.outcome;
  const scenario: SandboxScenario = {
    selector: '--',
    name: 'scripted',
    summary: 'scripted payment',
    create: { answer: 'pending' },
    pendingForMs: p.script.pendingForMs,
    final,
  };
  return paymentView(p, scenario, state);
}

const createAnswerOf = (p: ScriptedPayment): PaymentView => viewOf(p, p.script.create === 'paid' ? 'final' : 'pending');
