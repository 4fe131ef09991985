import type { Request, Response } from 'express';
import { z } from 'zod';
import { recordLateGatewayCallback } from '../../data/order-store';
import type { CallbackVerification } from '../../domain/gateway-contract';
import type { DataSource } from 'typeorm';

/** The answer to a verified callback: `recorded` when it was written to a closed order's history by the API. */
export const CallbackAnswer = z.object({
  received: z.literal(true),
  recorded: z
    .literal(true)
    .optional()
    .openapi({ description: "The order's workflow had closed: the callback was recorded in its history instead" }),
});

/**
 * A valid callback for an order whose workflow has closed (finished, or gone past retention): nothing can act on it
 * any more, but it is not dropped. It is appended to the order's history (`details.late`), and a success the final
 * status does not account for flags the order for operations (1.0.4.78 / 1.0.3.78). No money moves here: a ledger
 * correction is an operator's action. The answer stays 200, so the gateway stops retrying.
 */
export async function answerLateCallback(
  req: Request,
  res: Response,
  dataSource: DataSource,
  callback: { orderId: string; gatewayId: string; verification: Extract<CallbackVerification, { valid: true }> },
): Promise<void> {
  const { orderId, gatewayId, verification } = callback;
  const record = await recordLateGatewayCallback(dataSource, {
    orderId,
    gatewayId,
    gatewayRef: verification.gatewayRef,
    code: verification.code,
    outcome: verification.status,
  });
  const log = {
    gatewayId,
    gatewayRef: verification.gatewayRef,
    code: verification.code,
    orderId,
    recorded: true,
    ...record,
  };
  if (record.review) req.log.warn(log, 'late gateway callback recorded: order flagged for operations');
  else req.log.info(log, 'late gateway callback recorded');
  res.json(CallbackAnswer.parse({ received: true, recorded: true }));
}
