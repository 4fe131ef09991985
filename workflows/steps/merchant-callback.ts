import * as wf from '@temporalio/workflow';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import {
  MERCHANT_CALLBACK_RETRY_DELAYS_MS,
  type MerchantCallbackResult,
} from '../../domain/merchant-callback-contract';
import { isCurrency, toMajorUnits } from '../../domain/money';
import { merchantCallbacks } from '../activity-profiles';
import type { OrderContext } from './order-context';

/**
 * Tells the merchant the final status at its callbackUrl: signed, with an event id that stays the same across
 * attempts, retried on durable timers for about 26 hours. Every attempt lands in the history.
 */
export async function notifyMerchant(ctx: Pick<OrderContext, 'input' | 'state' | 'mark'>): Promise<void> {
  const url = ctx.input.callbackUrl;
  const status = ctx.state.status;
  if (!url || (status !== 'Success' && status !== 'Failed')) return;
  const success = status === 'Success';
  const tracking = { eventId: wf.uuid4(), attempts: 0, delivered: false };
  ctx.state.merchantCallback = tracking;
  const currency = ctx.input.currency;
  const payload = {
    eventId: tracking.eventId,
    externalId: ctx.input.orderId,
    externalTransactionId: ctx.input.externalTransactionId,
    orderStatus: status,
    amount: isCurrency(currency) ? toMajorUnits(ctx.state.amountMinor, currency) : ctx.state.amountMinor,
    currency,
  };
  for (let attempt = 1; ; attempt++) {
    tracking.attempts = attempt;
    let result: MerchantCallbackResult;
    try {
      result = await merchantCallbacks.deliverMerchantCallback.executeWithOptions(
        { summary: `Merchant callback ${status}, attempt ${attempt}` },
        [{ orderId: ctx.input.orderId, merchantId: ctx.input.merchantId, url, attempt, payload }],
      );
    } catch (err) {
      if (!(err instanceof wf.ActivityFailure)) throw err;
      result = { delivered: false, code: invalidResponseCode(success) };
    }
    if (result.delivered) {
      tracking.delivered = true;
      await ctx.mark(success ? CODES.MERCHANT_CALLBACK_DELIVERED_SUCCESS : CODES.MERCHANT_CALLBACK_DELIVERED_FAILED, {
        details: { attempt, httpStatus: result.httpStatus },
      });
      return;
    }
    await ctx.mark(result.code, { details: { attempt, httpStatus: result.httpStatus ?? null } });
    const delay = MERCHANT_CALLBACK_RETRY_DELAYS_MS[attempt - 1];
    if (delay === undefined) {
      await ctx.mark(success ? CODES.MERCHANT_CALLBACK_GIVEN_UP_SUCCESS : CODES.MERCHANT_CALLBACK_GIVEN_UP_FAILED, {
        details: { attempts: attempt },
      });
      return;
    }
    await wf.sleep(delay, { summary: `Merchant callback: wait before attempt ${attempt + 1}` });
  }
}

function invalidResponseCode(success: boolean): HistoryCode {
  return success ? CODES.MERCHANT_CALLBACK_INVALID_RESPONSE_SUCCESS : CODES.MERCHANT_CALLBACK_INVALID_RESPONSE_FAILED;
}
