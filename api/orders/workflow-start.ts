import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { merchantNameOf } from '../../data/merchants';
import type { OrderInputRow } from '../../data/order-store';
import { orderWorkflowId, type Direction } from '../../domain/order';
import { orderStaticDetails, orderSummaryAttribute, orderSummaryLine } from '../../domain/order-summary';
import type { OrderRequisites } from '../../domain/requisites';
import type { OrderInput } from '../../workflows/definitions';
import { decryptSecret, encryptSecret } from '../../infra/security/secrets-at-rest';
import type { Keyring } from '../../infra/security/keyring';
import {
  DirectionKey,
  ExternalTransactionIdKey,
  MerchantIdKey,
  OrderStatusKey,
  OrderSummaryKey,
} from '../../workflows/search-attributes';
import type { ApiDependencies } from '../app';

/**
 * The order row's columns a workflow's input is built from, for SELECT and RETURNING lists: the create and the
 * reconciler (api/orders/reconciler.ts) build it the same way, from the row, through orderWorkflowInput.
 */
const REQUISITES_CONTEXT = 'orders.requisites';

/** The payer's requisites as the order row keeps them: sealed under the keyring. */
export function sealRequisites(keyring: Keyring, requisites: OrderRequisites): string {
  return encryptSecret(keyring, JSON.stringify(requisites), REQUISITES_CONTEXT);
}

function openRequisites(keyring: Keyring, stored: OrderInputRow['requisites']): OrderRequisites {
  if (stored === null) return {};
  if (typeof stored !== 'string') return stored;
  return JSON.parse(decryptSecret(keyring, stored, REQUISITES_CONTEXT)) as OrderRequisites;
}

/**
 * The order workflow's input, from the order row and the API's settings: a hosted form's lifetime and the cards
 * its payer may try are the API's `payformLifetimeMs` and `payformCardTries` when set (docs/payment-page.md), else
 * the workflow's defaults.
 */
export function orderWorkflowInput(
  row: OrderInputRow,
  keyring: Keyring,
  settings: {
    payformLifetimeMs?: number | undefined;
    payformCardTries?: number | undefined;
    merchantName?: string | undefined;
  } = {},
): OrderInput {
  return {
    orderId: row.id,
    merchantId: row.merchant_id,
    externalTransactionId: row.external_transaction_id,
    ...(settings.merchantName !== undefined ? { merchantName: settings.merchantName } : {}),
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    pipelineId: row.pipeline_id!,
    mode: row.mode ?? 'sandbox',
    method: row.method ?? 'card',
    requisites: openRequisites(keyring, row.requisites),
    ...(row.callback_url ? { callbackUrl: row.callback_url } : {}),
    ...(row.flow === 'h2c' ? { payform: true } : {}),
    ...(row.flow === 'h2c' && settings.payformLifetimeMs ? { payformLifetimeMs: settings.payformLifetimeMs } : {}),
    ...(row.flow === 'h2c' && settings.payformCardTries ? { payformCardTries: settings.payformCardTries } : {}),
  };
}

/**
 * How an order's workflow starts, less the task queue and the id policies: its id, its input, and what the Temporal
 * Web UI shows of it from the start (docs/temporal-web-ui.md): the summary line and static details (user metadata,
 * encrypted by the payload codec like every payload) and the search attributes, among them `OrderSummary` for the
 * Workflows list (in clear: only the order's direction, amount, currency, merchant name and status). Nothing of the
 * payer's.
 */
export function orderStartOptions(direction: Direction, input: OrderInput) {
  const facts = { ...input, direction };
  return {
    workflowId: orderWorkflowId(direction, input.orderId),
    args: [input] as [OrderInput],
    staticSummary: orderSummaryLine(facts),
    staticDetails: orderStaticDetails(facts, input.payform ? 'hosted payment page' : 'host to host'),
    typedSearchAttributes: [
      { key: MerchantIdKey, value: input.merchantId },
      { key: DirectionKey, value: direction },
      { key: ExternalTransactionIdKey, value: input.externalTransactionId },
      { key: OrderStatusKey, value: 'Created' },
      { key: OrderSummaryKey, value: orderSummaryAttribute(facts, { status: 'Created' }) },
    ],
  };
}

// Temporal calls get their own deadline: the client's retry interceptor would otherwise keep a merchant waiting for
// tens of seconds before the 423 that tells them to retry.
const TEMPORAL_DEADLINE_MS = 5_000;

/**
 * Starts the order's workflow, or finds it running: the workflow id is the order's, so a repeated start (a
 * retried create, the reconciler) never runs an order twice. A closed workflow is left closed.
 */
export async function startOrderWorkflow(
  deps: Pick<
    ApiDependencies,
    'temporal' | 'taskQueue' | 'keyring' | 'payformLifetimeMs' | 'payformCardTries' | 'dataSource'
  >,
  row: OrderInputRow,
): Promise<void> {
  const merchantName = await merchantNameOf(deps.dataSource, row.merchant_id);
  const input = orderWorkflowInput(row, deps.keyring, {
    payformLifetimeMs: deps.payformLifetimeMs,
    payformCardTries: deps.payformCardTries,
    merchantName,
  });
  const client = deps.temporal.client;
  try {
    await client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
      client.workflow.start(row.direction, {
        ...orderStartOptions(row.direction, input),
        taskQueue: deps.taskQueue,
        // Running: attach to it. Closed: refuse to run the order a second time (caught below).
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}
