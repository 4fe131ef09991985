import { WorkflowNotFoundError } from '@temporalio/client';
import express, { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { UnknownGatewayError, verifyGatewayCallbackOf } from '../../activities/gateway';
import type { CallbackVerification } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import { createGatewayRegistry } from '../../gateways';
import { gatewayCallbackSignal } from '../../workflows/definitions';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { ErrorBody, openApiRegistry } from '../openapi';
import { unauthenticatedTraffic } from '../unauthenticated-traffic';
import { type CallbackOrder, checkCallbackAgainstOrder } from '../../gateways/amount-claims';
import { answerLateCallback, CallbackAnswer } from './late-callbacks';

/** How long a callback may wait for Temporal before the gateway is told to come back later. */
const SIGNAL_DEADLINE_MS = 10_000;

const CallbackReceived = openApiRegistry.register('GatewayCallbackReceived', CallbackAnswer);

const CallbackRefused = openApiRegistry.register(
  'GatewayCallbackRefused',
  z.object({
    error: z.object({
      code: z.enum(['INVALID_SIGNATURE', 'INVALID_PAYLOAD']).openapi({ example: 'INVALID_SIGNATURE' }),
      message: z.string(),
      historyCode: z
        .string()
        .openapi({ description: 'The code recorded in the order history', example: CODES.CALLBACK_INVALID_SIGNATURE }),
    }),
  }),
);

openApiRegistry.registerPath({
  method: 'post',
  path: '/api/v1/gateways/{gatewayId}/callback',
  summary: "A gateway's notification about one of its payments",
  description:
    'Called by payment gateways, not merchants: the body is signed in the way of the gateway (the sandbox signs it ' +
    'with HMAC-SHA256 in `x-sandbox-signature`). The signature covers the exact bytes, so the body is read raw ' +
    '(at most 100 kB). A refused callback is still recorded in the history of the order it names.',
  request: {
    params: z.object({ gatewayId: z.string().openapi({ description: 'The gateway id (uuid)' }) }),
    body: {
      description: "The gateway's own payload, unchanged",
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
  },
  responses: {
    200: {
      description: 'Verified and handed to the order, or recorded in its history when its workflow had closed',
      content: { 'application/json': { schema: CallbackReceived } },
    },
    400: {
      description:
        'The payload is malformed or does not agree with the order (5.2.2.17); or the path itself does not decode',
      content: { 'application/json': { schema: z.union([CallbackRefused, ErrorBody]) } },
    },
    401: {
      description: 'The signature does not verify (5.2.2.16)',
      content: { 'application/json': { schema: CallbackRefused } },
    },
    404: {
      description: 'Unknown gateway, or no order has this payment reference',
      content: { 'application/json': { schema: ErrorBody } },
    },
    503: {
      description: 'Temporal is unreachable: the gateway should retry later',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});

const REFUSALS: Partial<Record<string, { status: number; code: string; message: string }>> = {
  [CODES.CALLBACK_INVALID_SIGNATURE]: {
    status: 401,
    code: 'INVALID_SIGNATURE',
    message: 'the signature does not verify',
  },
  [CODES.CALLBACK_INVALID_PAYLOAD]: { status: 400, code: 'INVALID_PAYLOAD', message: 'the payload is malformed' },
};

/**
 * body-parser reports a too large or badly encoded body as an error with a status; the shared error handler does
 * not know those, so they are turned into HttpErrors here instead of becoming 500s.
 */
function rawBody(): RequestHandler {
  const parse = express.raw({ type: '*/*', limit: '100kb' });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return next(new HttpError(status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', 'unreadable body'));
      }
      next(err);
    });
}

/** The claim is for the HTTP layer's checks only: workflows never see it. */
function withoutClaim(verification: CallbackVerification): CallbackVerification {
  if (!verification.valid) return verification;
  const { claim: _claim, ...rest } = verification;
  return rest;
}

/** Repeated headers are joined the way HTTP defines, so a connector sees one string per name. */
function flatHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * `POST /api/v1/gateways/:gatewayId/callback`: verifies a gateway's callback and signals the order's workflow.
 * Mounted before the JSON parser: signatures cover the raw body.
 */
export function gatewayCallbacksRouter(deps: ApiDependencies): Router {
  const router = Router();
  const registry = createGatewayRegistry(deps.dataSource);
  const traffic = unauthenticatedTraffic(deps.dataSource, deps.logger);

  async function findOrder(gatewayId: string, gatewayRef: string | undefined) {
    if (!gatewayRef) return undefined;
    const rows: Array<{
      order_id: string;
      workflow_id: string;
      direction: CallbackOrder['direction'];
      amount_minor: string;
      currency: string;
      method: CallbackOrder['method'];
    }> = await deps.dataSource.query(
      `SELECT o.id AS order_id, o.workflow_id, o.direction, o.amount_minor::text, o.currency, o.method
         FROM order_gateway_refs r
         JOIN orders o ON o.id = r.order_id WHERE r.gateway_id = $1 AND r.gateway_ref = $2`,
      [gatewayId, gatewayRef],
    );
    const row = rows[0];
    if (!row) return undefined;
    const money: CallbackOrder = {
      direction: row.direction,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      method: row.method,
    };
    return { order_id: row.order_id, workflow_id: row.workflow_id, money };
  }

  /** False when the workflow is gone (closed and past retention): nothing is left to tell. */
  async function signal(workflowId: string, gatewayId: string, verification: CallbackVerification): Promise<boolean> {
    try {
      await deps.temporal.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        deps.temporal.client.workflow.getHandle(workflowId).signal(gatewayCallbackSignal, { gatewayId, verification }),
      );
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      // Anything else means the callback was not delivered: a 503 makes the gateway send it again.
      throw new HttpError(503, 'TEMPORAL_UNAVAILABLE', 'the callback could not be delivered; retry later');
    }
  }

  router.post('/api/v1/gateways/:gatewayId/callback', rawBody(), async (req, res) => {
    const gatewayId = String(req.params.gatewayId);
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let verified: Awaited<ReturnType<typeof verifyGatewayCallbackOf>>;
    try {
      verified = await verifyGatewayCallbackOf(
        deps.dataSource,
        registry,
        gatewayId,
        { body, headers: flatHeaders(req) },
        deps.keyring,
      );
    } catch (err) {
      if (err instanceof UnknownGatewayError) throw new HttpError(404, 'UNKNOWN_GATEWAY', 'no such gateway');
      throw err;
    }
    const order = await findOrder(gatewayId, verified.verification.gatewayRef);
    // A signed callback is believed only as far as it agrees with the order: currency, amount, amount-update rules.
    const checked = order
      ? checkCallbackAgainstOrder(verified.verification, order.money, verified.amountUpdates)
      : { verification: withoutClaim(verified.verification), refusal: undefined };
    const verification = checked.verification;
    // Body and headers are never logged: they carry signatures. The reference alone is enough to trace a callback.
    const log = {
      gatewayId,
      gatewayRef: verification.gatewayRef,
      code: verification.code,
      ...(checked.refusal ? { refusal: checked.refusal } : {}),
    };

    if (!verification.valid) {
      const refusal = REFUSALS[verification.code] ?? REFUSALS[CODES.CALLBACK_INVALID_PAYLOAD]!;
      // The refusal goes into the history of the order the callback claims to be about, so support can see a
      // gateway calling with a wrong secret; the reference is unverified, which is fine for recording a refusal.
      // Recording is best effort: with Temporal down the answer is still the refusal, since a retry of a callback
      // that does not verify cannot succeed.
      // Only a few refusals per order reach its workflow (api/unauthenticated-traffic.ts): anyone can send them.
      const recorded =
        order && (await traffic.allow(order.order_id, 'refused-callback'))
          ? await signal(order.workflow_id, gatewayId, verification).catch(() => false)
          : false;
      req.log.warn({ ...log, orderId: order?.order_id, recorded }, 'gateway callback refused');
      const message = checked.refusal
        ? `the payload does not agree with the order (${checked.refusal})`
        : refusal.message;
      res.status(refusal.status).json({
        error: { code: refusal.code, message, historyCode: verification.code },
      });
      return;
    }

    if (!order) {
      req.log.warn(log, 'gateway callback for an unknown payment reference');
      throw new HttpError(404, 'UNKNOWN_PAYMENT', 'no order has this payment reference');
    }
    const delivered = await signal(order.workflow_id, gatewayId, verification);
    if (!delivered) {
      await answerLateCallback(req, res, deps.dataSource, { orderId: order.order_id, gatewayId, verification });
      return;
    }
    req.log.info({ ...log, orderId: order.order_id, delivered }, 'gateway callback received');
    res.json(CallbackReceived.parse({ received: true }));
  });
  return router;
}
