import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { HistoryCode } from '../../../domain/history-codes';
import { orderStatusOf } from '../../../domain/history-status';
import type { Direction } from '../../../domain/order';
import { persistence } from '../../activity-profiles';
import type { OrderRequisites } from '../../../domain/requisites';
import {
  gatewayCallbackSignal,
  getOrderStateQuery,
  payformSignal,
  type PayformEvent,
  type GatewayCallbackSignal,
  type OrderHistoryEntry,
  type OrderInput,
  type OrderSnapshot,
  type OrderState,
} from '../../definitions';
import {
  DirectionKey,
  ExternalTransactionIdKey,
  GatewayIdKey,
  MerchantIdKey,
  OrderStatusKey,
} from '../../search-attributes';

/** What every step of an order works with: its input, its state, the inbox of gateway callbacks, and `mark`. */
export interface OrderContext {
  direction: Direction;
  input: OrderInput;
  state: OrderState;
  workflowId: string;
  /** Gateway callbacks received and not yet handled, oldest first. */
  callbacks: GatewayCallbackSignal[];
  /** Payment form events received and not yet handled, oldest first. */
  payformEvents: PayformEvent[];
  /** The payer's requisites: the input's, plus the card the payment form collected. */
  requisites: OrderRequisites;
  /** Appends a history code: to the state (for the query) and to PostgreSQL; keeps OrderStatus searchable. */
  mark(code: HistoryCode, extra?: Pick<OrderHistoryEntry, 'gatewayId' | 'gatewayRef' | 'details'>): Promise<void>;
  /** Makes the gateway searchable; sent with the next history entry's search attribute update (one event, not two). */
  setSearchableGateway(gatewayId: string): void;
}

/** Creates the context and registers the query and the callback signal. */
export function createOrderContext(direction: Direction, input: OrderInput): OrderContext {
  const { workflowId, typedSearchAttributes } = wf.workflowInfo();
  const order: OrderSnapshot = {
    orderId: input.orderId,
    merchantId: input.merchantId,
    externalTransactionId: input.externalTransactionId,
    amountMinor: input.amountMinor,
    currency: input.currency,
    pipelineId: input.pipelineId,
    direction,
    workflowId,
  };
  const state: OrderState = {
    orderId: input.orderId,
    direction,
    status: 'Created',
    amountMinor: input.amountMinor,
    requestedAmountMinor: input.amountMinor,
    currency: input.currency,
    route: [],
    attempts: [],
    statusChecks: 0,
    invalidCallbacks: 0,
    failure: null,
    merchantCallback: null,
    history: [],
  };
  const callbacks: GatewayCallbackSignal[] = [];
  let pendingGateway: string | undefined;
  wf.setHandler(getOrderStateQuery, () => state);
  wf.setHandler(gatewayCallbackSignal, (callback) => {
    callbacks.push(callback);
  });
  const payformEvents: PayformEvent[] = [];
  wf.setHandler(payformSignal, (event) => {
    payformEvents.push(event);
  });

  // The API sets these when it starts the order; a workflow started some other way sets them itself.
  if (typedSearchAttributes.get(MerchantIdKey) === undefined) {
    wf.upsertSearchAttributes([
      { key: MerchantIdKey, value: input.merchantId },
      { key: DirectionKey, value: direction },
      { key: ExternalTransactionIdKey, value: input.externalTransactionId },
      { key: OrderStatusKey, value: 'Created' },
    ]);
  }

  return {
    direction,
    input,
    state,
    workflowId,
    callbacks,
    payformEvents,
    requisites: { ...input.requisites },
    async mark(code, extra = {}) {
      const status = orderStatusOf(code);
      const entry: OrderHistoryEntry = {
        seq: state.history.length + 1,
        code,
        status,
        at: new Date().toISOString(),
        ...extra,
      };
      state.history.push(entry);
      const updates: SearchAttributeUpdatePair[] = [];
      if (status !== state.status) updates.push({ key: OrderStatusKey, value: status });
      if (pendingGateway !== undefined) updates.push({ key: GatewayIdKey, value: pendingGateway });
      state.status = status;
      pendingGateway = undefined;
      if (updates.length > 0) wf.upsertSearchAttributes(updates);
      await persistence.recordOrderEvent(order, entry);
    },
    setSearchableGateway(gatewayId) {
      pendingGateway = gatewayId;
    },
  };
}
