/**
 * Merchant callbacks: what the engine sends to a merchant's `callbackUrl` when an order reaches a final status.
 * Pure types shared by the workflows and activities/merchant-callbacks.
 */
import type { HistoryCode } from './history-codes';
import type { OrderStatus } from './order';

/** The JSON body sent to the merchant (amounts in major units, like the API). */
export interface MerchantCallbackPayload {
  eventId: string;
  externalId: string;
  externalTransactionId: string;
  orderStatus: OrderStatus;
  amount: number;
  currency: string;
}

/** One delivery attempt. The event id is stable across attempts so the merchant can deduplicate. */
export interface MerchantCallbackRequest {
  orderId: string;
  merchantId: string;
  url: string;
  attempt: number;
  payload: MerchantCallbackPayload;
}

/** Delivered (any 2xx), or failed with the code of the reason (6.2.B.11/12/13/14, B = the order's final status). */
export type MerchantCallbackResult =
  { delivered: true; httpStatus: number } | { delivered: false; code: HistoryCode; httpStatus?: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * Delays before each retry of a merchant callback (the first attempt goes at once): quick at first, then every
 * two hours, for 26 hours in all, after which the engine gives up (6.2.B.74). Driven by workflow timers so that
 * every attempt lands in the order's history.
 */
export const MERCHANT_CALLBACK_RETRY_DELAYS_MS: readonly number[] = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  ...Array.from({ length: 12 }, () => 2 * HOUR),
];
