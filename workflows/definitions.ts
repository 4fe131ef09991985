/**
 * Workflow inputs, state and messages: a leaf file that api/ and activities/ can import without pulling in
 * workflow code (and that workflows import without pulling in anything with I/O).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CallbackVerification } from '../domain/gateway-contract';
import type { HistoryCode } from '../domain/history-codes';
import type { RouteCandidate } from '../domain/operations-contract';
import type { Direction, KeyMode, OrderStatus } from '../domain/order';
import type { OrderRequisites, PaymentMethod } from '../domain/requisites';

/** What an order workflow starts from. Card numbers never travel here: histories are stored in clear. */
export interface OrderInput {
  orderId: string;
  merchantId: string;
  externalTransactionId: string;
  amountMinor: number;
  currency: string;
  /** The merchant's pipeline for this direction: its routes, black list and limits apply. */
  pipelineId: string;
  /** Sandbox orders reach only sandbox gateways. */
  mode: KeyMode;
  method: PaymentMethod;
  requisites: OrderRequisites;
  /** Where the final status is sent, signed; no callback when absent. */
  callbackUrl?: string;
  /** Host-to-client: the payer first enters the card on the hosted payment form. */
  payform?: boolean;
}

/** The order as persisted alongside its first history entry. */
export interface OrderSnapshot {
  orderId: string;
  merchantId: string;
  externalTransactionId: string;
  amountMinor: number;
  currency: string;
  pipelineId: string;
  direction: Direction;
  workflowId: string;
}

/** One step of an order's life, with its history code. */
export interface OrderHistoryEntry {
  seq: number;
  code: HistoryCode;
  status: OrderStatus;
  /** ISO time on the workflow's clock. */
  at: string;
  gatewayId?: string;
  /** The gateway's reference of the payment, once known: lets an inbound callback find its order. */
  gatewayRef?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** One gateway of the route as the order used it. */
export interface GatewayAttempt {
  gatewayId: string;
  idempotencyKey: string;
  gatewayRef: string | null;
  /** Creates sent to this gateway (1 + retries). */
  creates: number;
  /** The last code this gateway produced. */
  lastCode: HistoryCode | null;
}

/** Everything the state query returns. */
export interface OrderState {
  orderId: string;
  direction: Direction;
  status: OrderStatus;
  /** The amount as the order stands; a gateway callback may update it (5.1.3.35). */
  amountMinor: number;
  requestedAmountMinor: number;
  currency: string;
  /** Gateways chosen by routing when the order started: later configuration changes do not affect it. */
  route: RouteCandidate[];
  attempts: GatewayAttempt[];
  statusChecks: number;
  /** Gateway callbacks refused for a bad signature or payload. */
  invalidCallbacks: number;
  /** Why the order failed at pre-checks or routing, when it did. */
  failure: Record<string, string | number | boolean | null> | null;
  merchantCallback: { eventId: string; attempts: number; delivered: boolean } | null;
  history: OrderHistoryEntry[];
}

/** A gateway callback, already verified by the HTTP layer's connector; invalid ones are recorded, then ignored. */
export interface GatewayCallbackSignal {
  gatewayId: string;
  verification: CallbackVerification;
}

/** What the hosted payment form tells the order: the payer opened it, paid (card fingerprint and mask), or cancelled. */
export type PayformEvent =
  { type: 'visited' } | { type: 'submitted'; cardFingerprint: string; cardMask: string } | { type: 'cancelled' };

/** The full state of an order, while it runs and after it closed (until retention). */
export const getOrderStateQuery = defineQuery<OrderState>('getOrderState');
/** A gateway's callback for this order. */
export const gatewayCallbackSignal = defineSignal<[GatewayCallbackSignal]>('gatewayCallback');
/** The hosted payment form's events for a host-to-client order. */
export const payformSignal = defineSignal<[PayformEvent]>('payform');
