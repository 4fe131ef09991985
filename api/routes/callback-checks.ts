import type { AmountUpdatePolicy, CallbackVerification } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import type { Direction } from '../../domain/order';
import type { PaymentMethod } from '../../domain/requisites';

/** The order a callback names, as the HTTP layer checks it. */
export interface CallbackOrder {
  direction: Direction;
  amountMinor: number;
  currency: string;
  method: PaymentMethod | null;
}

/** Why a verified callback is not believed; recorded as an invalid payload (5.2.2.17). */
export type ClaimRefusal =
  | 'currency'
  | 'requested-amount'
  | 'zero-amount'
  | 'amount-updates-not-allowed'
  | 'amount-beyond-tolerance'
  | 'payout-above-held';

/**
 * Checks a verified callback against the order it names (docs/gateway-callbacks.md, "Checked against the order"):
 *
 * 1. the currency is the order's;
 * 2. the amount the gateway says it was asked for, when it says, is the order's amount;
 * 3. a success whose amount differs from the order's is an amount update, accepted only when the connector allows
 *    updates for the order's method, the new amount is above zero, within the tolerance (percent of the order's
 *    amount, rounded up to a whole minor unit) and, for a payout, not above what was held.
 *
 * Anything else turns the callback into an invalid payload (5.2.2.17), so it is recorded and changes nothing. An
 * accepted update is always reported as 5.1.3.35 with the new amount, whatever the gateway's own comparison said.
 * The claim itself never leaves the HTTP layer.
 */
export function checkCallbackAgainstOrder(
  verification: CallbackVerification,
  order: CallbackOrder,
  policy: AmountUpdatePolicy | undefined,
): { verification: CallbackVerification; refusal?: ClaimRefusal } {
  if (!verification.valid) return { verification };
  const { claim, ...rest } = verification;
  const refuse = (refusal: ClaimRefusal) => ({
    verification: { valid: false, code: CODES.CALLBACK_INVALID_PAYLOAD, gatewayRef: verification.gatewayRef } as const,
    refusal,
  });
  // A connector that says nothing about the money may not change it either.
  if (!claim) return rest.amountMinor === undefined ? { verification: rest } : refuse('amount-updates-not-allowed');
  if (claim.currency !== order.currency) return refuse('currency');
  if (claim.requestedAmountMinor !== undefined && claim.requestedAmountMinor !== order.amountMinor) {
    return refuse('requested-amount');
  }
  if (rest.status !== 'success') {
    const { amountMinor: _ignored, ...unchanged } = rest;
    return { verification: unchanged };
  }
  const paid = claim.amountMinor;
  if (paid === order.amountMinor) {
    const { amountMinor: _same, ...unchanged } = rest;
    return {
      verification: {
        ...unchanged,
        code: unchanged.code === CODES.CALLBACK_AMOUNT_UPDATED ? CODES.CALLBACK_SUCCESS : unchanged.code,
      },
    };
  }
  if (!Number.isSafeInteger(paid) || paid <= 0) return refuse('zero-amount');
  // Every order the API creates has a method; only orders started without it (tests, simulations) lack one.
  if (!policy || (order.method && !policy.methods.includes(order.method))) return refuse('amount-updates-not-allowed');
  if (order.direction === 'payout' && paid > order.amountMinor) return refuse('payout-above-held');
  const allowed = Math.ceil((order.amountMinor * policy.tolerancePercent) / 100);
  if (Math.abs(paid - order.amountMinor) > allowed) return refuse('amount-beyond-tolerance');
  return { verification: { ...rest, code: CODES.CALLBACK_AMOUNT_UPDATED, amountMinor: paid } };
}
