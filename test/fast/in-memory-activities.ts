import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import {
  type LedgerSteps,
  moveMoney,
  type MoneyMovement,
  type PrepareOrderRequest,
} from '../../activities/combined-steps';
import type { OrderHistoryEntry, OrderSnapshot } from '../../workflows/definitions';
import type { CreateOutcome, GatewayPaymentRequest, StatusOutcome } from '../../domain/gateway-contract';
import type { FundsRequest } from '../../domain/operations-contract';
import type { GatewayStatusQuery } from '../../gateways/connector';

/** What one gateway answers, in order; the last answer repeats. */
export interface ScriptedGateway {
  /** An answer, or the type of an ApplicationFailure the create activity fails with. */
  creates: Array<CreateOutcome | { failsWith: string }>;
  checks?: StatusOutcome[];
}

/**
 * The order workflow's activities without PostgreSQL or gateways, for the fast tier: pre-checks pass, the route
 * is the scripted gateways in order, gateways answer from their scripts, and money and callbacks are recorded in
 * memory, so a test sees exactly which effects the workflow asked for and how often.
 */
export function inMemoryActivities(gateways: Record<string, ScriptedGateway>) {
  const calls = { creates: [] as string[], checks: [] as string[], money: [] as string[], callbacks: 0, events: 0 };
  const next = <T>(answers: T[], n: number): T => answers[Math.min(n, answers.length - 1)]!;
  const count = (list: string[], id: string) => list.filter((g) => g === id).length;
  const settled = (req: FundsRequest) => ({ amountMinor: req.amountMinor, commissionMinor: 0, posted: true });
  const activities: Partial<Activities> = {
    async recordOrderEvent() {
      calls.events += 1;
    },
    async runPreChecks() {
      return { ok: true };
    },
    async resolveRoute() {
      return Object.keys(gateways).map((gatewayId) => ({ gatewayId, name: gatewayId }));
    },
    async createGatewayPayment(gatewayId: string, _req: GatewayPaymentRequest) {
      const n = count(calls.creates, gatewayId);
      calls.creates.push(gatewayId);
      const answer = next(gateways[gatewayId]!.creates, n);
      if ('failsWith' in answer) {
        throw ApplicationFailure.create({ type: answer.failsWith, message: 'scripted', nonRetryable: true });
      }
      return answer;
    },
    async checkGatewayPayment(gatewayId: string, _query: GatewayStatusQuery) {
      const n = count(calls.checks, gatewayId);
      calls.checks.push(gatewayId);
      return next(gateways[gatewayId]!.checks ?? [{ kind: 'pending', code: '4.0.2.00' }], n);
    },
    async holdFunds() {
      calls.money.push('hold');
      return { ok: true, availableMinor: 1_000_000 };
    },
    async settleHeldFunds(req: FundsRequest) {
      const paid = req.settledAmountMinor ?? req.amountMinor;
      calls.money.push(`settle ${paid} of ${req.amountMinor} held`);
      return settled({ ...req, amountMinor: paid });
    },
    async releaseHeldFunds() {
      calls.money.push('release');
      return { released: true };
    },
    async creditDeposit(req: FundsRequest) {
      calls.money.push(`credit ${req.amountMinor}`);
      return settled(req);
    },
    // The lean shape's combined steps, made of the ones above (as activities/combined-steps.ts makes them).
    async prepareOrder(req: PrepareOrderRequest) {
      if (req.created) calls.events += 1;
      return { preCheck: { ok: true as const }, route: req.route ? await activities.resolveRoute!(req.route) : null };
    },
    async recordMoneyMovement(_order: OrderSnapshot, _entry: OrderHistoryEntry, movement: MoneyMovement) {
      calls.events += 1;
      return moveMoney(activities as LedgerSteps, movement);
    },
    async countFinalOrder() {},
    async deliverMerchantCallback() {
      calls.callbacks += 1;
      return { delivered: true, httpStatus: 200 };
    },
  };
  return { activities, calls };
}
