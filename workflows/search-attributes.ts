import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes operators filter orders by in the Temporal Web UI (e.g. `MerchantId = "…" AND OrderStatus = "Failed"`).
 * A leaf file: the workflows set them, the dev server and deployments register them.
 */
export const MerchantIdKey = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
/** `deposit` or `payout`. */
export const DirectionKey = defineSearchAttributeKey('Direction', SearchAttributeType.KEYWORD);
/** PayStar `orderStatus`, kept current by the workflow. */
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
/** The merchant's own id of the order. */
export const ExternalTransactionIdKey = defineSearchAttributeKey('ExternalTransactionId', SearchAttributeType.KEYWORD);
/** The gateway the order is (or was last) attempted on. */
export const GatewayIdKey = defineSearchAttributeKey('GatewayId', SearchAttributeType.KEYWORD);

/** `open` while an order's gateway outcome is unknown past its deadline; `review` when a gateway contradicted it. */
export const ReconciliationKey = defineSearchAttributeKey('Reconciliation', SearchAttributeType.KEYWORD);

/**
 * One line for the Workflows list: direction, amount, currency, merchant name and the status, with the gateway and
 * the reason in words once the order failed (domain/order-summary.ts). In clear in Temporal's visibility store:
 * nothing of the payer's goes in it.
 */
export const OrderSummaryKey = defineSearchAttributeKey('OrderSummary', SearchAttributeType.KEYWORD);

/** Every key, for registration on a server. */
export const ORDER_SEARCH_ATTRIBUTES = [
  MerchantIdKey,
  DirectionKey,
  OrderStatusKey,
  ExternalTransactionIdKey,
  GatewayIdKey,
  ReconciliationKey,
  OrderSummaryKey,
];
