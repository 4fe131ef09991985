import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { resendRequest } from '../../data/callback-deliveries';
import type { Keyring } from '../../infra/security/keyring';
import type { MerchantCallbackRequest, MerchantCallbackResult } from '../../domain/merchant-callback-contract';
import {
  MERCHANT_CALLBACK_SIGNATURE_HEADER,
  merchantCallbackSignatureHeader,
} from '../../infra/security/merchant-callback-signature';
import { judgeAttempt } from './classify';
import { recordDelivery } from './delivery-log';
import { parseCallbackUrl, resolveDestination, type ResolveHost, urlForLog } from './destination';
import { serializePayload, validateRequest } from './request';
import { loadCallbackSecret } from './secret';
import { postOnce, type TransportOutcome } from './transport';

/** Options of the merchant callback activities; the defaults are production's. */
export interface MerchantCallbackOptions {
  /** Limit of one attempt: connecting, sending, the status line and the little body read (default 10 s). */
  timeoutMs?: number;
  /**
   * Turns the SSRF guard off (docs/merchant-callbacks.md, "SSRF guard"): true lets callbacks reach loopback and
   * private addresses, for localhost demos and tests. Default false, as the worker's
   * MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS (config/env.ts; `npm start` sets it true for its demo merchants).
   */
  allowPrivateNetworks?: boolean;
  /** The User-Agent header merchants see. */
  userAgent?: string;
  /** Wall clock in ms, for the signature timestamp and the delivery log (the merchant's clock is a real one). */
  now?: () => number;
  /** How host names are resolved (the system resolver; tests answer for names of their own). */
  resolveHost?: ResolveHost;
  /** Opens merchants' callback secrets (stored encrypted); without it, only secrets stored in clear can be used. */
  keyring?: Keyring;
}

/** Default User-Agent of merchant callbacks. */
export const MERCHANT_CALLBACK_USER_AGENT = 'PayStar-Callbacks/1.0';

/** Merchant callback delivery: one attempt per call; the workflow owns the retry schedule. */
export function merchantCallbackActivities(dataSource: DataSource, options: MerchantCallbackOptions = {}) {
  const {
    timeoutMs = 10_000,
    allowPrivateNetworks = false,
    userAgent = MERCHANT_CALLBACK_USER_AGENT,
    now = Date.now,
  } = options;

  return {
    /**
     * The order's callback as it stands, to be sent again (the merchant cabinet's "Send again"): the same event and
     * body, the next attempt number; null when the order has none to repeat. Reads only.
     */
    async prepareCallbackResend(orderId: string): Promise<MerchantCallbackRequest | null> {
      return (await resendRequest(dataSource, orderId)) ?? null;
    },

    /**
     * POSTs the signed payload to the merchant once, records the attempt in merchant_callback_deliveries and
     * returns its outcome. A failed delivery is a result, not an error: the activity throws only for a request no
     * retry can fix (non-retryable) or when the database is unreachable (Temporal retries the same attempt).
     */
    async deliverMerchantCallback(req: MerchantCallbackRequest): Promise<MerchantCallbackResult> {
      const status = validateRequest(req);
      const { secret, generated } = await loadCallbackSecret(dataSource, req.merchantId, req.orderId, options.keyring);
      const context = activityContext();
      if (generated) {
        // The normal start of a merchant's first callback since secrets are created (encrypted) here.
        context?.log.info('merchant callback secret created', { merchantId: req.merchantId });
      }

      const body = serializePayload(req.payload);
      const started = now();
      const outcome = await attempt(req.url, req.payload.eventId, body, secret, context?.cancellationSignal);
      const durationMs = Math.max(0, Math.round(now() - started));
      const verdict = judgeAttempt(status, outcome);
      await recordDelivery(dataSource, {
        orderId: req.orderId,
        merchantId: req.merchantId,
        eventId: req.payload.eventId,
        attempt: req.attempt,
        url: urlForLog(req.url),
        code: verdict.code,
        httpStatus: verdict.httpStatus,
        error: verdict.error,
        durationMs,
        attemptedAt: new Date(started),
      });

      const { orderId, attempt: n, payload } = req;
      const logged = { orderId, eventId: payload.eventId, attempt: n, ...verdict, durationMs };
      if (verdict.delivered) {
        context?.log.info('merchant callback delivered', logged);
        return { delivered: true, httpStatus: verdict.httpStatus };
      }
      context?.log.warn('merchant callback failed', logged);
      const { code, httpStatus } = verdict;
      return httpStatus === null ? { delivered: false, code } : { delivered: false, code, httpStatus };
    },
  };

  /** One attempt, or the reason it was not made (a refused URL is a failed attempt without a request). */
  async function attempt(
    rawUrl: string,
    eventId: string,
    body: string,
    secret: string,
    cancellation: AbortSignal | undefined,
  ): Promise<TransportOutcome> {
    const parsed = parseCallbackUrl(rawUrl);
    if (!parsed.ok) return { ok: false, reason: 'response', error: parsed.error };
    // Resolved once, checked, and that address is the one connected to: no DNS rebinding between check and use.
    const destination = await resolveDestination(parsed.url, allowPrivateNetworks, options.resolveHost);
    if (!destination.ok) return destination;
    const timestamp = Math.floor(now() / 1000);
    const headers = {
      'Content-Type': 'application/json',
      [MERCHANT_CALLBACK_SIGNATURE_HEADER]: merchantCallbackSignatureHeader(secret, timestamp, body),
      'X-PayStar-Event-Id': eventId,
      'Idempotency-Key': eventId,
      'User-Agent': userAgent,
    };
    return postOnce(parsed.url, body, headers, { timeoutMs, cancellation, addresses: destination.addresses });
  }
}

/** The activity's context when running under a worker; undefined when called directly (tests, scripts). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
