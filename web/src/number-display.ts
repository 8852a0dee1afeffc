import { formatNumber } from '../../src/number-format.js';

/** Display formatting: 6 significant digits on screen, the exact double in data-value for tests. */
export function fmt(x: number | null | undefined): string {
  return formatNumber(x, { missing: '—', expDigits: 5, trim: true });
}
