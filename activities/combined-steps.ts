import type { DataSource } from 'typeorm';
import type {
  FundsRequest,
  PreCheckRequest,
  PreCheckResult,
  RouteCandidate,
  RouteRequest,
} from '../domain/operations-contract';
import type { OrderHistoryEntry, OrderSnapshot } from '../workflows/definitions';
import { operationsActivities } from './operations';
import { orderHistoryActivities } from './order-history';

/** What `prepareOrder` does before the first gateway is asked. */
export interface PrepareOrderRequest {
  order: OrderSnapshot;
  /** The order's first history entry (1.1.1.00), written before anything else, as the reconciler expects. */
  created?: OrderHistoryEntry;
  preCheck: PreCheckRequest;
  /** Routing, on the order's first card only; null on another card of the payer's (the route is the order's). */
  route: RouteRequest | null;
}

export interface PreparedOrder {
  preCheck: PreCheckResult;
  /** The route when asked for and the pre-checks passed; null otherwise. */
  route: RouteCandidate[] | null;
}

/** A ledger movement of a final order, and the history entry that reports it. */
export type MoneyMovement = { kind: 'credit' | 'settle' | 'release'; funds: FundsRequest };

/**
 * Steps of the lean order shape (docs/order-lifecycle.md, "What is written where"): the same activities the
 * workflow calls one by one in older orders, run together as one local activity, so that an order's history holds
 * one marker where it held one activity (six events) or two markers. Each part is idempotent, so is the whole.
 */
export function combinedStepActivities(dataSource: DataSource) {
  const operations = operationsActivities(dataSource);
  const history = orderHistoryActivities(dataSource);
  return {
    /** The created entry, pre-checks, then (first card only) routing. */
    async prepareOrder(req: PrepareOrderRequest): Promise<PreparedOrder> {
      if (req.created) await history.recordOrderEvent(req.order, req.created);
      const preCheck = await operations.runPreChecks(req.preCheck);
      if (!preCheck.ok || !req.route) return { preCheck, route: null };
      return { preCheck, route: await operations.resolveRoute(req.route) };
    },
    /**
     * Moves a final order's money, then writes the entry that reports it (1.1.3.84, 1.1.3.82, 1.1.4.83) with the
     * amounts actually moved in its details, which it returns. The entry comes after the postings, as the reports
     * expect (activities/order-history.ts).
     */
    async recordMoneyMovement(
      order: OrderSnapshot,
      entry: OrderHistoryEntry,
      movement: MoneyMovement,
    ): Promise<Record<string, number>> {
      const details = await moveMoney(operations, movement);
      await history.recordOrderEvent(order, { ...entry, details: { ...entry.details, ...details } });
      return details;
    },
  };
}

/** The ledger activities a movement uses: the real ones, or a test's in-memory ones. */
export type LedgerSteps = Pick<
  ReturnType<typeof operationsActivities>,
  'creditDeposit' | 'settleHeldFunds' | 'releaseHeldFunds'
>;

/** Moves the money of `movement`; returns the amounts moved, as the entry reporting it keeps them. */
export async function moveMoney(
  operations: LedgerSteps,
  { kind, funds }: MoneyMovement,
): Promise<Record<string, number>> {
  if (kind === 'release') {
    await operations.releaseHeldFunds(funds);
    return { amountMinor: funds.amountMinor };
  }
  const moved = kind === 'credit' ? await operations.creditDeposit(funds) : await operations.settleHeldFunds(funds);
  return { amountMinor: moved.amountMinor, commissionMinor: moved.commissionMinor };
}
