/**
 * The command sequence of a happy-path order, as the ceiling workflow replays it with no-op activities:
 * `A` an activity task, `L` a local activity (one marker event). Counted from workflows/order.ts and steps/ for an
 * order the sandbox pays in the create answer (`09`) and whose merchant callback is delivered at the first try.
 * Pure: the ceiling workflow imports it.
 */
export const ORDER_SHAPES = {
  /**
   * The lean shape (workflows/steps/order-context.ts, LEAN_SHAPE_PATCH): prepareOrder, writing 1.1.1.00 (L) ·
   * createGatewayPayment (A) · mark 2.1.3.00 (L) · recordMoneyMovement, credit and 1.1.3.84 (L) ·
   * deliverMerchantCallback (A) · mark 6.1.3.00 (L): 2 A + 4 L.
   */
  deposit: 'LALLAL',
  /**
   * prepareOrder, writing 1.1.1.00 (L) · holdFunds (L) · mark 1.1.1.81 (L) · createGatewayPayment (A) ·
   * mark 2.1.3.00 (L) · recordMoneyMovement, settle and 1.1.3.82 (L) · deliverMerchantCallback (A) ·
   * mark 6.1.3.00 (L): 2 A + 6 L.
   */
  payout: 'LLLALLAL',
} as const;

export type OrderShapeName = keyof typeof ORDER_SHAPES;

/**
 * Where an order upserts its search attributes: the mark of the gateway's answer (Success, and the gateway), the
 * only status change after the API started the workflow with MerchantId, Direction, ExternalTransactionId and
 * OrderStatus = Created.
 */
export const UPSERT_BEFORE_STEP: Record<OrderShapeName, number> = { deposit: 2, payout: 4 };

/** Activity tasks and local activities of a shape. */
export function shapeCounts(shape: string): { activities: number; localActivities: number } {
  let activities = 0;
  let localActivities = 0;
  for (const step of shape) {
    if (step === 'A') activities += 1;
    else if (step === 'L') localActivities += 1;
    else throw new RangeError(`unknown step ${JSON.stringify(step)} in shape ${shape}`);
  }
  return { activities, localActivities };
}
