import { isUuid } from '../../domain/ids';
import type { DataSource } from 'typeorm';
import { CODES } from '../../domain/history-codes';
import { GatewayEntity } from '../../entities/gateway.entity';
import { SandboxPaymentEntity } from '../../entities/sandbox-payment.entity';
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
import { buildSignedCallback, callbackSecretOf, verifySandboxCallback } from './callbacks';
import { SANDBOX_DECLINE_CARD, SANDBOX_DECLINE_CARD_MASK } from './challenge';
import {
  createAnswerView,
  createOutcomeOf,
  paymentView,
  SANDBOX_PSP_AMOUNT_UPDATES,
  statusOutcomeOf,
} from './protocol';
import {
  CHECK_FAULTS,
  CREATE_FAULTS,
  type CallbackBehaviour,
  checkFaultAt,
  createFaultAt,
  resolvesAt,
  type SandboxScenario,
  scenarioFor,
  scenarioNamed,
} from './scenarios';

/** Which callback `buildCallback` makes: a scenario's own behaviour, or a pending update. */
export type CallbackVariant = CallbackBehaviour | 'pending';

/**
 * An in-process sandbox gateway that keeps its payments in PostgreSQL, as a PSP keeps them on its side: a create
 * repeated with the same idempotency key returns the first payment, so a retried activity never charges twice.
 * Faults are simulated, not waited for: a "timeout" answers at once with the code a real timeout would get.
 */
export class SandboxConnector implements GatewayConnector {
  readonly name = 'sandbox';
  /** Pays from a scenario table, with a public callback secret: never live money. */
  readonly liveAllowed = false;
  /** Scenario 73 settles 90% of a card or p2p payment; token charges are exact. */
  readonly amountUpdates = SANDBOX_PSP_AMOUNT_UPDATES;

  constructor(private readonly dataSource: DataSource) {}

  async create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<CreateOutcome> {
    assertRequest(req);
    const scenario = scenarioOf(req, ctx);
    const attempt = await this.countCreate(ctx.gateway.id, req.idempotencyKey);
    const fault = createFaultAt(scenario, attempt);
    if (fault) {
      const { stored, code, ambiguous } = CREATE_FAULTS[fault];
      if (stored) await this.store(req, scenario, ctx);
      return { kind: 'failed', code, ambiguous };
    }
    if (scenario.create.answer === 'declined') {
      return { kind: 'declined', code: createDeclinedCode(scenario.create.reason) };
    }
    const payment = await this.store(req, scenario, ctx);
    // A replay answers like the first create did, for the payment the first create stored.
    return createOutcomeOf(createAnswerView(payment, scenarioNamed(payment.scenario)));
  }

  async status(query: GatewayStatusQuery, ctx: GatewayCallContext): Promise<StatusOutcome> {
    const payment = await this.find(ctx.gateway.id, query);
    if (!payment) return { kind: 'not_found', code: CODES.CHECK_NOT_FOUND };
    const scenario = scenarioNamed(payment.scenario);
    const fault = checkFaultAt(scenario, await this.countCheck(payment.id));
    if (fault) return { kind: 'error', code: CHECK_FAULTS[fault] };
    const resolved = payment.resolvesAt !== null && ctx.now.getTime() >= payment.resolvesAt.getTime();
    return statusOutcomeOf(paymentView(payment, scenario, resolved ? 'final' : 'pending'));
  }

  async verifyCallback(raw: RawGatewayCallback, ctx: GatewayCallContext): Promise<CallbackVerification> {
    return verifySandboxCallback(raw, callbackSecretOf(ctx.gateway));
  }

  /**
   * The callback the gateway sends for a payment, signed with its gateway's secret: by default the scenario's own
   * (`final` when the scenario sends none). The body is the payment's final state whatever the clock says, so a
   * test decides when the callback "arrives"; for a payment that never resolves it is a pending update.
   */
  async buildCallback(gatewayRef: string, variant?: CallbackVariant): Promise<RawGatewayCallback> {
    const payment = isUuid(gatewayRef)
      ? await this.dataSource.getRepository(SandboxPaymentEntity).findOneBy({ id: gatewayRef })
      : null;
    if (!payment) throw new Error(`no sandbox payment ${gatewayRef}`);
    const gateway = await this.dataSource.getRepository(GatewayEntity).findOneByOrFail({ id: payment.gatewayId });
    const secret = callbackSecretOf(gateway);
    if (!secret) throw new Error(`gateway ${gateway.id} has no callback secret`);
    const scenario = scenarioNamed(payment.scenario);
    const chosen = variant ?? scenario.callback ?? 'final';
    const state = chosen === 'pending' || scenario.pendingForMs === null ? 'pending' : 'final';
    const signing = chosen === 'invalid-signature' || chosen === 'invalid-payload' ? chosen : 'valid';
    return buildSignedCallback(paymentView(payment, scenario, state), signing, secret);
  }

  /** Counts this create for its key, atomically, so concurrent retries still see 1, 2, 3… */
  private async countCreate(gatewayId: string, idempotencyKey: string): Promise<number> {
    const rows: Array<{ creates: number }> = await this.dataSource.query(
      `INSERT INTO sandbox_attempts (gateway_id, idempotency_key, creates) VALUES ($1, $2, 1)
       ON CONFLICT (gateway_id, idempotency_key) DO UPDATE SET creates = sandbox_attempts.creates + 1
       RETURNING creates`,
      [gatewayId, idempotencyKey],
    );
    return rows[0]!.creates;
  }

  private async countCheck(paymentId: string): Promise<number> {
    const rows: Array<{ status_checks: number }> = await this.dataSource.query(
      `WITH counted AS (
         UPDATE sandbox_payments SET status_checks = status_checks + 1 WHERE id = $1 RETURNING status_checks
       ) SELECT status_checks FROM counted`,
      [paymentId],
    );
    return rows[0]!.status_checks;
  }

  /** Stores the payment unless this key already has one, and returns the one stored. */
  private async store(
    req: GatewayPaymentRequest,
    scenario: SandboxScenario,
    ctx: GatewayCallContext,
  ): Promise<SandboxPaymentEntity> {
    const repo = this.dataSource.getRepository(SandboxPaymentEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        gatewayId: ctx.gateway.id,
        idempotencyKey: req.idempotencyKey,
        amountMinor: req.amountMinor,
        currency: req.currency,
        scenario: scenario.name,
        createdAt: ctx.now,
        resolvesAt: resolvesAt(scenario, ctx.now),
      })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ gatewayId: ctx.gateway.id, idempotencyKey: req.idempotencyKey });
  }

  private find(gatewayId: string, query: GatewayStatusQuery): Promise<SandboxPaymentEntity | null> {
    const repo = this.dataSource.getRepository(SandboxPaymentEntity);
    if (query.gatewayRef !== undefined) {
      return isUuid(query.gatewayRef) ? repo.findOneBy({ id: query.gatewayRef, gatewayId }) : Promise.resolve(null);
    }
    return repo.findOneBy({ gatewayId, idempotencyKey: query.idempotencyKey });
  }
}

function assertRequest(req: GatewayPaymentRequest): void {
  if (!Number.isSafeInteger(req.amountMinor) || req.amountMinor <= 0) {
    throw new Error(`amountMinor must be a positive integer, got ${req.amountMinor}`);
  }
  if (!req.idempotencyKey) throw new Error('a gateway request needs an idempotency key');
}

/**
 * The scenario of a create: the gateway's `settings.scenario` (a scenario name) when set, so one gateway of a
 * route can be made to fail while the next succeeds (cascade tests and simulations); otherwise the amount's.
 */
function scenarioOf(req: GatewayPaymentRequest, ctx: GatewayCallContext) {
  const forced = ctx.gateway.settings?.scenario;
  if (typeof forced === 'string') return scenarioNamed(forced);
  return isDeclineCard(req) ? scenarioNamed('create-declined') : scenarioFor(req.amountMinor);
}

/** The sandbox's declined card: by its number when the vault gave it, else by its mask. */
function isDeclineCard(req: GatewayPaymentRequest): boolean {
  const { card, cardMask } = req.requisites;
  return card?.number !== undefined ? card.number === SANDBOX_DECLINE_CARD : cardMask === SANDBOX_DECLINE_CARD_MASK;
}
