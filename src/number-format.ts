/**
 * The one number formatter of the CLI, the report, the verdict lines and the playground. Each front end
 * keeps its own style (how many digits, when to switch to exponential notation, what a missing value
 * looks like) as options of this function, so the rules — 0 prints as "0" (or with the fixed decimals),
 * fixed notation inside a magnitude range, exponential outside it — are written once.
 */

export interface NumberFormat {
  /** Significant digits in fixed notation (default 6). */
  digits?: number;
  /** Digits after the point in fixed notation, instead of significant digits (0 then prints as "0.00"). */
  decimals?: number;
  /** Digits after the point in exponential notation (default 4). */
  expDigits?: number;
  /** Fixed notation for |x| in [low, high) (default [1e-3, 1e6)); exponential outside. */
  fixedRange?: readonly [number, number];
  /** Integers of magnitude below this print as integers (default 0: never). */
  integersBelow?: number;
  /** Drop trailing zeros of the fixed notation ("1.50000" → "1.5"). */
  trim?: boolean;
  /** Text for null / undefined (default "n/a"). */
  missing?: string;
}

export function formatNumber(x: number | null | undefined, f: NumberFormat = {}): string {
  if (x === null || x === undefined) return f.missing ?? 'n/a';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return f.decimals === undefined ? '0' : x.toFixed(f.decimals);
  const a = Math.abs(x);
  if (f.integersBelow !== undefined && Number.isInteger(x) && a < f.integersBelow) return String(x);
  const [low, high] = f.fixedRange ?? [1e-3, 1e6];
  return a >= low && a < high ? fixedNotation(x, f) : x.toExponential(f.expDigits ?? 4);
}

/** x in fixed notation: significant digits or fixed decimals, trailing zeros dropped when asked. */
function fixedNotation(x: number, f: NumberFormat): string {
  const s = f.decimals === undefined ? x.toPrecision(f.digits ?? 6) : x.toFixed(f.decimals);
  return f.trim ? String(Number(s)) : s;
}
