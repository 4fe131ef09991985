import { CODES, codeInWords, HISTORY_CODES } from '../../domain/history-codes';
import {
  displayAmount,
  ORDER_SUMMARY_MAX_LENGTH,
  orderSummaryAttribute,
  orderSummaryLine,
  outcomeInWords,
} from '../../domain/order-summary';

/** The texts of the Temporal Web UI's summaries (docs/temporal-web-ui.md, "What an operator sees"). */
describe('order summaries', () => {
  test.each([
    [10000, 'USD', '100.00 USD'],
    [5, 'EUR', '0.05 EUR'],
    [500, 'JPY', '500 JPY'],
    [1234, 'KWD', '1.234 KWD'],
    [42, 'XXX', '42 XXX (minor units)'],
  ])('%p minor units of %s read %p', (minor, currency, text) => {
    expect(displayAmount(minor, currency)).toBe(text);
  });

  test('a code reads in words from the catalog: the step, the reason or what the class says, the payment status', () => {
    expect(codeInWords(CODES.GATEWAY_DECLINED)).toBe('Gateway create: failed (payment failed)');
    expect(codeInWords('4.1.4.63')).toBe('Status check: insufficient funds (payment failed)');
    expect(codeInWords(CODES.PRECHECK_BLACKLIST)).toBe('PayStar pre-check: black-list entry matched (payment failed)');
    expect(codeInWords('9.9.9.99')).toBe('unknown code 9.9.9.99');
    // Every code of the catalog has words: none falls back to the code itself.
    for (const { code } of HISTORY_CODES)
      expect(codeInWords(code)).toMatch(/^[A-Z][a-z]+[^:]*: .+ \(payment (created|processing|success|failed)\)$/);
  });

  test('the list summary names the merchant, and for a failed order the gateway and the reason', () => {
    const facts = { direction: 'payout' as const, amountMinor: 2500, currency: 'EUR', merchantId: 'm-1' };
    expect(orderSummaryLine({ ...facts, merchantName: 'Acme' })).toBe('Payout 25.00 EUR · Acme');
    expect(orderSummaryLine(facts)).toBe('Payout 25.00 EUR · merchant m-1');
    expect(outcomeInWords({ status: 'Processing', gateway: 'Sandbox 1' })).toBe('Processing');
    expect(
      orderSummaryAttribute(
        { ...facts, merchantName: 'Acme' },
        { status: 'Failed', gateway: 'Sandbox 2', code: CODES.DEADLINE_REACHED },
      ),
    ).toBe(
      'Payout 25.00 EUR · Acme · Failed at Sandbox 2: PayStar deadline: overall order deadline reached (payment failed)',
    );
  });

  test('the list summary fits a visibility keyword, however long the names', () => {
    const long = 'N'.repeat(500);
    const text = orderSummaryAttribute(
      { direction: 'deposit', amountMinor: 1, currency: 'USD', merchantId: 'm', merchantName: long },
      { status: 'Failed', gateway: long, code: CODES.PAYFORM_CARD_REFUSED },
    );
    expect(text.length).toBeLessThanOrEqual(ORDER_SUMMARY_MAX_LENGTH);
    expect(text).toMatch(/^Deposit 0\.01 USD · N+… · Failed at N+…/);
  });
});
