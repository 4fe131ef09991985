import type { MerchantCallbackResult } from '../domain/merchant-callback-contract';
import { merchantCallbacks, operations } from './activity-profiles';

/**
 * "Send again" of the merchant cabinet (docs/web-app.md): one more attempt of an order's merchant callback, with the
 * same event id and body, signed and guarded like every attempt (the same `deliverMerchantCallback` activity), logged
 * as the next attempt of the event. One run per request: the API starts it under a workflow id per order, so a
 * second click while it runs joins it. Deterministic: no I/O here.
 */
export interface CallbackResendInput {
  orderId: string;
}

export type CallbackResendResult = { sent: false } | ({ sent: true; attempt: number } & MerchantCallbackResult);

export async function resendMerchantCallback(input: CallbackResendInput): Promise<CallbackResendResult> {
  const request = await operations.prepareCallbackResend(input.orderId);
  if (!request) return { sent: false };
  const result = await merchantCallbacks.deliverMerchantCallback.executeWithOptions(
    { summary: `Merchant callback sent again, attempt ${request.attempt}` },
    [request],
  );
  return { sent: true, attempt: request.attempt, ...result };
}
