import {
  type WorkflowHandle,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { Router } from 'express';
import type { OrderEntity } from '../../entities/order.entity';
import type { RowOf } from '../../entities/rows';
import { z } from 'zod';
import {
  getOrderStateQuery,
  operatorRecheckUpdate,
  operatorResolveUpdate,
  type OrderState,
  type ResumeEvidence,
} from '../../workflows/definitions';
import { ORDER_INPUT_COLUMNS, type OrderInputRow } from '../../data/order-store';
import { orderStartOptions, orderWorkflowInput } from '../orders/workflow-start';
import { merchantNameOf } from '../../data/merchants';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminRoute } from './admin-route';
import { audited, type AuditedChange } from './audit';
import { Uuid } from './common-schemas';

/**
 * Operator actions on a running order, without SQL (docs/admin-api.md): check the gateway now, settle an order in
 * reconciliation on the gateway's evidence, cancel (stop trying, settle truthfully). Each is carried out by the
 * order's workflow — an Update whose validator may refuse it (409 with its reason), or a cancellation request — and
 * goes to the audit log once the workflow accepted it; the order's history names the operator and the reason too.
 */

/** How long an action may wait for the workflow (a recheck includes one call to the gateway). */
const ACTION_DEADLINE_MS = 30_000;
/** How a workflow of the previous release, which has no operator Updates, refuses one (the SDK's message). */
const NO_UPDATE_HANDLER = 'No registered handler for update';

const OrderParams = z.object({ orderId: Uuid.openapi({ description: 'The order id (its externalId)' }) });
const Reason = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(500)
  .openapi({ description: 'Why: kept in the history and the audit log' });

const RecheckBody = z.strictObject({ reason: Reason });
const ResolveBody = z.strictObject({
  outcome: z.enum(['success', 'failed']).openapi({ description: 'What the gateway shows for the payment' }),
  evidence: z.string().trim().min(1, 'is required').max(1000).openapi({
    description: "The gateway's evidence: a reference, a report line",
    example: 'PSP report 2026-11-29 line 42',
  }),
  reason: Reason,
});
// An operator's decision to stop an order needs its why like the others (the audit log's note, the history).
const CancelBody = z.strictObject({ reason: Reason });

const Reconciliation = z.enum(['open', 'review']).nullable().openapi({
  description: '`open`: the outcome is unknown past the deadline; `review`: a gateway contradicted the final status',
});
const OrderActionResult = z
  .object({
    id: Uuid,
    workflowId: z.string(),
    status: z.enum(['Created', 'Processing', 'Success', 'Failed']),
    reconciliation: Reconciliation,
    cancelRequested: z.boolean(),
    history: z
      .array(z.object({ seq: z.number(), code: z.string(), at: z.string() }))
      .openapi({ description: "The order's history as the workflow holds it after the action" }),
  })
  .openapi('OrderActionResult');

type OrderRow = RowOf<OrderEntity, 'id' | 'workflowId' | 'status'>;

const resultOf = (order: OrderRow, state: OrderState) => ({
  id: order.id,
  workflowId: order.workflow_id,
  status: state.status,
  reconciliation: state.reconciliation ?? null,
  cancelRequested: state.cancelRequested === true,
  history: state.history.map((h) => ({ seq: h.seq, code: h.code, at: h.at })),
});

/** Temporal's answers as an operator can act on them; anything else is the shared handler's 500. */
function actionError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new HttpError(409, 'ORDER_CLOSED', "the order's workflow has closed: its outcome is final");
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new HttpError(
      503,
      'TEMPORAL_UNAVAILABLE',
      'the order did not answer in time; see its history before retrying',
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const message = err.cause instanceof Error ? err.cause.message : err.message;
    if (message.startsWith(NO_UPDATE_HANDLER)) {
      return new HttpError(409, 'NOT_SUPPORTED', 'the order was started before operator actions existed');
    }
    return new HttpError(409, 'REFUSED', message);
  }
  return err;
}

export function adminOrderActionsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const client = deps.temporal.client;

  async function orderOf(orderId: string): Promise<OrderRow> {
    const [row]: OrderRow[] = await ds.query(`SELECT id, workflow_id, status FROM orders WHERE id = $1`, [orderId]);
    if (!row) throw new HttpError(404, 'NOT_FOUND', `no order ${orderId}`);
    return row;
  }

  async function act<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await client.withDeadline(Date.now() + ACTION_DEADLINE_MS, action);
    } catch (err) {
      throw actionError(err);
    }
  }

  /**
   * One action endpoint: the order is looked up, the workflow carries out `perform`, and the accepted action goes to
   * the audit log: the order's status before and after, what was asked (outcome, evidence) and the reason as note.
   */
  function orderAction<B extends z.ZodType<{ reason?: string | undefined }>>(def: {
    action: AuditedChange['action'];
    summary: string;
    body: B;
    conflict: string;
    perform: (handle: WorkflowHandle, body: z.infer<B>, operator: string) => Promise<OrderState>;
  }) {
    adminRoute(
      router,
      {
        method: 'post',
        path: `/orders/{orderId}/${def.action}`,
        summary: def.summary,
        params: OrderParams,
        body: def.body,
        response: OrderActionResult,
        errors: { 404: 'No such order', 409: def.conflict, 503: 'The workflow did not answer in time' },
      },
      async ({ params, body, req }) => {
        const order = await orderOf(params.orderId);
        const state = await def.perform(client.workflow.getHandle(order.workflow_id), body, req.admin!.actor);
        const result = resultOf(order, state);
        const { reason, ...request } = body;
        await audited(ds, req, async () => ({
          result: undefined,
          changes: [
            {
              action: def.action,
              entityType: 'order',
              entityId: order.id,
              before: { status: order.status },
              after: { status: result.status, reconciliation: result.reconciliation, ...request },
              note: reason ?? null,
            },
          ],
        }));
        return result;
      },
    );
  }

  orderAction({
    action: 'recheck',
    summary: "Check the order's gateway payment now (an order waiting on timers or in reconciliation)",
    body: RecheckBody,
    conflict: 'The workflow refused: no gateway payment is waiting, or it has closed',
    perform: (handle, body, operator) =>
      act(() => handle.executeUpdate(operatorRecheckUpdate, { args: [{ operator, reason: body.reason }] })),
  });

  orderAction({
    action: 'resolve',
    summary: "Settle an order in reconciliation on the gateway's evidence",
    body: ResolveBody,
    conflict: "The workflow's validator refused (its message says why), or it has closed",
    perform: (handle, body, operator) =>
      act(() => handle.executeUpdate(operatorResolveUpdate, { args: [{ operator, ...body }] })),
  });

  orderAction({
    action: 'cancel',
    summary: 'Cancel an order: stop trying, then settle truthfully (a payment in flight is resolved first)',
    body: CancelBody,
    conflict: 'The workflow has closed, or was started before cancellation was handled',
    perform: async (handle) => {
      // A closed workflow is final; some servers accept a cancellation of one silently, so it is checked first.
      const { status } = await act(() => handle.describe());
      if (status.name !== 'RUNNING')
        throw actionError(new WorkflowNotFoundError('closed', handle.workflowId, undefined));
      const state = await act(() => handle.query(getOrderStateQuery));
      // A workflow of the previous release would stop at once on a cancellation and leave the order unsettled.
      if (state.cancelRequested === undefined) {
        throw new HttpError(409, 'NOT_SUPPORTED', 'the order was started before cancellation was handled');
      }
      await act(() => handle.cancel());
      return { ...state, cancelRequested: true };
    },
  });
  adminRoute(
    router,
    {
      method: 'post',
      path: '/orders/{orderId}/rebuild',
      summary:
        'Rebuild the truth of an order whose workflow was terminated: check the gateway, settle, release, notify',
      params: OrderParams,
      body: RecheckBody,
      response: RebuildResult,
      errors: { 404: 'No such order', 409: "The order's workflow was not terminated", 503: 'Temporal is unreachable' },
    },
    async ({ params, body, req }) => {
      const order = await orderOf(params.orderId);
      const handle = client.workflow.getHandle(order.workflow_id);
      const { status } = await act(() => handle.describe());
      if (status.name !== 'TERMINATED' && status.name !== 'TIMED_OUT') {
        throw new HttpError(409, 'NOT_TERMINATED', `the order's workflow is ${status.name.toLowerCase()}`);
      }
      const resume = await evidenceOf(order, req.admin!.actor, body.reason);
      const [row]: OrderInputRow[] = await ds.query(`SELECT ${ORDER_INPUT_COLUMNS} FROM orders WHERE id = $1`, [
        order.id,
      ]);
      const merchantName = await merchantNameOf(ds, row!.merchant_id);
      const input = { ...orderWorkflowInput(row!, deps.keyring, { merchantName }), resume };
      const { staticSummary, staticDetails } = orderStartOptions(row!.direction, input);
      await act(() =>
        client.workflow.start(row!.direction, {
          taskQueue: deps.taskQueue,
          workflowId: order.workflow_id,
          args: [input],
          staticSummary,
          // Who and why are in the audit log and the order's history, not in metadata anyone with UI access reads.
          staticDetails: `${staticDetails}\n\nRebuilt by an operator after its previous run was terminated.`,
          // The terminated run stays in the workflow's history; this is its successor.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      );
      const result = { id: order.id, workflowId: order.workflow_id, attempts: resume.attempts.length };
      await audited(ds, req, async () => ({
        result: undefined,
        changes: [
          {
            action: 'rebuild',
            entityType: 'order',
            entityId: order.id,
            before: { status: order.status, workflow: status.name },
            after: { attempts: resume.attempts.length, holdPlaced: resume.holdPlaced },
            note: body.reason,
          },
        ],
      }));
      return result;
    },
  );

  /** What PostgreSQL knows: the history's length and gateways in the order they were tried, refs, the hold. */
  async function evidenceOf(order: OrderRow, operator: string, reason: string): Promise<ResumeEvidence> {
    const entries: Array<{ seq: number; gateway_id: string | null }> = await ds.query(
      `SELECT seq, gateway_id FROM order_history WHERE order_id = $1 ORDER BY seq`,
      [order.id],
    );
    const refs: Array<{ gateway_id: string; gateway_ref: string }> = await ds.query(
      `SELECT gateway_id, gateway_ref FROM order_gateway_refs WHERE order_id = $1`,
      [order.id],
    );
    const [hold]: Array<{ status: string }> = await ds.query(`SELECT status FROM balance_holds WHERE order_id = $1`, [
      order.id,
    ]);
    const gateways = [...new Set(entries.flatMap((e) => (e.gateway_id ? [e.gateway_id] : [])))];
    return {
      operator,
      reason,
      historyLength: entries.at(-1)?.seq ?? 0,
      status: order.status,
      // The workflow keys each gateway of its route by position (workflows/steps/cascade.ts).
      attempts: gateways.map((gatewayId, i) => ({
        gatewayId,
        idempotencyKey: `${order.workflow_id}:${i + 1}`,
        gatewayRef: refs.find((r) => r.gateway_id === gatewayId)?.gateway_ref ?? null,
      })),
      holdPlaced: hold?.status === 'held',
    };
  }
  return router;
}

const RebuildResult = z
  .object({
    id: Uuid,
    workflowId: z.string(),
    attempts: z.number().int().openapi({ description: 'Gateways the order had tried; the last is checked first' }),
  })
  .openapi('OrderRebuildResult');
