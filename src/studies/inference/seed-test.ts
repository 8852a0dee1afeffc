/**
 * The across-seed test of docs/math.md#hypotheses (§9): each line reduces each data seed to one number
 * z_s, and the one-sided one-sample t-test of the mean against 0 says whether the line holds (mean above
 * 0) or fails (below), with the 95% interval of the mean and the minimum detectable effect at the
 * pre-registered level and power.
 */
import { tCdf, tQuantile } from './student-t.js';

/** Level of every one-sided test. */
export const ALPHA = 0.05;
/** Power at which each line's minimum detectable effect is stated. */
export const POWER = 0.8;
/** A line needs this many seeds with a summary to be decided. */
export const MIN_SEEDS = 3;

export interface SeedTest {
  /** Seeds with a finite summary. */
  seeds: number;
  mean: number;
  sd: number;
  t: number;
  /** P(T ≥ t): evidence that the mean is above 0. */
  pHold: number;
  /** P(T ≤ t): evidence that the mean is below 0. */
  pFail: number;
  /** Two-sided 95% interval of the mean. */
  ci: [number, number];
  /** Minimum detectable effect at level ALPHA and power POWER, in the units of z. */
  mde: number;
}

/** The one-sided t-test across seeds of the per-seed summaries z (non-finite entries are dropped). */
export function seedTest(z: readonly number[]): SeedTest {
  const v = z.filter(Number.isFinite);
  const s = v.length;
  const mean = s ? v.reduce((a, b) => a + b, 0) / s : Number.NaN;
  if (s < 2) {
    return {
      seeds: s,
      mean,
      sd: Number.NaN,
      t: Number.NaN,
      pHold: Number.NaN,
      pFail: Number.NaN,
      ci: [Number.NaN, Number.NaN],
      mde: Number.NaN,
    };
  }
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (s - 1));
  const se = sd / Math.sqrt(s);
  const df = s - 1;
  const half = tQuantile(0.975, df) * se;
  const mde = (tQuantile(1 - ALPHA, df) + tQuantile(POWER, df)) * se;
  if (se === 0) {
    // Identical summaries on every seed: the sign of the mean decides.
    const pHold = mean > 0 ? 0 : mean < 0 ? 1 : 0.5;
    return { seeds: s, mean, sd, t: Number.NaN, pHold, pFail: mean === 0 ? 0.5 : 1 - pHold, ci: [mean, mean], mde: 0 };
  }
  const t = mean / se;
  const pFail = tCdf(t, df);
  return { seeds: s, mean, sd, t, pHold: 1 - pFail, pFail, ci: [mean - half, mean + half], mde };
}
