import * as wf from '@temporalio/workflow';
import { CODES } from '../../../domain/history-codes';
import type { OrderContext } from './order-context';

/** How long a payer has to fill in the hosted payment form. */
export const PAYFORM_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Host-to-client: the order waits for the payer on the hosted payment form before anything else. A submission
 * brings the card (fingerprint and mask only) that pre-checks and gateways then see; a cancellation, or no
 * submission within {@link PAYFORM_TIMEOUT_MS}, fails the order.
 */
export async function awaitPayform(ctx: OrderContext): Promise<'submitted' | 'failed'> {
  await ctx.mark(CODES.PAYFORM_CREATED);
  const deadline = Date.now() + PAYFORM_TIMEOUT_MS;
  let visited = false;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || !(await wf.condition(() => ctx.payformEvents.length > 0, remaining))) {
      await ctx.mark(CODES.DEADLINE_REACHED, { details: { stage: 'payform' } });
      return 'failed';
    }
    const event = ctx.payformEvents.shift()!;
    if (event.type === 'visited' && !visited) {
      visited = true;
      await ctx.mark(CODES.PAYFORM_VISITED);
    } else if (event.type === 'submitted') {
      ctx.requisites.cardFingerprint = event.cardFingerprint;
      ctx.requisites.cardMask = event.cardMask;
      await ctx.mark(CODES.PAYFORM_SUBMITTED);
      return 'submitted';
    } else if (event.type === 'cancelled') {
      await ctx.mark(CODES.PAYFORM_CANCELLED);
      return 'failed';
    }
  }
}
