import { formatAmount } from '../../api/payform/amount';
import { pickLocale } from '../../api/payform/messages';
import { checkCard } from '../../api/routes/payment-form';

describe('the payment page speaks the payer’s language', () => {
  test.each([
    [undefined, undefined, 'en'],
    [undefined, 'ru-RU,ru;q=0.9,en-US;q=0.8', 'ru'],
    [undefined, 'de-DE, ru;q=0.5, en;q=0.4', 'ru'],
    [undefined, 'en;q=0.3, ru;q=0.8', 'ru'],
    [undefined, 'ru;q=0, en', 'en'],
    [undefined, 'fr, de', 'en'],
    ['en', 'ru', 'en'],
    ['ru', 'en', 'ru'],
    ['xx', 'ru', 'ru'],
  ])('?lang=%s with Accept-Language %s → %s', (query, header, locale) => {
    expect(pickLocale(query, header)).toBe(locale);
  });
});

describe('amounts in the currency’s own minor units', () => {
  test.each([
    ['1500', 'JPY', 'en', '1,500 JPY'],
    ['1234', 'KWD', 'en', '1.234 KWD'],
    ['1209', 'USD', 'en', '12.09 USD'],
    ['5', 'USD', 'en', '0.05 USD'],
    ['7', 'BHD', 'en', '0.007 BHD'],
    ['123450', 'RUB', 'ru', '1\u00a0234,50 RUB'],
    // Beyond a double's exact integers, still exact: the decimal is built from the digits.
    ['450359962737049', 'USD', 'en', '4,503,599,627,370.49 USD'],
  ])('%s minor %s in %s is %s', (minor, currency, locale, shown) => {
    expect(formatAmount(minor, currency, locale as 'en' | 'ru')).toBe(shown);
  });
});

describe('the server checks the card like the page does', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  test('a good card passes, grouped or not', () => {
    expect(checkCard('4111 1111 1111 1111', '11/26', '123', now)).toEqual({ digits: '4111111111111111' });
    expect(checkCard('5555-5555-5555-4444', '01/2030', undefined, now)).toEqual({ digits: '5555555555554444' });
  });
  test('Luhn, expiry in the past or malformed, and CVC are refused by field', () => {
    expect(checkCard('4111111111111112', '12/30', '123', now)).toEqual({ errors: { cardNumber: true } });
    expect(checkCard('12ab', undefined, undefined, now)).toEqual({ errors: { cardNumber: true } });
    expect(checkCard('4111111111111111', '10/26', '12', now)).toEqual({
      errors: { cardExpiry: true, cardCvc: true },
    });
    expect(checkCard('4111111111111111', '13/29', undefined, now)).toEqual({ errors: { cardExpiry: true } });
  });
});
