/**
 * Inputs and outputs of the operations activities: pre-checks, routing and the ledger. Pure types shared by the
 * workflows (type-only) and activities/operations.
 */
import type { HistoryCode } from './history-codes';
import type { Direction, KeyMode } from './order';
import type { OrderRequisites, PaymentMethod } from './requisites';

/** Everything a pre-check looks at. `at` is the workflow's time (ISO), which decides the "day" of daily limits. */
export interface PreCheckRequest {
  orderId: string;
  merchantId: string;
  pipelineId: string;
  direction: Direction;
  amountMinor: number;
  currency: string;
  method: PaymentMethod;
  requisites: OrderRequisites;
  at: string;
}

/** Pass, or the code to fail the order with and what caused it (shown in the order's details). */
export type PreCheckResult =
  { ok: true } | { ok: false; code: HistoryCode; details: Record<string, string | number | boolean | null> };

/**
 * What routing needs to choose gateways. Sandbox orders reach only sandbox gateways. The optional fields identify
 * the order for routing rules (docs/routing-rules.md); workflows started before they existed send none, and their
 * orders are routed without rules.
 */
export interface RouteRequest {
  pipelineId: string;
  direction: Direction;
  amountMinor: number;
  currency: string;
  method: PaymentMethod;
  mode: KeyMode;
  orderId?: string;
  merchantId?: string;
  requisites?: OrderRequisites;
  /** The workflow's time (ISO): the end of the rules' windows. */
  at?: string;
}

/** One gateway to attempt, in cascade order. */
export interface RouteCandidate {
  gatewayId: string;
  name: string;
}

/** An order's money, for holds, settlement and credits. */
export interface FundsRequest {
  orderId: string;
  merchantId: string;
  currency: string;
  amountMinor: number;
  /**
   * Whose money: sandbox and live balances never mix. Optional because histories recorded before it existed replay
   * with requests that lack it; the activities then take the order row's mode.
   */
  mode?: KeyMode;
  /**
   * Settling a payout: what the gateway actually paid out, when it changed the amount (at most what was held; the
   * rest of the hold returns to the balance). `amountMinor` stays the held amount.
   */
  settledAmountMinor?: number;
}

/** A payout's hold: placed, or refused for lack of available balance (1.2.4.31), in which case nothing is held. */
export type HoldResult =
  { ok: true; availableMinor: number } | { ok: false; code: HistoryCode; availableMinor: number };

/** Ledger effect of a final order: the amount moved and the commission taken, in minor units. */
export interface SettlementResult {
  amountMinor: number;
  commissionMinor: number;
  /** False when an earlier attempt of the same activity had already posted (idempotent no-op). */
  posted: boolean;
}
