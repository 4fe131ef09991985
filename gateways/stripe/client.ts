import Stripe from 'stripe';
import { CONNECT_ERRORS } from '../http/transport';
import type { StripeErrorView } from './answers';
import type { StripeGatewaySettings } from './settings';

/**
 * The official `stripe` client for a gateway's settings, pointed at its base URL (stripe-mock by default). Its own
 * network retries are off: the engine's retries (Temporal's, and the cascade table's) decide, with the same
 * idempotency key. Clients are kept per key, address and timeout so their connections are reused.
 */
const clients = new Map<string, Stripe>();

export function stripeClientFor(settings: StripeGatewaySettings): Stripe {
  const cacheKey = `${settings.apiKey}\u0000${settings.baseUrl}\u0000${settings.timeoutMs}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const url = new URL(settings.baseUrl);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    client = new Stripe(settings.apiKey, {
      host: url.hostname,
      port: url.port || (protocol === 'http' ? 80 : 443),
      protocol,
      timeout: settings.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** The parts of whatever the client threw that the answer mapping reads; anything unknown is unreadable (14). */
export function errorViewOf(err: unknown): StripeErrorView {
  if (!(err instanceof Stripe.errors.StripeError)) {
    return { type: 'client_error', message: err instanceof Error ? err.message : String(err) };
  }
  if (err instanceof Stripe.errors.StripeConnectionError) {
    const code = (err.detail as { code?: unknown } | undefined)?.code;
    const timeout = code === 'ETIMEDOUT';
    return {
      type: 'connection_error',
      code: typeof code === 'string' ? code : null,
      message: err.message,
      network: { timeout, sent: !(typeof code === 'string' && CONNECT_ERRORS.has(code)) },
    };
  }
  return {
    type:
      err.type === 'StripeCardError' ? 'card_error' : ((err.raw as { type?: string } | undefined)?.type ?? err.type),
    statusCode: err.statusCode,
    code: err.code ?? null,
    decline_code: err.decline_code ?? null,
    message: err.message,
    ...(err.payment_intent?.id ? { ref: err.payment_intent.id } : {}),
  };
}
