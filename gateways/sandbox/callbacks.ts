import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CallbackVerification, RawGatewayCallback } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import type { GatewayEntity } from '../../entities/gateway.entity';
import { callbackOutcomeOf, type PaymentView, PaymentViewSchema } from './protocol';

/**
 * Callbacks of the sandbox PSP (in-process and HTTP simulator alike): a JSON body signed with HMAC-SHA256 under the
 * gateway's callback secret, hex, in `x-sandbox-signature: sha256=<hex>`. The signature covers the exact bytes
 * of the body, so it is checked before the body is parsed.
 */

/** The secret sandbox gateways sign with when their settings name none. Public on purpose: it is test data. */
export const SANDBOX_DEFAULT_CALLBACK_SECRET = 'paystar-sandbox-callback-secret';

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'x-sandbox-signature';

/** The callback body. */
export const CallbackPayloadSchema = z.object({
  event: z.literal('payment.updated'),
  payment: PaymentViewSchema,
});

/** How a built callback is made: signed properly, or broken the way a scenario asks. */
export type CallbackSigning = 'valid' | 'invalid-signature' | 'invalid-payload';

/**
 * The secret a gateway's callbacks are signed with: `settings.callbackSecret`, or the documented default for
 * sandbox gateways. Live gateways without one have none, and every callback to them fails verification.
 */
export function callbackSecretOf(gateway: Pick<GatewayEntity, 'mode' | 'settings'>): string | undefined {
  const configured = gateway.settings?.['callbackSecret'];
  if (typeof configured === 'string' && configured.length > 0) return configured;
  return gateway.mode === 'sandbox' ? SANDBOX_DEFAULT_CALLBACK_SECRET : undefined;
}

/** The signature header value for a body. */
export const signCallbackBody = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** A callback about `view`, as the PSP would POST it. */
export function buildSignedCallback(view: PaymentView, signing: CallbackSigning, secret: string): RawGatewayCallback {
  const body =
    signing === 'invalid-payload'
      ? // Signed, but not what the schema promises: the status is unknown and the amount is text.
        JSON.stringify({ event: 'payment.updated', payment: { id: view.id, status: 'settled', amount: 'ninety' } })
      : JSON.stringify({ event: 'payment.updated', payment: view });
  const key = signing === 'invalid-signature' ? `${secret}:not-the-gateway-secret` : secret;
  return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallbackBody(body, key) } };
}

/** Checks the signature, then the payload, and maps the callback to its history code. */
export function verifySandboxCallback(raw: RawGatewayCallback, secret: string | undefined): CallbackVerification {
  const signature = headerValue(raw.headers, SIGNATURE_HEADER);
  if (!secret || !signature || !sameSignature(signature, signCallbackBody(raw.body, secret))) {
    return { valid: false, code: CODES.CALLBACK_INVALID_SIGNATURE, ...untrustedRef(raw.body) };
  }
  const parsed = CallbackPayloadSchema.safeParse(parseJson(raw.body));
  if (!parsed.success) return { valid: false, code: CODES.CALLBACK_INVALID_PAYLOAD, ...untrustedRef(raw.body) };
  return callbackOutcomeOf(parsed.data.payment);
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The payment id a rejected callback claims, so the rejection can be recorded on the right order. It is
 * unverified: use it to find where to record 5.2.2.16 / 5.2.2.17, never to change a payment.
 */
function untrustedRef(body: string): { gatewayRef?: string } {
  const id = (parseJson(body) as { payment?: { id?: unknown } } | undefined)?.payment?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? { gatewayRef: id } : {};
}
