/**
 * Order vocabulary shared by workflows, activities, the API and the database. Pure: workflows import it.
 */

/** PayStar separates deposits and payouts into two pipelines with their own keys. */
export type Direction = 'deposit' | 'payout';

/** Sandbox keys reach only sandbox gateways. */
export type KeyMode = 'sandbox' | 'live';

/** The `orderStatus` values of PayStar's API. */
export type OrderStatus = 'Created' | 'Processing' | 'Success' | 'Failed';

/** Deterministic workflow id from the business key, so one order can never run as two workflows. */
export const orderWorkflowId = (direction: Direction, orderId: string): string => `${direction}-${orderId}`;

/** The order id in an order's workflow id, or undefined for a workflow that is not an order's. */
export const orderIdOfWorkflow = (workflowId: string): string | undefined =>
  /^(?:deposit|payout)-(.+)$/.exec(workflowId)?.[1];
