import { z } from 'zod';
import { ErrorBody, openApiRegistry } from './openapi';

/** Paths and webhooks no router declares: the merchant callbacks (as `webhooks`) and the hosted payment page. */

/** The body the engine POSTs to a merchant's callbackUrl (docs/merchant-callbacks.md). */
const MerchantCallback = openApiRegistry.register(
  'MerchantCallback',
  z.object({
    eventId: z.uuid().openapi({ description: 'The same on every attempt: deduplicate on it' }),
    externalId: z.uuid().openapi({ description: "The engine's order id" }),
    externalTransactionId: z.string().openapi({ description: "The merchant's id of the order" }),
    orderStatus: z.enum(['Success', 'Failed']),
    amount: z.number().openapi({ description: 'Major units', example: 10.5 }),
    currency: z.string().openapi({ example: 'USD' }),
  }),
);

openApiRegistry.registerWebhook({
  method: 'post',
  path: 'orderFinal',
  operationId: 'merchantCallback',
  summary: "Sent to the order's callbackUrl when it reaches Success or Failed",
  description:
    'Signed with the merchant\'s callback secret: `X-PayStar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. ' +
    'Any 2xx acknowledges; anything else is retried for 26 hours. See docs/merchant-callbacks.md.',
  request: {
    headers: z.object({
      'X-PayStar-Event-Id': z.uuid(),
      'Idempotency-Key': z.uuid(),
      'X-PayStar-Signature': z.string().openapi({ example: 't=1763800000,v1=5f0c…e91a' }),
    }),
    body: {
      content: {
        'application/json': {
          schema: MerchantCallback,
          example: {
            eventId: '3f2c9d1e-7a4b-4c8e-9f10-2b6d8e5a4c71',
            externalId: 'a30288b2-220a-4495-9bcb-6821dcc39331',
            externalTransactionId: 'Merch12345',
            orderStatus: 'Success',
            amount: 10.5,
            currency: 'USD',
          },
        },
      },
    },
  },
  responses: {
    200: { description: 'Acknowledged (any 2xx)' },
    default: { description: 'Not acknowledged: the engine retries on its schedule' },
  },
});

/** The hosted payment page (api/routes/payment-form.ts): HTML for payers, no key; the order id is the capability. */
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const PayParams = z.object({ externalId: z.string().openapi({ description: 'The order id (a UUID)' }) });
openApiRegistry.registerPath({
  method: 'get',
  path: '/pay/{externalId}',
  operationId: 'getPaymentPage',
  summary: 'The hosted payment page of a host-to-client deposit',
  tags: ['payment page'],
  request: { params: PayParams },
  responses: {
    200: html(
      "The card form; once a card was submitted, the card's verification challenge, the live result, or the outcome when no URL was given",
    ),
    303: {
      description: "The order is final: to the merchant's successRedirectUrl or failedRedirectUrl",
      headers: z.object({ Location: z.string() }),
    },
    400: { description: 'The path does not decode', content: { 'application/json': { schema: ErrorBody } } },
    404: html('No host-to-client order with this id'),
    409: html('No gateway can take this order: no card is asked for'),
  },
});
openApiRegistry.registerPath({
  method: 'post',
  path: '/pay/{externalId}/challenge',
  operationId: 'answerPaymentPageChallenge',
  summary: "The payer answers the card's verification challenge (3-D Secure), or cancels it",
  tags: ['payment page'],
  request: {
    params: PayParams,
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            action: z.enum(['confirm', 'cancel']),
            code: z.string().optional().openapi({ description: "The bank's code (sandbox: 123456)" }),
          }),
        },
      },
    },
  },
  responses: {
    200: html('No challenge is waiting: where the payment is'),
    202: html('Answered: the page follows the order to its end'),
    303: {
      description: "No challenge is waiting: to the payment page, or to the merchant's page once the order is final",
      headers: z.object({ Location: z.string() }),
    },
    400: {
      description: 'The code is not digits (HTML), or the path does not decode (JSON)',
      content: { 'text/html': { schema: z.string() }, 'application/json': { schema: ErrorBody } },
    },
    403: html('The form was posted from another site'),
    404: html('No host-to-client order with this id'),
    429: html('Too many attempts for this payment'),
  },
});
openApiRegistry.registerPath({
  method: 'get',
  path: '/pay/{externalId}/status',
  operationId: 'getPaymentPageStatus',
  summary: "Where the payment is, for the page's script (no personal data)",
  tags: ['payment page'],
  request: { params: PayParams },
  responses: {
    200: {
      description: 'The state, and the merchant page for it',
      content: {
        'application/json': {
          schema: z.object({
            status: z.enum(['awaiting-card', 'processing', 'success', 'failed']),
            final: z.boolean(),
            redirectUrl: z.string().nullable(),
            /** The issuer declined the last card and the page takes another one (docs/payment-page.md). */
            cardDeclined: z.boolean().optional(),
          }),
        },
      },
    },
    400: { description: 'The path does not decode', content: { 'application/json': { schema: ErrorBody } } },
    404: {
      description: 'No host-to-client order with this id',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});
openApiRegistry.registerPath({
  method: 'post',
  path: '/pay/{externalId}/refused',
  operationId: 'reportPaymentPageRefusal',
  summary: "The page's script refused card details before sending them: which fields (never their values)",
  tags: ['payment page'],
  request: {
    params: PayParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            fields: z
              .array(z.enum(['cardNumber', 'cardExpiry', 'cardCvc']))
              .min(1)
              .max(3),
          }),
        },
      },
    },
  },
  responses: {
    204: { description: 'Counted (3.2.1.59 in the order history while the order waits for a card, within a budget)' },
    400: { description: 'Not a list of those fields', content: { 'application/json': { schema: ErrorBody } } },
    404: {
      description: 'No host-to-client order with this id',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});
openApiRegistry.registerPath({
  method: 'post',
  path: '/pay/{externalId}/activity',
  operationId: 'reportPaymentPageActivity',
  summary: 'What the payer did on the form that the server cannot see: started typing, or left the page (a beacon)',
  tags: ['payment page'],
  request: {
    params: PayParams,
    query: z.object({ event: z.enum(['entered', 'left']) }),
  },
  responses: {
    204: {
      description:
        'Counted (3.0.1.53 / 3.0.1.52 in the order history, once per card try, while the order waits for a card, within a budget)',
    },
    400: { description: 'Not entered or left', content: { 'application/json': { schema: ErrorBody } } },
    404: {
      description: 'No host-to-client order with this id',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});
openApiRegistry.registerPath({
  method: 'post',
  path: '/pay/{externalId}',
  operationId: 'submitPaymentPage',
  summary: 'The payer submits the card, or cancels',
  tags: ['payment page'],
  request: {
    params: PayParams,
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            action: z.enum(['pay', 'cancel']),
            cardNumber: z.string().optional().openapi({ description: '12–19 digits; spaces and dashes allowed' }),
            cardHolder: z.string().optional(),
            cardExpiry: z.string().optional().openapi({ description: 'MM/YY or MM/YYYY, not in the past' }),
            cardCvc: z.string().optional().openapi({ description: '3 or 4 digits; kept until the first attempt' }),
          }),
        },
      },
    },
  },
  responses: {
    200: html('Payment cancelled (no failedRedirectUrl)'),
    202: html("Payment in progress: the page follows the order to its end (or the card's verification challenge)"),
    303: {
      description: "Cancelled: to the merchant's failedRedirectUrl",
      headers: z.object({ Location: z.string() }),
    },
    400: {
      description:
        'The card details are not valid: the form again, errors by the fields (HTML); or the path does not decode (JSON)',
      content: { 'text/html': { schema: z.string() }, 'application/json': { schema: ErrorBody } },
    },
    404: html('No open host-to-client order with this id'),
    409: html('The order is no longer waiting for a card, or no gateway can take it'),
    403: html('The form was posted from another site'),
    429: html('Too many attempts for this payment'),
    503: html('The order did not answer in time: try again'),
  },
});
