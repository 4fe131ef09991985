/**
 * The order truth model as checks over one order's outcome (docs/order-lifecycle.md, "Proven by invariants").
 * Each returns the broken rule in words, so a failing case says what went wrong, not only that something did.
 */
import { isHistoryCode } from '../../domain/history-codes';
import type { OrderStatus } from '../../domain/order';
import { isMonotonic } from '../../domain/order-lifecycle';
import { ORDER_DEADLINE_MS } from '../../workflows/order';
import { chargesPayer, settledMinor } from './gateway';
import type { CaseOutcome } from './run';

export function violationsOf(o: CaseOutcome): string[] {
  const v: string[] = [];
  const { state } = o;
  const status = state.status;
  const history = state.history;
  const charged = o.payments.filter(chargesPayer);
  const deposit = o.fuzzCase.direction === 'deposit';

  // I1 the workflow closed with a final status, consistent with its history, PostgreSQL and the ledger.
  if (status !== 'Success' && status !== 'Failed') v.push(`I1: closed with status ${status}`);
  if (history.at(-1)?.orderStatus !== status) v.push(`I1: last history entry says ${history.at(-1)?.orderStatus}`);
  if (o.orderRow.status !== status) v.push(`I1: the order row says ${o.orderRow.status}, the workflow ${status}`);
  if (o.persisted.map((p) => p.code).join() !== history.map((h) => h.code).join()) {
    v.push('I1: PostgreSQL history differs from the workflow history');
  }
  if (!history.every((h) => isHistoryCode(h.code))) v.push('I1: a code outside the catalog');

  // I2 at most one charge; Success exactly when charged; the ledger moved exactly once, at the settled amount.
  if (charged.length > 1) v.push(`I2: ${charged.length} gateway payments charged the payer`);
  if (status === 'Success' && charged.length !== 1) v.push('I2: Success without exactly one charge');
  const settled = charged[0] ? settledMinor(charged[0]) : null;
  if (status === 'Success' && settled !== null && state.amountMinor !== settled) {
    v.push(`I2: order amount ${state.amountMinor}, gateway settled ${settled}`);
  }
  const kinds = (k: string) => o.postings.filter(([kind]) => kind === k);
  if (deposit) {
    const credits = kinds('deposit');
    if (credits.length !== (status === 'Success' ? 1 : 0)) v.push(`I2: ${credits.length} deposit credits (${status})`);
    if (status === 'Success' && credits[0]?.[1] !== settled)
      v.push(`I2: credited ${credits[0]?.[1]}, settled ${settled}`);
  } else {
    const debits = kinds('payout');
    if (debits.length !== (status === 'Success' ? 1 : 0)) v.push(`I2: ${debits.length} payout debits (${status})`);
    if (status === 'Success' && debits[0]?.[1] !== -(settled ?? 0))
      v.push(`I2: debited ${debits[0]?.[1]}, settled ${settled}`);
  }
  if (status === 'Success' && o.orderRow.settledAmountMinor !== null && o.orderRow.settledAmountMinor !== settled) {
    v.push(`I2: the status endpoint would show ${o.orderRow.settledAmountMinor}, settled ${settled}`);
  }

  // I3 nothing created at a gateway at or after the deadline.
  const startedAt = Date.parse(history[0]!.at);
  for (const p of o.payments) {
    if (p.createdAtMs >= startedAt + ORDER_DEADLINE_MS) v.push(`I3: payment ${p.ref} created after the deadline`);
  }

  // I4 nothing left unknown: a failed order has no payment that charges the payer, now or later.
  if (status === 'Failed' && charged.length > 0) v.push('I4: Failed while a gateway payment charges the payer');

  // I5 the merchant-visible status never went backwards, in the workflow and in PostgreSQL.
  if (!isMonotonic(history.map((h) => h.orderStatus!))) v.push('I5: the status went backwards in the history');
  if (!isMonotonic(o.persisted.map((p) => p.orderStatus as OrderStatus))) v.push('I5: persisted status regressed');
  const failedAt = history.find((h) => h.orderStatus === 'Failed');
  for (const p of o.payments) {
    if (failedAt && p.createdAtMs > Date.parse(failedAt.at)) v.push(`I5: payment ${p.ref} created after Failed showed`);
  }

  // I6 balances never negative; a payout's hold released only when no gateway took the money.
  if (o.balanceMinor < 0) v.push(`I6: balance ${o.balanceMinor}`);
  if (!deposit && o.holdStatus === 'released' && charged.length > 0) v.push('I6: hold released while charged');
  if (!deposit && status === 'Success' && o.holdStatus !== 'settled') v.push(`I6: hold ${o.holdStatus} on Success`);

  // I7 the merchant heard the final status once per event id, with the amount the ledger used.
  const events = new Set(o.merchantCallbacks.map((c) => c.eventId));
  if (events.size !== 1) v.push(`I7: ${events.size} merchant callback events`);
  for (const c of o.merchantCallbacks) {
    if (c.orderStatus !== status) v.push(`I7: merchant told ${c.orderStatus}, order is ${status}`);
    if (Math.round(c.amount * 100) !== state.amountMinor)
      v.push(`I7: merchant told ${c.amount}, order has ${state.amountMinor}`);
  }
  return v;
}
