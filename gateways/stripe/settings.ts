import { z } from 'zod';
import type { GatewayEntity } from '../../entities/gateway.entity';
import { parseGatewaySettings } from '../connector';

/**
 * Where a Stripe gateway sends its calls when its settings name no `baseUrl`: stripe-mock's usual port on loopback.
 * A live gateway must name Stripe's API in its settings (docs/connectors.md); nothing here ever points off the machine.
 */
export const STRIPE_DEFAULT_BASE_URL = 'http://127.0.0.1:12111';

/** The default time a Stripe call may take; a create that has not answered by then is ambiguous (2.0.2.11). */
export const STRIPE_DEFAULT_TIMEOUT_MS = 10_000;

/** Stripe's own default webhook tolerance: a signed event older than this is refused (5.2.2.16). */
export const STRIPE_DEFAULT_WEBHOOK_TOLERANCE_S = 300;

/** `gateways.settings` of a Stripe gateway (connector `stripe`). */
export const StripeGatewaySettings = z.object({
  /** The secret API key (`sk_test_…` / `sk_live_…`, or a restricted `rk_…`). */
  apiKey: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/),
  /** Base URL of the API, without /v1: stripe-mock by default; Stripe's API for live gateways. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(STRIPE_DEFAULT_BASE_URL),
  timeoutMs: z.number().int().positive().max(120_000).default(STRIPE_DEFAULT_TIMEOUT_MS),
  /** The webhook endpoint's signing secret (`whsec_…`); without it every webhook is refused as badly signed. */
  webhookSecret: z.string().min(1).optional(),
  webhookToleranceSeconds: z.number().int().positive().max(3_600).default(STRIPE_DEFAULT_WEBHOOK_TOLERANCE_S),
  /** A PaymentMethod used when the order brings no card (test gateways: `pm_card_visa`, …). */
  paymentMethod: z
    .string()
    .regex(/^pm_[A-Za-z0-9_]+$/)
    .optional(),
  /** The connected account (`acct_…`) whose balance pays payouts; absent: the platform account's own. */
  payoutAccount: z
    .string()
    .regex(/^acct_[A-Za-z0-9]+$/)
    .optional(),
  /** Where Stripe sends the payer back after 3DS, when the gateway's payments may need it. */
  returnUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type StripeGatewaySettings = z.infer<typeof StripeGatewaySettings>;

/** The gateway's Stripe settings, or a GatewayMisconfiguredError naming the bad fields (never their values). */
export function stripeSettingsOf(gateway: Pick<GatewayEntity, 'id' | 'settings'>): StripeGatewaySettings {
  return parseGatewaySettings(StripeGatewaySettings, gateway, 'Stripe settings');
}
