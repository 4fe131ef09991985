import { type WorkflowExecutionDescription, WorkflowNotFoundError } from '@temporalio/client';
import type { Router } from 'express';
import { z } from 'zod';
import { callbackOfOrder, listDeliveries } from '../../data/callback-deliveries';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { audited } from '../admin/audit';
import { pageOf, Page, toPage, Uuid } from '../admin/common-schemas';
import { ApiKey, IssuedKey, KeyBody, keyOperations } from '../admin/merchants';
import { accountRoute, type Authenticator } from './route';

/**
 * The merchant cabinet's developer screens (docs/web-app.md): the merchant's API keys (issue, rotate, revoke,
 * through the admin API's key operations, confined to the session's merchant) and its callback deliveries with
 * "Send again". Another merchant's key or order is 404 even by id.
 */

/** How long a rotated key keeps working in the cabinet: long enough to deploy the new one, short enough to matter. */
export const PORTAL_ROTATION_OVERLAP_SECONDS = 3600;

const PortalApiKey = ApiKey.omit({ merchantId: true }).openapi('PortalApiKey');
const PortalIssuedKey = IssuedKey.extend({ key: PortalApiKey }).openapi('PortalIssuedKey');
const Reason = z.string().trim().min(1).max(500).openapi({ description: 'Why, kept in the audit log' });
const Id = z.object({ id: Uuid });

const Delivery = z
  .object({
    id: z.string(),
    orderId: Uuid,
    externalTransactionId: z.string(),
    eventId: z.string(),
    attempt: z.number().int(),
    urlHost: z.string().openapi({ description: 'The host the callback was sent to (no path)' }),
    outcome: z.enum(['delivered', 'failed']),
    code: z.string().nullable().openapi({ description: 'The 6.2.B.RR history code of a failed attempt' }),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    attemptedAt: z.string(),
  })
  .openapi('PortalCallbackDelivery');
const DeliveryFilters = Page.extend({
  orderId: Uuid.optional(),
  outcome: z.enum(['delivered', 'failed']).optional(),
});
const SendAgainBody = z.strictObject({
  requestKey: Uuid.openapi({
    description: 'Made once per click by the caller: the same key again sends nothing more (a double click sends once)',
  }),
});
const SendAgainResult = z
  .object({
    orderId: Uuid,
    workflowId: z.string(),
    duplicate: z.boolean().openapi({
      description: 'True when this request joined an earlier one (the same key, or a send still in flight)',
    }),
  })
  .openapi('PortalCallbackSendAgain');

/** The workflow that sends an order's callback again: one per order at a time. */
export const resendWorkflowId = (orderId: string) => `callback-resend-${orderId}`;

export function portalDeveloperRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const ds = deps.dataSource;
  const keys = keyOperations(ds);
  const mine = { auth: 'session', merchantOnly: true } as const;
  const client = deps.temporal.client;

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/keys',
      summary: "My merchant's API keys (prefixes only; revokedAt in the future during a rotation's overlap)",
      ...mine,
      action: 'portal:keys:read',
      response: z.object({ items: z.array(PortalApiKey) }),
    },
    async ({ caller }) => keys.list(caller.merchantId!),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/portal/keys',
      summary: 'Issue a key to my merchant (its secret is in this answer only)',
      ...mine,
      action: 'portal:keys:write',
      body: KeyBody,
      response: PortalIssuedKey,
      status: 201,
    },
    async ({ body, req, caller }) => keys.issue(req, caller.merchantId!, body),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/portal/keys/{id}/rotate',
      summary: `Rotate one of my keys: a new key (in this answer only); the old one keeps working ${PORTAL_ROTATION_OVERLAP_SECONDS / 60} minutes`,
      ...mine,
      action: 'portal:keys:write',
      params: Id,
      response: PortalIssuedKey.extend({ replaced: PortalApiKey }),
      errors: { 404: 'No such key of mine', 409: 'The key is already revoked or rotated' },
    },
    async ({ params, req, caller }) => keys.rotate(req, params.id, PORTAL_ROTATION_OVERLAP_SECONDS, caller.merchantId!),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/portal/keys/{id}/revoke',
      summary: 'Revoke one of my keys at once, saying why (also a rotated key still in its overlap)',
      ...mine,
      action: 'portal:keys:write',
      params: Id,
      body: z.strictObject({ reason: Reason }),
      response: PortalApiKey,
      errors: { 404: 'No such key of mine', 409: 'The key is already revoked' },
    },
    async ({ params, body, req, caller }) => keys.revoke(req, params.id, caller.merchantId!, body.reason),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/portal/callbacks',
      summary: "My merchant's callback deliveries, newest first; filters: order, outcome",
      ...mine,
      action: 'portal:callbacks:read',
      query: DeliveryFilters,
      response: pageOf(Delivery),
    },
    async ({ query, caller }) => toPage(await listDeliveries(ds, caller.merchantId!, query), query),
  );

  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/portal/callbacks/{id}/send-again',
      summary: "Send an order's callback again (same event and body, signed, as a new attempt); once per requestKey",
      ...mine,
      action: 'portal:callbacks:write',
      params: Id,
      body: SendAgainBody,
      response: SendAgainResult,
      errors: {
        404: 'No such order of mine',
        409: 'The order has no callback to send again, or its own delivery schedule is still running',
        503: 'Temporal is unreachable; nothing was sent',
      },
    },
    async ({ params, body, req, caller }) => {
      const order = await callbackOfOrder(ds, params.id, caller.merchantId!);
      if (!order) throw new HttpError(404, 'NOT_FOUND', `no order ${params.id}`);
      if (!order.eventId || !order.callbackUrl) {
        throw new HttpError(409, 'NO_CALLBACK', 'the order has no callback to send again');
      }
      const workflowId = resendWorkflowId(order.orderId);
      const answer = (duplicate: boolean) => ({ orderId: order.orderId, workflowId, duplicate });
      // A double click: the same key as the latest run of this order's sends (running or done) sends nothing more.
      if ((await describe(workflowId))?.memo?.requestKey === body.requestKey) return answer(true);
      // The order's own schedule, still retrying, would number its next attempt as ours and overwrite our row.
      if ((await describe(order.workflowId))?.status.name === 'RUNNING') {
        throw new HttpError(409, 'CALLBACK_SCHEDULE_RUNNING', 'the order is still delivering its callback');
      }
      await temporal(() =>
        client.workflow.start('resendMerchantCallback', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [{ orderId: order.orderId }],
          memo: { requestKey: body.requestKey },
          staticSummary: `Merchant callback of order ${order.orderId} sent again from the merchant cabinet`,
          // One send of an order at a time: a second request while one runs joins it; after it, a new one starts.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      );
      // USE_EXISTING: a send still in flight (another key) was joined, not repeated.
      if ((await describe(workflowId))?.memo?.requestKey !== body.requestKey) return answer(true);
      return audited(ds, req, async () => ({
        result: answer(false),
        changes: [
          {
            action: 'resend',
            entityType: 'order',
            entityId: order.orderId,
            before: null,
            after: { callback: 'sent again', workflowId, eventId: order.eventId, requestKey: body.requestKey },
          },
        ],
      }));
    },
  );

  /** A workflow's description; undefined when there is no such workflow. 503 when Temporal does not answer. */
  async function describe(workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await temporal(() => client.workflow.getHandle(workflowId).describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async function temporal<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await client.withDeadline(Date.now() + 10_000, call);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      throw new HttpError(503, 'TEMPORAL_UNAVAILABLE', 'Temporal did not answer; nothing was sent, try again');
    }
  }
}
