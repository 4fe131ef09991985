import type { OrderState } from '../workflows/definitions';
import { formatAmount, type OrderExpectations } from './scenario';
import type { Currency } from '../domain/money';
import { formatOffset } from './timeline';

/** What an order came to, as its expectations see it. */
export interface OrderFacts {
  state: OrderState;
  currency: Currency;
  /** The order's ledger postings, [kind, minor units], in order. */
  postings: Array<[string, number]>;
}

/** Every expectation of one order that does not hold, each as a sentence; empty when all hold. */
export function checkOrder(expect: OrderExpectations, facts: OrderFacts): string[] {
  const { state, currency } = facts;
  const failures: string[] = [];
  const codes: string[] = state.history.map((h) => h.code);
  if (expect.status && state.status !== expect.status) {
    failures.push(`status is ${state.status}, expected ${expect.status}`);
  }
  if (expect.codes && codes.join(' ') !== expect.codes.join(' ')) {
    failures.push(`codes are [${codes.join(', ')}], expected [${expect.codes.join(', ')}]`);
  }
  if (expect.includes && !isSubsequence(expect.includes, codes)) {
    failures.push(`codes [${codes.join(', ')}] do not include [${expect.includes.join(', ')}] in this order`);
  }
  for (const code of expect.excludes ?? []) {
    if (codes.includes(code)) failures.push(`code ${code} is in the history, expected it not to be`);
  }
  const first = state.history[0];
  const last = state.history.at(-1);
  const tookMs = first && last ? Date.parse(last.at) - Date.parse(first.at) : 0;
  if (expect.finishedWithinMs !== undefined && tookMs > expect.finishedWithinMs) {
    failures.push(
      `finished ${formatOffset(tookMs)} after it started, expected within ${formatOffset(expect.finishedWithinMs)}`,
    );
  }
  if (expect.finishedAfterMs !== undefined && tookMs < expect.finishedAfterMs) {
    failures.push(
      `finished ${formatOffset(tookMs)} after it started, expected at least ${formatOffset(expect.finishedAfterMs)}`,
    );
  }
  if (expect.merchantCallback) {
    const delivered = state.merchantCallback?.delivered ?? false;
    const attempts = state.merchantCallback?.attempts ?? 0;
    const want = expect.merchantCallback;
    if (want.delivered !== undefined && delivered !== want.delivered) {
      failures.push(
        `merchant callback ${delivered ? 'was' : 'was not'} delivered, expected ${want.delivered ? 'delivered' : 'not delivered'}`,
      );
    }
    if (want.attempts !== undefined && attempts !== want.attempts) {
      failures.push(`merchant callback took ${attempts} attempt(s), expected ${want.attempts}`);
    }
  }
  if (expect.postingsMinor) {
    const actual = sumByKind(facts.postings);
    const kinds = new Set([...Object.keys(actual), ...Object.keys(expect.postingsMinor)]);
    for (const kind of kinds) {
      const got = actual[kind] ?? 0;
      const want = expect.postingsMinor[kind] ?? 0;
      if (got !== want) {
        failures.push(`ledger ${kind} is ${formatAmount(got, currency)}, expected ${formatAmount(want, currency)}`);
      }
    }
  }
  return failures;
}

/** The order's postings summed per kind, kinds that sum to zero left out. */
export function sumByKind(postings: Array<[string, number]>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const [kind, minor] of postings) sums[kind] = (sums[kind] ?? 0) + minor;
  return Object.fromEntries(Object.entries(sums).filter(([, v]) => v !== 0));
}

/** True when `wanted` appears in `codes` in this order, other codes allowed in between. */
export function isSubsequence(wanted: string[], codes: string[]): boolean {
  let i = 0;
  for (const code of codes) if (code === wanted[i]) i++;
  return i === wanted.length;
}
