/**
 * The one number formatter (src/number-format.ts) in each front end's style, against the strings those front
 * ends printed before they shared it (written out by hand here, so a change of any rule shows).
 */
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/number-format.js';
import { f2 } from '../../src/studies/verdict.js';

describe('formatNumber', () => {
  it('defaults (CLI measure and estimate-trace): 6 significant digits in [1e-3, 1e6), else 4 exponent digits', () => {
    const cases: [number | null, string][] = [
      [0, '0'],
      [1.5, '1.50000'],
      [-123456.7, '-123457'],
      [1e6, '1.0000e+6'],
      [0.000999, '9.9900e-4'],
      [5, '5.00000'],
      [null, 'n/a'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
    ];
    for (const [x, s] of cases) expect(formatNumber(x)).toBe(s);
  });

  it('playground style: trailing zeros trimmed, 5 exponent digits, an em dash when missing', () => {
    const web = (x: number | null) => formatNumber(x, { missing: '—', expDigits: 5, trim: true });
    expect(web(1.5)).toBe('1.5');
    expect(web(14.5312345)).toBe('14.5312');
    expect(web(2e-7)).toBe('2.00000e-7');
    expect(web(null)).toBe('—');
  });

  it('measure-table style prints integers as integers; report style uses 4 digits in [1e-3, 1e5)', () => {
    expect(formatNumber(12, { integersBelow: 1e15 })).toBe('12');
    expect(formatNumber(12.5, { integersBelow: 1e15 })).toBe('12.5000');
    const html = (x: number) =>
      formatNumber(x, { integersBelow: 1e7, digits: 4, expDigits: 3, fixedRange: [1e-3, 1e5] });
    expect(html(3)).toBe('3');
    expect(html(0.12345)).toBe('0.1235');
    expect(html(123456.5)).toBe('1.235e+5');
    expect(html(0)).toBe('0');
  });

  it('train style is always exponential with 4 significant digits', () => {
    const train = (x: number | null) => formatNumber(x, { missing: '–', fixedRange: [0, 0], expDigits: 3 });
    expect(train(1.23456)).toBe('1.235e+0');
    expect(train(1e-12)).toBe('1.000e-12');
    expect(train(null)).toBe('–');
  });

  it('verdict style (f2): two decimals in [0.01, 100) and for 0, one exponent digit outside, n/a when not finite', () => {
    const cases: [number, string][] = [
      [0, '0.00'],
      [1.005, '1.00'],
      [-1.23456, '-1.23'],
      [0.01, '0.01'],
      [0.00999, '1.0e-2'],
      [99.994, '99.99'],
      [100, '1.0e+2'],
      [-2500, '-2.5e+3'],
      [Number.NaN, 'n/a'],
      [Number.NEGATIVE_INFINITY, 'n/a'],
    ];
    for (const [x, s] of cases) expect(f2(x)).toBe(s);
  });
});
