import { CURRENCY_EXPONENTS, isCurrency } from '../../domain/money';
import type { Locale } from './messages';

/**
 * An amount in minor units as the payer reads it: as many decimals as the currency has (JPY 0, USD 2, KWD 3, from
 * the currency table), grouped and punctuated by the page's locale, then the currency code. Exact for any stored
 * amount: the decimal is built from the digits, never through a division.
 */
export function formatAmount(amountMinor: string, currency: string, locale: Locale): string {
  const exponent = isCurrency(currency) ? CURRENCY_EXPONENTS[currency] : 2;
  const digits = amountMinor.replace(/^-/, '').padStart(exponent + 1, '0');
  const decimal = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  const format = new Intl.NumberFormat(locale, {
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
    useGrouping: true,
  });
  // Intl takes the decimal as a string, so no digit is lost to a double.
  const number = format.format(decimal as unknown as number);
  return `${number} ${currency}`;
}
