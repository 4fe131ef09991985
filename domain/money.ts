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
 * The largest amount the engine takes, in minor units, whatever the currency: floor(2^52 / 10). Below it, a JSON
 * number with one decimal more than the currency has is still a different double from every valid amount, so an
 * extra digit is refused rather than silently rounded away; and the ledger holds it exactly.
 */
export const MAX_AMOUNT_MINOR = 450_359_962_737_049;

/** The largest amount in major units, as a decimal string (for messages and the OpenAPI document). */
export const maxAmountOf = (currency: Currency): string => {
  const exponent = CURRENCY_EXPONENTS[currency];
  const digits = String(MAX_AMOUNT_MINOR);
  return exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
};

/**
 * Converts a decimal amount in major units to minor units, refusing more decimals than the currency has
 * (rather than rounding someone's money) and amounts above {@link MAX_AMOUNT_MINOR}.
 */
export function toMinorUnits(amount: number | string, currency: Currency): number {
  const exponent = CURRENCY_EXPONENTS[currency];
  const text = typeof amount === 'number' ? amountToPlainString(amount, currency) : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`amount ${text} is not a non-negative decimal number`);
  const [, whole = '0', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new RangeError(`amount ${text} has more than ${exponent} decimal places for ${currency}`);
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  if (!Number.isSafeInteger(minor) || minor > MAX_AMOUNT_MINOR) {
    throw new RangeError(`amount ${text} is too large: at most ${maxAmountOf(currency)} ${currency}`);
  }
  return minor;
}

/** Converts minor units back to a major-unit number for the API. */
export function toMajorUnits(minor: number, currency: Currency): number {
  return minor / 10 ** CURRENCY_EXPONENTS[currency];
}

/**
 * The shortest decimal that reads back as this double (what the client most likely wrote), never in exponent
 * notation: tiny numbers (1e-21, 5e-324) have more decimals than any currency, huge ones are too large, and both
 * are refused as such instead of turning into 0 or a rounded integer.
 */
function amountToPlainString(n: number, currency: Currency): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  if (/e-/i.test(text)) {
    throw new RangeError(`amount ${text} has more than ${CURRENCY_EXPONENTS[currency]} decimal places for ${currency}`);
  }
  throw new RangeError(`amount ${text} is too large: at most ${maxAmountOf(currency)} ${currency}`);
}
