import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { OrderInputRow } from '../../data/order-store';
import { orderWorkflowId } from '../../domain/order';
import type { OrderRequisites } from '../../domain/requisites';
import type { OrderInput } from '../../workflows/definitions';
import { decryptSecret, encryptSecret } from '../../infra/security/secrets-at-rest';
import type { Keyring } from '../../infra/security/keyring';
import {
  DirectionKey,
  ExternalTransactionIdKey,
  MerchantIdKey,
  OrderStatusKey,
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
  settings: { payformLifetimeMs?: number | undefined; payformCardTries?: number | undefined } = {},
): OrderInput {
  return {
    orderId: row.id,
    merchantId: row.merchant_id,
    externalTransactionId: row.external_transaction_id,
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

// Temporal calls get their own deadline: the client's retry interceptor would otherwise keep a merchant waiting for
// tens of seconds before the 423 that tells them to retry.
const TEMPORAL_DEADLINE_MS = 5_000;

/**
 * Starts the order's workflow, or finds it running: the workflow id is the order's, so a repeated start (a
 * retried create, the reconciler) never runs an order twice. A closed workflow is left closed.
 */
export async function startOrderWorkflow(
  deps: Pick<ApiDependencies, 'temporal' | 'taskQueue' | 'keyring' | 'payformLifetimeMs' | 'payformCardTries'>,
  row: OrderInputRow,
): Promise<void> {
  const input = orderWorkflowInput(row, deps.keyring, deps);
  const client = deps.temporal.client;
  try {
    await client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
      client.workflow.start(row.direction, {
        taskQueue: deps.taskQueue,
        workflowId: orderWorkflowId(row.direction, input.orderId),
        args: [input],
        // Running: attach to it. Closed: refuse to run the order a second time (caught below).
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: MerchantIdKey, value: input.merchantId },
          { key: DirectionKey, value: row.direction },
          { key: ExternalTransactionIdKey, value: input.externalTransactionId },
          { key: OrderStatusKey, value: 'Created' },
        ],
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}
