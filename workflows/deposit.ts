import type { OrderInput, OrderState } from './definitions';
import { runOrder } from './order';

/** A deposit: the payer pays the merchant through a gateway; the merchant's balance is credited net of commission. */
export async function deposit(input: OrderInput): Promise<OrderState> {
  return runOrder('deposit', input);
}
