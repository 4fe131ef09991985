/**
 * The texts an operator reads about an order in the Temporal Web UI (docs/temporal-web-ui.md, "What an operator
 * sees"): the one-line summary, its static details, and the search attribute that carries the outcome into the
 * workflow list. Pure: the API (at the workflow's start) and the workflow (as the order moves) build them alike.
 *
 * Only what the order's own fields say, the merchant's and gateways' names and the history catalog's words: never
 * the payer's requisites (card mask, email, phone, IP), the callback URL or a PSP's raw message. The search
 * attribute is stored in clear by Temporal's visibility store; summaries and details go through the payload codec.
 */
import { codeInWords } from './history-codes';
import { CURRENCY_EXPONENTS, isCurrency } from './money';
import type { Direction, OrderStatus } from './order';

/** What a summary is made of. */
export interface OrderSummaryFacts {
  direction: Direction;
  amountMinor: number;
  currency: string;
  merchantId: string;
  /** Absent for orders started before the input carried it: the merchant's id stands in. */
  merchantName?: string | undefined;
}

/** How a final or current status reads: a failed order names its gateway (when one was involved) and why. */
export interface OrderOutcome {
  status: OrderStatus;
  /** The gateway's name, when the step that set the status was at one. */
  gateway?: string | undefined;
  /** The history code that set the status. */
  code?: string | undefined;
}

/** Visibility keyword values are limited in length (255 characters in SQL visibility stores). */
export const ORDER_SUMMARY_MAX_LENGTH = 250;
const NAME_MAX_LENGTH = 60;

/** "100.00 USD": minor units in the currency's decimals (an unknown currency shows its minor units). */
export function displayAmount(amountMinor: number, currency: string): string {
  if (!isCurrency(currency)) return `${amountMinor} ${currency} (minor units)`;
  const exponent = CURRENCY_EXPONENTS[currency];
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${amountMinor < 0 ? '-' : ''}${major} ${currency}`;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The merchant's name, or its id for an order whose input has no name. */
export const merchantLabel = (facts: Pick<OrderSummaryFacts, 'merchantId' | 'merchantName'>): string =>
  clip(facts.merchantName?.trim() || `merchant ${facts.merchantId}`, NAME_MAX_LENGTH);

/** "Deposit 100.00 USD · Acme Shop": the workflow's static summary, set when it starts. */
export function orderSummaryLine(facts: OrderSummaryFacts): string {
  const direction = facts.direction === 'deposit' ? 'Deposit' : 'Payout';
  return `${direction} ${displayAmount(facts.amountMinor, facts.currency)} · ${merchantLabel(facts)}`;
}

/** "Failed at Sandbox 1: Gateway create: failed (payment failed)", "Success at Sandbox 1", "Processing". */
export function outcomeInWords(outcome: OrderOutcome): string {
  const at = outcome.gateway ? ` at ${clip(outcome.gateway, NAME_MAX_LENGTH)}` : '';
  if (outcome.status === 'Failed') return `Failed${at}${outcome.code ? `: ${codeInWords(outcome.code)}` : ''}`;
  if (outcome.status === 'Success') return `Success${at}`;
  return outcome.status;
}

/** The `OrderSummary` search attribute: the summary line and the status (with the failure's gateway and reason). */
export function orderSummaryAttribute(facts: OrderSummaryFacts, outcome: OrderOutcome): string {
  return clip(`${orderSummaryLine(facts)} · ${outcomeInWords(outcome)}`, ORDER_SUMMARY_MAX_LENGTH);
}

/** The workflow's static details (Markdown), set when it starts: the order's ids and how it is paid. */
export function orderStaticDetails(
  facts: OrderSummaryFacts & { orderId: string; externalTransactionId: string; method: string; mode: string },
  flow: 'hosted payment page' | 'host to host',
): string {
  return [
    `**${orderSummaryLine(facts)}**`,
    '',
    `- order: \`${facts.orderId}\` (merchant's id \`${clip(facts.externalTransactionId, 100)}\`)`,
    `- merchant: ${merchantLabel(facts)} (\`${facts.merchantId}\`)`,
    `- method: ${facts.method}, ${flow}, ${facts.mode}`,
    '',
    'The current status is in Current Details and in the `OrderStatus` / `OrderSummary` search attributes; the full ' +
      'history in the `getOrderState` query.',
  ].join('\n');
}
