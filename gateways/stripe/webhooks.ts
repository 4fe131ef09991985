import Stripe from 'stripe';
import type { CallbackVerification } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import { callbackOf, claimOf, type StripeObjectView } from './answers';
import { stripeClientFor } from './client';
import type { StripeGatewaySettings } from './settings';

/** The events a Stripe gateway's webhook endpoint should send (docs/connectors.md); others are refused (5.2.2.17). */
export const STRIPE_WEBHOOK_EVENTS: readonly string[] = [
  'payment_intent.succeeded',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
  'payout.updated',
];

/**
 * A Stripe webhook: `Stripe-Signature: t=…,v1=…` checked by the stripe package under the gateway's `webhookSecret`,
 * with the tolerance window measured on the engine's clock; then the event's payment object mapped like a status
 * check's. A gateway without a webhook secret accepts no webhook.
 */
export function verifyStripeWebhook(
  raw: RawCallback,
  settings: StripeGatewaySettings,
  now: Date,
): CallbackVerification {
  const unverifiedRef = refOf(raw.body);
  const header = raw.headers['stripe-signature'];
  if (!settings.webhookSecret || !header) return invalidSignature(unverifiedRef);
  let event: Stripe.Event;
  try {
    event = stripeClientFor(settings).webhooks.constructEvent(
      raw.body,
      header,
      settings.webhookSecret,
      settings.webhookToleranceSeconds,
      undefined,
      now.getTime(),
    );
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) return invalidSignature(unverifiedRef);
    return {
      valid: false,
      code: CODES.CALLBACK_INVALID_PAYLOAD,
      ...(unverifiedRef ? { gatewayRef: unverifiedRef } : {}),
    };
  }
  const object = event.data?.object as unknown as StripeObjectView | undefined;
  const known =
    STRIPE_WEBHOOK_EVENTS.includes(event.type) &&
    (object?.object === 'payment_intent' || object?.object === 'payout') &&
    typeof object.id === 'string' &&
    typeof object.status === 'string' &&
    typeof object.amount === 'number' &&
    typeof object.currency === 'string';
  if (!known) {
    return { valid: false, code: CODES.CALLBACK_INVALID_PAYLOAD, ...(object?.id ? { gatewayRef: object.id } : {}) };
  }
  const { status, code, psp } = callbackOf(object);
  return {
    valid: true,
    gatewayRef: object.id,
    status,
    code,
    claim: status === 'success' ? claimOf(object) : { ...claimOf(object), amountMinor: object.amount! },
    psp: { ...psp, code: `${event.type}:${psp.code}` },
  };
}

type RawCallback = { body: string; headers: Record<string, string> };

function invalidSignature(gatewayRef: string | undefined): CallbackVerification {
  return { valid: false, code: CODES.CALLBACK_INVALID_SIGNATURE, ...(gatewayRef ? { gatewayRef } : {}) };
}

/** The object id an unverified body names, for the refused callback's record only. */
function refOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { data?: { object?: { id?: unknown } } })?.data?.object?.id;
    return typeof id === 'string' && /^(pi|po)_[A-Za-z0-9]+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
