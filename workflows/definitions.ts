/**
 * Workflow inputs, state and messages: a leaf file that api/ and activities/ can import without pulling in
 * workflow code (and that workflows import without pulling in anything with I/O).
 */
import { defineQuery } from '@temporalio/workflow';
import type { HistoryCode } from '../domain/history-codes';
import type { Direction, OrderStatus } from '../domain/order';

/** What an order workflow starts from. Card data never travels here: histories are stored in clear. */
export interface OrderInput {
  orderId: string;
  merchantId: string;
  externalTransactionId: string;
  amountMinor: number;
  currency: string;
  /** The gateway to attempt (routing and cascading come with the orchestration issue). */
  gatewayId: string;
}

/** The order as persisted alongside its first history entry. */
export interface OrderSnapshot extends Omit<OrderInput, 'gatewayId'> {
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
  details?: Record<string, unknown>;
}

/** Everything the state query returns. */
export interface OrderState {
  orderId: string;
  direction: Direction;
  status: OrderStatus;
  amountMinor: number;
  currency: string;
  gatewayId: string | null;
  gatewayRef: string | null;
  statusChecks: number;
  history: OrderHistoryEntry[];
}

/** The full state of an order, while it runs and after it closed (until retention). */
export const getOrderStateQuery = defineQuery<OrderState>('getOrderState');
