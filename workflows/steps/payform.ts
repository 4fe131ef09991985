import * as wf from '@temporalio/workflow';
import { CODES } from '../../domain/history-codes';
import type { OrderContext } from './order-context';

/** How long a payer has to fill in the hosted payment form, unless the order's input says otherwise. */
export const PAYFORM_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Marks executions that record card details the form refused (3.2.1.59). A workflow of the previous release ignores
 * the event; a recorded history holds none, and one that does replays through this branch only with the marker.
 */
export const PAYFORM_REFUSAL_PATCH = 'payform-card-refused';

/**
 * Marks executions that hold a card's verification challenge (3-D Secure) between the submit and the gateway. Only a
 * submit that asks for one (the sandbox's challenge card) reaches the marker, so no earlier history meets it.
 */
export const PAYFORM_CHALLENGE_PATCH = 'payform-challenge';

/** How long a payer has to answer the card's verification challenge. */
export const CHALLENGE_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Host-to-client: the order waits for the payer on the hosted payment form before anything else. A submission
 * brings the card (fingerprint and mask only) that pre-checks and gateways then see; a cancellation, or no
 * submission within the form's lifetime ({@link PAYFORM_TIMEOUT_MS} unless the input sets
 * `payformLifetimeMs`), fails the order.
 */
export async function awaitPayform(ctx: OrderContext): Promise<'submitted' | 'failed'> {
  await ctx.mark(CODES.PAYFORM_CREATED);
  const deadline = Date.now() + (ctx.input.payformLifetimeMs ?? PAYFORM_TIMEOUT_MS);
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
      await ctx.mark(CODES.PAYFORM_VISITED);
    } else if (event.type === 'submitted') {
      ctx.requisites.cardFingerprint = event.cardFingerprint;
      ctx.requisites.cardMask = event.cardMask;
      const card = { cardMask: event.cardMask, ...(event.cardHolder ? { cardHolder: event.cardHolder } : {}) };
      await ctx.mark(CODES.PAYFORM_SUBMITTED, { row: card });
      if (event.challenge && wf.patched(PAYFORM_CHALLENGE_PATCH)) return awaitChallenge(ctx);
      return 'submitted';
    } else if (event.type === 'refused' && wf.patched(PAYFORM_REFUSAL_PATCH)) {
      // The payer is still on the form: the order keeps waiting for a card.
      await ctx.mark(CODES.PAYFORM_CARD_REFUSED, { details: { fields: event.fields.join(',') } });
    } else if (event.type === 'cancelled') {
      ctx.awaitingPayform = false;
      await ctx.mark(CODES.PAYFORM_CANCELLED, { orderStatus: 'Failed' });
      return 'failed';
    }
  }
}

/**
 * The card asked for a verification challenge: the payer answers it on the payment page before any gateway is
 * called. Passed, the order goes on; a wrong answer fails it with 3.2.4.56; a payer who leaves the challenge (cancels
 * on it, or does not answer within {@link CHALLENGE_TIMEOUT_MS}) is recorded with 3.0.1.58, then fails it the same
 * way. A cancellation request fails it as on the form.
 */
async function awaitChallenge(ctx: OrderContext): Promise<'submitted' | 'failed'> {
  ctx.state.challenge = 'pending';
  const answered = await wf.condition(
    () => ctx.payformEvents.some((e) => e.type === 'challenge') || ctx.state.cancelRequested === true,
    CHALLENGE_TIMEOUT_MS,
  );
  const event = ctx.payformEvents.find((e) => e.type === 'challenge');
  ctx.payformEvents.length = 0;
  if (event?.outcome === 'passed') {
    ctx.state.challenge = 'passed';
    return 'submitted';
  }
  ctx.state.challenge = 'failed';
  if (answered && !event) {
    await ctx.mark(CODES.CANCELLED, { details: { stage: 'challenge' }, orderStatus: 'Failed' });
    return 'failed';
  }
  const outcome = event?.outcome ?? 'timeout';
  if (outcome !== 'failed') await ctx.mark(CODES.PAYFORM_LEFT_ON_CONFIRM, { details: { outcome } });
  await ctx.mark(CODES.PAYFORM_3DS_FAILED, { details: { outcome }, orderStatus: 'Failed' });
  return 'failed';
}
