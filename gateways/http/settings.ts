import { z } from 'zod';
import type { GatewayEntity } from '../../entities/gateway.entity';
import { parseGatewaySettings } from '../connector';

/** The default time an HTTP gateway call may take, connection and answer included. */
export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;

/** `gateways.settings` of an HTTP gateway (connector `http-sim`). */
export const HttpGatewaySettings = z.object({
  /** Base URL of the PSP's API, without /v1. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Bearer key of the merchant account at the PSP. */
  apiKey: z.string().min(1),
  /** Per call; a create that has not answered by then is ambiguous (2.0.2.11). */
  timeoutMs: z.number().int().positive().max(120_000).default(DEFAULT_HTTP_TIMEOUT_MS),
  /** HMAC key of the PSP's callbacks; sandbox gateways fall back to the documented default. */
  callbackSecret: z.string().min(1).optional(),
});

/** Parsed HTTP gateway settings. */
export type HttpGatewaySettings = z.infer<typeof HttpGatewaySettings>;

/** The gateway's settings, or a GatewayMisconfiguredError naming the bad fields (never their values). */
export function httpSettingsOf(gateway: Pick<GatewayEntity, 'id' | 'settings'>): HttpGatewaySettings {
  return parseGatewaySettings(HttpGatewaySettings, gateway);
}
