import { isCurrency, toMajorUnits, toMinorUnits } from '../../domain/money';

describe('money', () => {
  test.each([
    [100, 'USD', 10000],
    ['100', 'USD', 10000],
    [2600.5, 'EUR', 260050],
    ['0.01', 'USD', 1],
    ['12.340', 'USD', 1234],
    [500, 'JPY', 500],
    ['1.234', 'KWD', 1234],
  ] as const)('%p %s is %p minor units', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
    expect(toMajorUnits(minor, currency)).toBeCloseTo(Number(amount), 10);
  });

  test('refuses more decimals than the currency has, instead of rounding', () => {
    expect(() => toMinorUnits('10.001', 'USD')).toThrow(/more than 2 decimal places for USD/);
    expect(() => toMinorUnits(0.5, 'JPY')).toThrow(/more than 0 decimal places for JPY/);
  });

  test('refuses what is not a non-negative decimal', () => {
    for (const bad of ['-1', '1e3', 'abc', '', '1.2.3']) expect(() => toMinorUnits(bad, 'USD')).toThrow(RangeError);
    expect(() => toMinorUnits(Number.NaN, 'USD')).toThrow(RangeError);
  });

  test('knows ISO currencies it supports and nothing else', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XXX')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
  });
});
