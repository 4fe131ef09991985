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

/** Pre-checks, routing and the ledger. (Being implemented: signatures are the contract.) */
export function operationsActivities(dataSource: DataSource) {
  const todo = (name: string): never => {
    throw new Error(`${name} is not implemented yet (${dataSource.options.type})`);
  };
  return {
    async runPreChecks(_req: PreCheckRequest): Promise<PreCheckResult> {
      return todo('runPreChecks');
    },
    async resolveRoute(_req: RouteRequest): Promise<RouteCandidate[]> {
      return todo('resolveRoute');
    },
    async holdFunds(_req: FundsRequest): Promise<HoldResult> {
      return todo('holdFunds');
    },
    async settleHeldFunds(_req: FundsRequest): Promise<SettlementResult> {
      return todo('settleHeldFunds');
    },
    async releaseHeldFunds(_req: FundsRequest): Promise<{ released: boolean }> {
      return todo('releaseHeldFunds');
    },
    async creditDeposit(_req: FundsRequest): Promise<SettlementResult> {
      return todo('creditDeposit');
    },
  };
}
