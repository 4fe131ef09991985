/**
 * What an operator reads about a running order in the Temporal Web UI besides its start summary
 * (docs/temporal-web-ui.md, "What an operator sees"): the workflow's current details, which follow the order's step,
 * and the texts of activity summaries. None of it adds a command: `setCurrentDetails` only changes what the
 * `__temporal_workflow_metadata` query answers, and a summary is metadata of a command that is sent anyway.
 */
import * as wf from '@temporalio/workflow';
import { codeInWords } from '../../domain/history-codes';
import {
  displayAmount,
  orderSummaryLine,
  outcomeInWords,
  type OrderOutcome,
  type OrderSummaryFacts,
} from '../../domain/order-summary';
import type { Direction } from '../../domain/order';
import type { OrderHistoryEntry, OrderInput, OrderState } from '../definitions';

/**
 * Orders that keep the `OrderSummary` search attribute current (an extra key in the upserts they send anyway, and
 * in the start's own upsert when the starter set none). Checked once, when the order's context is created.
 */
export const ORDER_SUMMARY_PATCH = 'order-summary-search-attribute';

/** What the UI texts are built from: the order as the workflow knows it. */
export interface UiFacts {
  direction: Direction;
  input: OrderInput;
  state: OrderState;
}

/** The gateway's name from the order's route; its id when the route does not know it (a rebuilt order). */
export function gatewayName(facts: Pick<UiFacts, 'state'>, gatewayId: string | undefined): string | undefined {
  if (gatewayId === undefined) return undefined;
  return facts.state.route.find((candidate) => candidate.gatewayId === gatewayId)?.name ?? `gateway ${gatewayId}`;
}

/** The summary's facts at the order's current amount (a gateway may have updated it). */
export const summaryFacts = ({ direction, input, state }: UiFacts): OrderSummaryFacts => ({
  direction,
  amountMinor: state.amountMinor,
  currency: input.currency,
  merchantId: input.merchantId,
  merchantName: input.merchantName,
});

/** The order's amount as the summaries show it. */
export const amountOf = (facts: UiFacts): string => displayAmount(facts.state.amountMinor, facts.input.currency);

/** A history entry in words, with its gateway: its code, then e.g. "Gateway create: failed (payment failed) · Sandbox 1". */
export function entryInWords(facts: Pick<UiFacts, 'state'>, entry: OrderHistoryEntry): string {
  const gateway = gatewayName(facts, entry.gatewayId);
  return `\`${entry.code}\` ${codeInWords(entry.code)}${gateway ? ` · ${gateway}` : ''}`;
}

/**
 * Sets the workflow's current details (Markdown): the status (a failure with its gateway and reason), the summary,
 * the step the order is at, and its last history entry.
 */
export function showCurrentDetails(facts: UiFacts, outcome: OrderOutcome, step: string): void {
  const { state } = facts;
  const last = state.history.at(-1);
  const lines = [`**${outcomeInWords(outcome)}**`, '', orderSummaryLine(summaryFacts(facts)), '', `- step: ${step}`];
  if (state.attempts.length > 0) {
    const tried = state.attempts.map((a) => gatewayName(facts, a.gatewayId)).join(', ');
    lines.push(`- gateways tried: ${tried} (route of ${state.route.length})`);
  }
  if (state.reconciliation) lines.push(`- reconciliation: ${state.reconciliation}`);
  if (state.cancelRequested) lines.push('- cancellation requested: no new gateway payment is started');
  if (state.merchantCallback) {
    const { attempts, delivered } = state.merchantCallback;
    lines.push(`- merchant callback: ${delivered ? 'delivered' : 'not delivered yet'}, ${attempts} attempt(s)`);
  }
  if (last) lines.push(`- last history entry (${state.history.length}): ${entryInWords(facts, last)} at ${last.at}`);
  wf.setCurrentDetails(lines.join('\n'));
}
