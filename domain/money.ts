/**
 * Amounts travel as integer minor units; the API speaks major units as decimals (PayStar's `amount: 100`).
 * The exponent table follows ISO 4217 for the currencies the engine accepts. Pure: workflows import it.
 */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  RUB: 2,
  UAH: 2,
  KZT: 2,
  TRY: 2,
  INR: 2,
  BRL: 2,
  AZN: 2,
  UZS: 2,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  BHD: 3,
} as const satisfies Record<string, number>;

/** A currency the engine accepts. */
export type Currency = keyof typeof CURRENCY_EXPONENTS;

/** True for a supported ISO 4217 code. */
export const isCurrency = (code: string): code is Currency => Object.hasOwn(CURRENCY_EXPONENTS, code);

/**
 * Converts a decimal amount in major units to minor units, refusing more decimals than the currency has
 * (rather than rounding someone's money).
 */
export function toMinorUnits(amount: number | string, currency: Currency): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  const text = typeof amount === 'number' ? amountToPlainString(amount) : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`amount ${text} is not a non-negative decimal number`);
  const [, whole = '0', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new RangeError(`amount ${text} has more than ${exponent} decimal places for ${currency}`);
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount ${text} is too large`);
  return minor;
}

/** Converts minor units back to a major-unit number for the API. */
export function toMajorUnits(minor: number, currency: Currency): number {
  return minor / 10 ** CURRENCY_EXPONENTS[currency];
}

// Avoid exponent notation (1e-7) so the decimal check sees every digit. One formatter for every call:
// Number.prototype.toLocaleString builds a new one each time (about 20 µs, a few per order create).
const PLAIN_DECIMAL = new Intl.NumberFormat('en-US', { useGrouping: false, maximumFractionDigits: 20 });

function amountToPlainString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return PLAIN_DECIMAL.format(n);
}
