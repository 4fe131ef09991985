import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { GatewayOutcome } from '../gateways/connector';
import { CODES, type HistoryCode } from '../domain/history-codes';
import { orderStatusOf } from '../domain/history-status';
import {
  getOrderStateQuery,
  type OrderHistoryEntry,
  type OrderInput,
  type OrderSnapshot,
  type OrderState,
} from './definitions';
import { GatewayIdKey, OrderStatusKey } from './search-attributes';

// History goes to PostgreSQL through a local activity: one marker event instead of three activity events per step.
const { recordOrderEvent } = wf.proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
const { createGatewayPayment, checkGatewayPayment } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['UnknownGateway'],
  },
});
const { postLedger } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** Status checks back off from seconds to half an hour; the last delay repeats until the deadline. */
export const STATUS_CHECK_DELAYS_MS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
];
/** An order that its gateway has not resolved after this long is failed (see docs/order-lifecycle.md). */
export const ORDER_DEADLINE_MS = 24 * 60 * MINUTE;

/**
 * A deposit: created, sent to its gateway, polled on durable timers until the gateway resolves it, then
 * credited to the merchant's balance exactly once.
 */
export async function deposit(input: OrderInput): Promise<OrderState> {
  const { workflowId } = wf.workflowInfo();
  const order: OrderSnapshot = {
    orderId: input.orderId,
    merchantId: input.merchantId,
    externalTransactionId: input.externalTransactionId,
    amountMinor: input.amountMinor,
    currency: input.currency,
    direction: 'deposit',
    workflowId,
  };
  const state: OrderState = {
    orderId: input.orderId,
    direction: 'deposit',
    status: 'Created',
    amountMinor: input.amountMinor,
    currency: input.currency,
    gatewayId: null,
    gatewayRef: null,
    statusChecks: 0,
    history: [],
  };
  wf.setHandler(getOrderStateQuery, () => state);

  async function mark(code: HistoryCode, extra: Pick<OrderHistoryEntry, 'gatewayId' | 'details'> = {}): Promise<void> {
    const status = orderStatusOf(code);
    const entry: OrderHistoryEntry = {
      seq: state.history.length + 1,
      code,
      status,
      at: new Date().toISOString(),
      ...extra,
    };
    state.history.push(entry);
    if (status !== state.status) {
      state.status = status;
      wf.upsertSearchAttributes([{ key: OrderStatusKey, value: status }]);
    }
    await recordOrderEvent(order, entry);
  }

  await mark(CODES.CREATED);

  state.gatewayId = input.gatewayId;
  wf.upsertSearchAttributes([{ key: GatewayIdKey, value: input.gatewayId }]);
  let outcome: GatewayOutcome = await createGatewayPayment(input.gatewayId, {
    idempotencyKey: `${workflowId}:attempt:1`,
    orderId: input.orderId,
    direction: 'deposit',
    amountMinor: input.amountMinor,
    currency: input.currency,
  });
  state.gatewayRef = outcome.gatewayRef ?? null;
  await mark(outcome.code, { gatewayId: input.gatewayId });

  // Date.now() in a workflow is the workflow task's time: deterministic, and skipped along in time-skipping tests.
  const deadline = Date.now() + ORDER_DEADLINE_MS;
  while (outcome.status === 'pending') {
    const delay = STATUS_CHECK_DELAYS_MS[Math.min(state.statusChecks, STATUS_CHECK_DELAYS_MS.length - 1)]!;
    if (Date.now() + delay > deadline) {
      await mark(CODES.DEADLINE_REACHED, { gatewayId: input.gatewayId });
      return state;
    }
    await wf.sleep(delay);
    state.statusChecks += 1;
    outcome = await checkGatewayPayment(input.gatewayId, outcome.gatewayRef);
    if (outcome.status !== 'pending') await mark(outcome.code, { gatewayId: input.gatewayId });
  }

  if (outcome.status === 'success') {
    await postLedger({
      merchantId: input.merchantId,
      currency: input.currency,
      amountMinor: input.amountMinor,
      kind: 'deposit',
      orderId: input.orderId,
      idempotencyKey: `${input.orderId}:deposit`,
    });
    await mark(CODES.LEDGER_POSTED);
  }
  return state;
}
