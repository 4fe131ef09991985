import type { DataSource } from 'typeorm';
import type {
  FundsRequest,
  HoldResult,
  PreCheckRequest,
  PreCheckResult,
  RouteCandidate,
  RouteRequest,
  SettlementResult,
} from '../../domain/operations-contract';
import { fundsActivities } from './ledger';
import { runPreChecks } from './pre-checks';
import { resolveRoute } from '../../data/routing';
import { checkRoutingRuleBlock, recordAttempts } from '../../data/routing-rules';

/** Pre-checks, routing and the ledger (see docs/operations.md). */
export function operationsActivities(dataSource: DataSource) {
  const funds = fundsActivities(dataSource);
  return {
    /**
     * Black list, limits, then routing rules that block: the first hit fails the order (1.2.4.42, 1.2.4.32,
     * 1.2.4.43). The order's attempt is recorded first, for the rules that count attempts.
     */
    async runPreChecks(req: PreCheckRequest): Promise<PreCheckResult> {
      await recordAttempts(dataSource, req);
      const result = await runPreChecks(dataSource, req);
      return result.ok ? checkRoutingRuleBlock(dataSource, req) : result;
    },
    /** The pipeline's gateways that accept the order, in cascade order; empty when none does. */
    async resolveRoute(req: RouteRequest): Promise<RouteCandidate[]> {
      return resolveRoute(dataSource, req);
    },
    /** Reserves a payout's amount and commission, or refuses with 1.2.4.31 holding nothing. */
    async holdFunds(req: FundsRequest): Promise<HoldResult> {
      return funds.holdFunds(req);
    },
    /** Posts a successful payout once and marks its hold settled. */
    async settleHeldFunds(req: FundsRequest): Promise<SettlementResult> {
      return funds.settleHeldFunds(req);
    },
    /** Releases a failed payout's hold once. */
    async releaseHeldFunds(req: FundsRequest): Promise<{ released: boolean }> {
      return funds.releaseHeldFunds(req);
    },
    /** Credits a successful deposit net of commission once. */
    async creditDeposit(req: FundsRequest): Promise<SettlementResult> {
      return funds.creditDeposit(req);
    },
  };
}
