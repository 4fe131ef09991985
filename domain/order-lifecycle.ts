import type { OrderStatus } from './order';

/**
 * The merchant-visible status is monotonic (docs/order-lifecycle.md): Created → Processing → Success | Failed.
 * A final status is never left, and nothing goes back; this is the one place that rule is written.
 */
const RANK: Record<OrderStatus, number> = { Created: 0, Processing: 1, Success: 2, Failed: 2 };

export const isFinalStatus = (status: OrderStatus): boolean => RANK[status] === 2;

/** The status after `next` is proposed: `next` when it moves forward, otherwise `current` unchanged. */
export function advanceStatus(current: OrderStatus, next: OrderStatus): OrderStatus {
  if (isFinalStatus(current)) return current;
  return RANK[next] > RANK[current] ? next : current;
}

/** True when a sequence of statuses, as a merchant polling would see them, never goes backwards. */
export function isMonotonic(statuses: readonly OrderStatus[]): boolean {
  return statuses.every((s, i) => i === 0 || advanceStatus(statuses[i - 1]!, s) === s);
}
