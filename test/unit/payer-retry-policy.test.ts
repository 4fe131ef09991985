import { payerMayTryAnotherCard } from '../../domain/cascade-policy';
import { HISTORY_CODES, type HistoryCode } from '../../domain/history-codes';

/** Which final declines let the payer on the hosted form try another card (docs/payment-page.md). */
describe('another card after a decline', () => {
  test.each([
    ['2.2.4.00', 'a create declined without a reason'],
    ['2.2.4.61', 'card blocked'],
    ['2.2.4.62', 'card not supported'],
    ['2.2.4.63', 'insufficient funds'],
    ['4.1.4.00', 'a status check: declined'],
    ['4.1.4.63', 'a status check: insufficient funds'],
    ['5.1.4.00', 'a callback: declined'],
    ['5.1.4.61', 'a callback: card blocked'],
  ])('%s (%s) lets the payer try another card', (code) => {
    expect(payerMayTryAnotherCard(code as HistoryCode)).toBe(true);
  });

  test.each([
    ['2.2.4.41', 'antifraud'],
    ['4.1.4.41', 'antifraud, by status check'],
    ['2.2.4.31', "the gateway's balance"],
    ['2.2.4.32', "the gateway's limit"],
    ['2.2.4.33', 'currency not allowed'],
    ['2.2.4.21', 'our credentials (401)'],
    ['2.2.4.15', 'an invalid request'],
    ['2.2.4.11', 'a timeout ruled out'],
    ['1.2.4.42', 'the black list'],
    ['1.2.4.32', 'a limit'],
    ['1.2.4.73', 'the deadline or the form expired'],
    ['1.2.4.77', "an operator's decision"],
    ['3.2.4.56', 'a failed 3-D Secure challenge'],
  ])('%s (%s) ends the order', (code) => {
    expect(payerMayTryAnotherCard(code as HistoryCode)).toBe(false);
  });

  test('no success or pending answer counts as a decline', () => {
    const notFailed = HISTORY_CODES.filter((d) => d.status !== 'failed').map((d) => d.code);
    expect(notFailed.filter((code) => payerMayTryAnotherCard(code))).toEqual([]);
  });
});
