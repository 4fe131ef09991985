import { z } from 'zod';
import { ErrorBody, merchantBearer, openApiRegistry } from '../openapi';
import { CreateOrderRequest, CreateOrderResponse, OrderStatusResponse } from './schemas';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ErrorBody) });

/** Registers the eight order paths once (the router module is loaded once per process). */
export function registerOrderPaths(): void {
  for (const [path, direction] of [
    ['deposit-order', 'deposit'],
    ['withdrawal-order', 'payout'],
  ] as const) {
    openApiRegistry.registerPath({
      method: 'post',
      path: `/api/v1/integration/${path}`,
      summary: `Create a ${direction} order (${direction} keys only)`,
      security: [{ [merchantBearer.name]: [] }],
      request: {
        body: {
          description:
            direction === 'payout'
              ? 'A payout needs a destination in additionalFields: cardNumber, cardToken, cardStorageToken, ' +
                'payeerIdentifier or bankName (otherwise 400 on additionalFields)'
              : 'Without cardNumber, cardToken, cardStorageToken, payeerIdentifier or bankName the deposit is ' +
                'host-to-client: the answer carries paymentFormUrl',
          content: json(CreateOrderRequest),
          required: true,
        },
      },
      responses: {
        200: { description: 'Order created, or the same order for a retry', content: json(CreateOrderResponse) },
        400: error('Invalid request: every bad field is named; or no pipeline configured'),
        401: error('Missing, unknown or revoked key'),
        403: error(`Not a ${direction} key`),
        409: error('externalTransactionId already used with a different request'),
        423: error('Temporary error: retry with the same externalTransactionId'),
      },
    });
    for (const [suffix, param, description] of [
      ['{externalId}/status', 'externalId', "The engine's order id (PayStar externalId)"],
      [
        '{externalTransactionId}/status-by-external-transaction-id',
        'externalTransactionId',
        "The merchant's id of the order",
      ],
    ] as const) {
      openApiRegistry.registerPath({
        method: 'get',
        path: `/api/v1/integration/${path}/${suffix}`,
        summary: `Status and history of a ${direction} order`,
        security: [{ [merchantBearer.name]: [] }],
        request: { params: z.object({ [param]: z.string().openapi({ description }) }) },
        responses: {
          200: { description: 'The order', content: json(OrderStatusResponse) },
          401: error('Missing, unknown or revoked key'),
          403: error(`Not a ${direction} key`),
          404: error("No such order of this merchant (another merchant's orders are never shown)"),
          423: error('Temporary error: retry'),
        },
      });
    }
  }
}
