import { ApplicationFailure } from '@temporalio/common';
import type { MerchantCallbackPayload, MerchantCallbackRequest } from '../../domain/merchant-callback-contract';
import { isFinalStatus, type FinalStatus } from './classify';

// The event id travels in two headers: printable ASCII without spaces keeps it a valid header value everywhere.
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;

/**
 * Refuses a request no attempt could ever deliver correctly (a workflow bug, so non-retryable): a non-final status
 * has no 6.2.B code, an attempt number below 1 would collide in the log, and a non-finite amount would be sent as
 * `null`. Returns the final status, narrowed.
 */
export function validateRequest(req: MerchantCallbackRequest): FinalStatus {
  const problem = !isFinalStatus(req.payload.orderStatus)
    ? `order status ${req.payload.orderStatus} is not final`
    : !Number.isSafeInteger(req.attempt) || req.attempt < 1
      ? `attempt ${req.attempt} is not a positive integer`
      : !HEADER_SAFE.test(req.payload.eventId)
        ? 'event id must be 1–200 printable ASCII characters without spaces'
        : !Number.isFinite(req.payload.amount)
          ? 'amount is not a finite number'
          : null;
  if (problem) {
    throw ApplicationFailure.create({ type: 'InvalidMerchantCallback', message: problem, nonRetryable: true });
  }
  return req.payload.orderStatus as FinalStatus;
}

/**
 * The body, serialised once: this exact string is signed and sent. Fields are picked by name, in a fixed order,
 * so nothing the workflow happens to carry leaks to the merchant; `satisfies` makes a new contract field a compile
 * error here instead of a silently missing one.
 */
export function serializePayload(p: MerchantCallbackPayload): string {
  return JSON.stringify({
    eventId: p.eventId,
    externalId: p.externalId,
    externalTransactionId: p.externalTransactionId,
    orderStatus: p.orderStatus,
    amount: p.amount,
    currency: p.currency,
  } satisfies Record<keyof MerchantCallbackPayload, unknown>);
}
