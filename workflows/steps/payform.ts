import * as wf from '@temporalio/workflow';
import { CODES, type HistoryCode } from '../../domain/history-codes';
import { DEFAULT_PAYFORM_CARD_TRIES, type PayformEvent } from '../definitions';
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
 * Marks executions where a payer whose card the issuer declined may try another one on the hosted form. Reached
 * only at such a decline of a payform order, so histories recorded before (declined and Failed at once) replay.
 */
export const PAYFORM_RETRY_PATCH = 'payform-card-retry';

/**
 * Marks executions that record the payer typing card details (3.0.1.53) and leaving the form (3.0.1.52), and an
 * OTP challenge's failure as 3.2.4.57. Only events a previous release never sent reach it.
 */
export const PAYFORM_ACTIVITY_PATCH = 'payform-activity-codes';

/**
 * Host-to-client: the order waits for the payer on the hosted payment form before anything else. A submission
 * brings the card (fingerprint and mask only) that pre-checks and gateways then see; a cancellation, or no
 * submission within the form's lifetime ({@link PAYFORM_TIMEOUT_MS} unless the input sets
 * `payformLifetimeMs`), fails the order.
 */
export async function awaitPayform(ctx: OrderContext): Promise<'submitted' | 'failed'> {
  await ctx.mark(CODES.PAYFORM_CREATED);
  ctx.payformDeadline = Date.now() + (ctx.input.payformLifetimeMs ?? PAYFORM_TIMEOUT_MS);
  return awaitCard(ctx, 1);
}

/**
 * The issuer declined the payer's card and the order allows another try: the form takes a card again (3.1.1.00 with
 * the try and the decline), until the form's lifetime that began with the order ends. The order's status stays
 * where it is (Processing): it is not Failed while it still takes a card.
 */
export async function reopenPayform(
  ctx: OrderContext,
  cardTry: number,
  declined: HistoryCode,
): Promise<'submitted' | 'failed'> {
  ctx.payformEvents.length = 0; // anything the page sent while the last card was being charged is stale
  ctx.awaitingPayform = true;
  ctx.state.cardTry = { number: cardTry, of: cardTries(ctx), awaitingCard: true, declined };
  await ctx.mark(CODES.PAYFORM_CREATED, { details: { cardTry, cardTries: cardTries(ctx), declined } });
  const outcome = await awaitCard(ctx, cardTry);
  ctx.state.cardTry.awaitingCard = false;
  return outcome;
}

/** How many cards this order's payer may try. */
export const cardTries = (ctx: OrderContext): number => ctx.input.payformCardTries ?? DEFAULT_PAYFORM_CARD_TRIES;

/** The form waits for try `cardTry`'s card: visits, refusals and the payer's activity are recorded on the way. */
async function awaitCard(ctx: OrderContext, cardTry: number): Promise<'submitted' | 'failed'> {
  const deadline = ctx.payformDeadline;
  let visited = false;
  const noted = new Set<PayformEvent['type']>();
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
      await ctx.mark(CODES.PAYFORM_SUBMITTED, { row: card, ...(cardTry > 1 ? { details: { cardTry } } : {}) });
      if (event.challenge && ctx.hasPatch(PAYFORM_CHALLENGE_PATCH)) return awaitChallenge(ctx, event.challengeKind);
      return 'submitted';
    } else if (event.type === 'refused' && ctx.hasPatch(PAYFORM_REFUSAL_PATCH)) {
      // The payer is still on the form: the order keeps waiting for a card.
      await ctx.mark(CODES.PAYFORM_CARD_REFUSED, { details: { fields: event.fields.join(',') } });
    } else if ((event.type === 'entered' || event.type === 'left') && !noted.has(event.type)) {
      // Once per try each: the payer started typing, or went away from the form (it still waits for a card).
      noted.add(event.type);
      if (ctx.hasPatch(PAYFORM_ACTIVITY_PATCH)) {
        await ctx.mark(event.type === 'entered' ? CODES.PAYFORM_DATA_ENTERED : CODES.PAYFORM_LEFT);
      }
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
async function awaitChallenge(ctx: OrderContext, kind?: 'otp'): Promise<'submitted' | 'failed'> {
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
  const failure =
    kind === 'otp' && ctx.hasPatch(PAYFORM_ACTIVITY_PATCH) ? CODES.PAYFORM_OTP_FAILED : CODES.PAYFORM_3DS_FAILED;
  await ctx.mark(failure, { details: { outcome }, orderStatus: 'Failed' });
  return 'failed';
}
