import { CODES } from '../../domain/history-codes';
import type { GatewayAttempt } from '../definitions';
import type { OrderContext } from './order-context';
import { RECONCILIATION_CHECK_DELAYS_MS, resolvePayment } from './resolve-payment';
import { gatewayName } from './ui-metadata';

/**
 * The deadline came while `attempt`'s payment might exist. Nothing is failed or released: the order stays
 * Processing, is findable (search attribute Reconciliation = "open"), checks the gateway on durable timers for
 * `periodMs`, then waits for the gateway's callback or an operator's audited decision, however long that takes.
 * No other gateway is tried: the deadline has passed.
 */
export async function reconcile(
  ctx: OrderContext,
  attempt: GatewayAttempt,
  periodMs: number,
): Promise<'success' | 'failed'> {
  ctx.setReconciliation('open');
  ctx.step(`reconciliation: asking ${gatewayName(ctx, attempt.gatewayId)} until it answers`);
  await ctx.mark(CODES.RECONCILIATION, {
    gatewayId: attempt.gatewayId,
    orderStatus: 'Processing',
    details: { periodMs, statusChecks: ctx.state.statusChecks },
  });
  // After the deadline any negative answer is final: "no such payment" too, since nothing may be sent again.
  const options = { delays: RECONCILIATION_CHECK_DELAYS_MS, statusAfter: () => 'Failed' as const };
  let resolution = await resolvePayment(ctx, attempt, { ...options, until: Date.now() + periodMs });
  if (resolution.kind === 'unknown') resolution = await resolvePayment(ctx, attempt, { ...options, until: null });
  ctx.setReconciliation(null);
  if (resolution.kind === 'not_found') {
    await ctx.mark(CODES.DEADLINE_REACHED, { gatewayId: attempt.gatewayId, orderStatus: 'Failed' });
  }
  return resolution.kind === 'success' ? 'success' : 'failed';
}
