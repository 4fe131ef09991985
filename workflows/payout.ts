import type { OrderInput, OrderState } from './definitions';
import { runOrder } from './order';

/** A payout: the merchant's funds are held first, sent through a gateway, then settled or released. */
export async function payout(input: OrderInput): Promise<OrderState> {
  return runOrder('payout', input);
}
