import { z } from 'zod';
import { CURRENCY_EXPONENTS, isCurrency, MAX_AMOUNT_MINOR, toMinorUnits, type Currency } from '../../domain/money';
import type { KeyMode } from '../../domain/order';
import { normalizeCardNumber, normalizeRequisite, RequisiteFormatError } from '../../domain/requisite-normalization';
import { openApiRegistry } from '../openapi';

/** The `additionalFields` keys the engine understands; any other key is refused (see docs/merchant-api.md). */
export const ADDITIONAL_FIELD_KEYS = [
  'cardNumber',
  'cardHolder',
  'bankName',
  'payeerIdentifier',
  'email',
  'phone',
  'ip',
  'cardToken',
  'cardStorageToken',
  'cardExpiry',
  'cardCvc',
  'saveCard',
] as const;

/** One known `additionalFields` key. */
export type AdditionalFieldKey = (typeof ADDITIONAL_FIELD_KEYS)[number];

const isAdditionalFieldKey = (key: string): key is AdditionalFieldKey =>
  (ADDITIONAL_FIELD_KEYS as readonly string[]).includes(key);

// Redirects and callbacks go to the merchant's web site: anything but http(s) (javascript:, file:, …) is refused.
const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

/** The create body of seed 003, shared by deposits and payouts. */
export const CreateOrderRequest = openApiRegistry.register(
  'CreateOrderRequest',
  z
    .object({
      amount: z
        .number()
        .positive()
        .max(MAX_AMOUNT_MINOR)
        .openapi({
          description:
            'Major units; no more decimals than the currency has, and at most 450359962737049 minor units ' +
            '(4503599627370.49 USD, 450359962737049 JPY): what the ledger holds exactly',
          example: 100,
        }),
      currency: z
        .string()
        .refine(isCurrency, { message: `must be one of ${Object.keys(CURRENCY_EXPONENTS).join(', ')}` })
        .openapi({ example: 'RUB' }),
      externalTransactionId: z
        .string()
        .min(1)
        .max(128)
        .openapi({ description: "The merchant's id of the order; the idempotency key", example: 'Merch12345' }),
      callbackUrl: httpUrl.optional().openapi({ example: 'https://merch.com/callbackUrl' }),
      processingRedirectUrl: httpUrl.optional().openapi({ example: 'https://merch.com/processing' }),
      failedRedirectUrl: httpUrl.optional().openapi({ example: 'https://merch.com/failed' }),
      successRedirectUrl: httpUrl.optional().openapi({ example: 'https://merch.com/success' }),
      additionalFields: z
        .array(z.object({ key: z.string(), value: z.string().max(256) }))
        .max(ADDITIONAL_FIELD_KEYS.length)
        .default([])
        .openapi({
          description: `Payer data as key/value pairs. Known keys: ${ADDITIONAL_FIELD_KEYS.join(', ')}; any other key is a 400.`,
          example: [{ key: 'cardNumber', value: '1234123412341234' }],
        }),
    })
    .strict(),
);

/** The create body after validation. */
export type CreateOrderBody = z.infer<typeof CreateOrderRequest>;

/** A validated create request: amount in minor units, additional fields as a map. */
export interface ValidatedOrderRequest {
  amountMinor: number;
  currency: Currency;
  externalTransactionId: string;
  callbackUrl?: string;
  processingRedirectUrl?: string;
  failedRedirectUrl?: string;
  successRedirectUrl?: string;
  fields: Partial<Record<AdditionalFieldKey, string>>;
}

/** A card's expiry as payers write it: MM/YY or MM/YYYY. */
export const CARD_EXPIRY = /^(0[1-9]|1[0-2])\/(\d{2}|\d{4})$/;
/** A CVC/CVV: 3 digits, 4 for some schemes. */
export const CARD_CVC = /^\d{3,4}$/;

/** Luhn mod-10 over the digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The request schema for one key mode. Checks that depend on another field (decimals per currency) or on the key
 * (Luhn only for live keys, so sandbox test cards pass) are refinements here; they are all continuable, so one 400
 * names every bad field. Built once per mode: building a zod schema costs about 40 times a parse with it, and
 * every create parses one.
 */
export function createOrderSchema(mode: KeyMode) {
  return (orderSchemas[mode] ??= buildCreateOrderSchema(mode));
}

const orderSchemas: Partial<Record<KeyMode, ReturnType<typeof buildCreateOrderSchema>>> = {};

function buildCreateOrderSchema(mode: KeyMode) {
  return CreateOrderRequest.extend({
    additionalFields: CreateOrderRequest.shape.additionalFields.superRefine((fields, ctx) =>
      checkAdditionalFields(fields, mode, ctx),
    ),
  }).superRefine((body, ctx) => {
    if (!isCurrency(body.currency) || !(body.amount > 0)) return;
    try {
      toMinorUnits(body.amount, body.currency);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: (err as Error).message });
    }
  });
}

function checkAdditionalFields(
  fields: Array<{ key: string; value: string }>,
  mode: KeyMode,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  const fail = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  fields.forEach(({ key, value }, index) => {
    if (!isAdditionalFieldKey(key)) {
      fail([index, 'key'], `unknown additional field "${key}"; allowed keys: ${ADDITIONAL_FIELD_KEYS.join(', ')}`);
      return;
    }
    // Value problems are reported under the key's name (additionalFields.cardNumber), which is what merchants know.
    if (seen.has(key)) return fail([key], `${key} is given more than once`);
    seen.add(key);
    if (value.trim() === '') return fail([key], `${key} must not be empty`);
    if (key === 'email' || key === 'phone' || key === 'ip' || key === 'payeerIdentifier') {
      try {
        normalizeRequisite(key, value);
      } catch (err) {
        if (!(err instanceof RequisiteFormatError)) throw err;
        fail([key], err.message);
      }
      return;
    }
    if (key === 'cardExpiry') {
      if (!CARD_EXPIRY.test(value.trim())) fail([key], 'cardExpiry must be MM/YY or MM/YYYY');
      return;
    }
    if (key === 'saveCard') {
      if (value.trim() !== 'true' && value.trim() !== 'false') fail([key], 'saveCard must be "true" or "false"');
      return;
    }
    if (key === 'cardCvc') {
      if (!CARD_CVC.test(value.trim())) fail([key], 'cardCvc must be 3 or 4 digits');
      return;
    }
    if (key !== 'cardNumber') return;
    let digits: string;
    try {
      digits = normalizeCardNumber(value);
    } catch (err) {
      if (!(err instanceof RequisiteFormatError)) throw err;
      return fail([key], 'cardNumber must be 12–19 digits');
    }
    if (mode === 'live' && !passesLuhn(digits)) fail([key], 'cardNumber fails the Luhn check');
  });
}

/** The create answer of seed 003; `paymentFormUrl` only for host-to-client deposits. */
export const CreateOrderResponse = openApiRegistry.register(
  'CreateOrderResponse',
  z.object({
    externalId: z.string().uuid().openapi({ example: 'a30288b2-220a-4495-9bcb-6821dcc39331' }),
    orderStatus: z.enum(['Created', 'Processing', 'Success', 'Failed']).openapi({ example: 'Created' }),
    paymentFormUrl: z.string().optional().openapi({
      description: 'Host-to-client deposits only: where to send the payer (the hosted form itself is not served yet)',
    }),
    cardStorageToken: z.string().optional().openapi({
      description: 'Deposits with saveCard "true" only: the token later deposits pass as cardStorageToken',
    }),
  }),
);

/** The status answer of seed 002. */
export const OrderStatusResponse = openApiRegistry.register(
  'OrderStatusResponse',
  z.object({
    externalId: z.string().uuid(),
    orderStatus: z.enum(['Created', 'Processing', 'Success', 'Failed']),
    amount: z.number().openapi({ description: 'Major units', example: 2600 }),
    currency: z.string().openapi({ example: 'USD' }),
    externalTransactionId: z.string(),
    externalParams: z.object({
      cardToken: z.string().nullable(),
      cardStorageToken: z.string().nullable(),
      cardHolder: z.string().nullable(),
      cardNumber: z.string().nullable().openapi({ description: 'Masked: first 6 and last 4 digits', example: null }),
    }),
    orderHistory: z.array(
      z.object({
        time: z.string().openapi({ example: '2025-07-28T09:29:51.339' }),
        action: z.string().openapi({ description: 'Legacy X.Y.Z.W code', example: '1.1.0.0' }),
        code: z.string().openapi({ description: 'v2 A.C.B.RR code', example: '1.1.1.00' }),
        description: z.string().openapi({ example: 'Payment created' }),
      }),
    ),
  }),
);
