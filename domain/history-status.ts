import { getHistoryCode, type HistoryCode, type PaymentStatus } from './history-codes';
import type { OrderStatus } from './order';

const ORDER_STATUS: Record<PaymentStatus, OrderStatus> = {
  created: 'Created',
  processing: 'Processing',
  success: 'Success',
  failed: 'Failed',
};

/** The order status a history code leaves the payment in, as the catalog records it. */
export function orderStatusOf(code: HistoryCode): OrderStatus {
  return ORDER_STATUS[getHistoryCode(code).status];
}
