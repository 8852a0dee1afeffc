/**
 * What every study's verdict shares: the three statuses, the thresholds (stated once, here and in
 * docs/studies.md, so that a study can fail), how sub-verdicts combine, and the number formats of the
 * verdict lines. Each study's own decision rule lives in src/studies/<type>/verdict.ts.
 */

import { formatNumber, type NumberFormat } from '../number-format.js';

export type VerdictStatus = 'holds' | 'does not hold' | 'inconclusive';

export interface Verdict {
  status: VerdictStatus;
  /** One line, e.g. "H2 holds at d = 20: memorizer F* / F_min grows as n^0.9, 95% CI [0.8, 1.0]". */
  text: string;
  /** Supporting lines (one per sub-claim). */
  details: string[];
  /** A descriptive study (the measure league): a summary with no claim to decide; `status` is then 'inconclusive'. */
  descriptive?: boolean;
}

/** Thresholds, stated once. */
export const THRESHOLDS = {
  /** H1: F must span at least this many decades along the orbit … */
  h1MinDecades: 2,
  /** … while train loss, risk and F* change by at most this relative amount. */
  h1MaxRelSpread: 1e-8,
  /** H2: an interpolator is non-generalizing at a setting when its mean risk at the largest n is ≥ this × Var(y) ("order Var(y)"). */
  h2NonGeneralizingRisk: 0.25,
  /** H2: "far from flattest" means F* / F_min ≥ this factor for every seed at the largest n. */
  h2NeverFlattestFactor: 5,
  /** H3: the flattest interpolator's risk at the largest n, noiseless and exact link, is ≤ this × Var(f*). */
  h3MaxRiskFraction: 0.1,
  /** Algorithms: the flattest search is "flattest" when its F* ≤ this × the smallest F* of the others. */
  algFlattestSlack: 1.1,
} as const;

/** A verdict's number: two decimals in [0.01, 100), one exponent digit outside, "n/a" where it is not finite. */
const VERDICT_NUMBER: NumberFormat = { decimals: 2, expDigits: 1, fixedRange: [0.01, 100] };
export const f2 = (x: number): string => formatNumber(Number.isFinite(x) ? x : null, VERDICT_NUMBER);
export const sp = (label: string): string => (label ? ` ${label}` : '');
export const ci = (c: [number, number]): string => `95% CI [${f2(c[0])}, ${f2(c[1])}]`;

/** Combine sub-verdicts: any failure fails; otherwise any inconclusive part is inconclusive. */
export function combine(parts: readonly VerdictStatus[]): VerdictStatus {
  if (!parts.length) return 'inconclusive';
  if (parts.includes('does not hold')) return 'does not hold';
  if (parts.includes('inconclusive')) return 'inconclusive';
  return 'holds';
}

/** The study's overall verdict from its sub-verdicts (one line that lists each part). */
export function overall(name: string, parts: Verdict[]): Verdict {
  const status = combine(parts.map((v) => v.status));
  return {
    status,
    text:
      parts.length === 1
        ? parts[0].text
        : `${name} ${status}: ${parts.map((v) => v.text.replace(/^\S+ (holds|does not hold|inconclusive) /, '')).join(' | ')}`,
    details: parts.flatMap((v) => v.details),
  };
}
