import * as wf from '@temporalio/workflow';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import type { OrderContext } from './order-context';

/** How long a payer has to fill in the hosted payment form. */
export const PAYFORM_TIMEOUT_MS = 30 * 60 * 1000;

const PAYFORM_CREATED: HistoryCode = '3.1.1.00';
const PAYFORM_VISITED: HistoryCode = '3.0.1.51';
const PAYFORM_SUBMITTED: HistoryCode = '3.1.1.55';
const PAYFORM_CANCELLED: HistoryCode = '3.0.4.54';

/**
 * Marks executions that record card details the form refused (3.2.1.59). A workflow of the previous release ignores
 * the event; a recorded history holds none, and one that does replays through this branch only with the marker.
 */
export const PAYFORM_REFUSAL_PATCH = 'payform-card-refused';

/**
 * Host-to-client: the order waits for the payer on the hosted payment form before anything else. A submission
 * brings the card (fingerprint and mask only) that pre-checks and gateways then see; a cancellation, or no
 * submission within {@link PAYFORM_TIMEOUT_MS}, fails the order.
 */
export async function awaitPayform(ctx: OrderContext): Promise<'submitted' | 'failed'> {
  await ctx.mark(PAYFORM_CREATED);
  const deadline = Date.now() + PAYFORM_TIMEOUT_MS;
  let visited = false;
  for (;;) {
    const remaining = deadline - Date.now();
    const woken =
      remaining > 0 &&
      (await wf.condition(() => ctx.payformEvents.length > 0 || ctx.state.cancelRequested === true, remaining));
    if (!woken || (ctx.payformEvents.length === 0 && ctx.state.cancelRequested)) {
      ctx.awaitingPayform = false;
      const code = woken ? CODES.CANCELLED : CODES.DEADLINE_REACHED;
      await ctx.mark(code, { details: { stage: 'payform' }, orderStatus: 'Failed' });
      return 'failed';
    }
    const event = ctx.payformEvents.shift()!;
    if (event.type === 'visited' && !visited) {
      visited = true;
      await ctx.mark(PAYFORM_VISITED);
    } else if (event.type === 'submitted') {
      ctx.requisites.cardFingerprint = event.cardFingerprint;
      ctx.requisites.cardMask = event.cardMask;
      const card = { cardMask: event.cardMask, ...(event.cardHolder ? { cardHolder: event.cardHolder } : {}) };
      await ctx.mark(PAYFORM_SUBMITTED, { row: card });
      return 'submitted';
    } else if (event.type === 'refused' && wf.patched(PAYFORM_REFUSAL_PATCH)) {
      // The payer is still on the form: the order keeps waiting for a card.
      await ctx.mark(CODES.PAYFORM_CARD_REFUSED, { details: { fields: event.fields.join(',') } });
    } else if (event.type === 'cancelled') {
      ctx.awaitingPayform = false;
      await ctx.mark(PAYFORM_CANCELLED, { orderStatus: 'Failed' });
      return 'failed';
    }
  }
}
