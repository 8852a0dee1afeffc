/**
 * From per-line tests to a hypothesis's verdict (docs/math.md#hypotheses, §9): a line holds when every
 * part holds (intersection–union); "does not hold" is decided on Holm-adjusted failure p-values across
 * the lines; the hypothesis holds when every counted line holds. Lines that are outside the claim, or
 * whose construction does not interpolate, or that lack seeds, are listed with their reason and never
 * decide anything. Secondary endpoints get Benjamini–Hochberg q-values.
 */
import type { VerdictStatus } from '../verdict.js';
import { benjaminiHochberg, holm } from './multiplicity.js';
import { ALPHA, MIN_SEEDS, type SeedTest } from './seed-test.js';

/** Largest share of non-interpolating trials a line may have and still be evidence. */
export const MAX_NON_INTERPOLATING_SHARE = 0.2;
/** False-discovery rate of the secondary endpoints. */
export const BH_Q = 0.1;

export interface LinePart {
  /** What the part tests, e.g. "ratio at least 5 at the largest n". */
  name: string;
  test: SeedTest;
}

export interface LineInput {
  label: string;
  parts: LinePart[];
  /** Trials of the line, and how many of them do not interpolate. */
  trials: number;
  nonInterpolating: number;
  /** Set when the line is outside the claim (reported, not counted): the reason. */
  outside?: string;
  /** Set when the line cannot be decided for a stated reason (e.g. "largest n below 8d"). */
  undecidable?: string;
}

export type LineStatus = VerdictStatus | 'outside';

export interface LineDecision extends LineInput {
  status: LineStatus;
  /** Why, in words (for an inconclusive or outside line, the reason). */
  reason: string;
  /** max over parts of p_hold (the intersection–union p-value); NaN when not tested. */
  pHold: number;
  /** Smallest part p_fail times the number of parts; NaN when not tested. */
  pFail: number;
  /** pFail after Holm across the hypothesis's tested lines. */
  pFailHolm: number;
  /** Largest minimum detectable effect over the parts. */
  mde: number;
}

function screen(l: LineInput): string | null {
  if (l.outside) return null;
  if (l.trials > 0 && l.nonInterpolating / l.trials > MAX_NON_INTERPOLATING_SHARE)
    return `the construction does not interpolate (${l.nonInterpolating} of ${l.trials} trials)`;
  if (l.undecidable) return l.undecidable;
  if (!l.parts.length) return 'no test';
  const few = Math.min(...l.parts.map((p) => p.test.seeds));
  if (few < MIN_SEEDS) return `too few seeds (${few}; at least ${MIN_SEEDS} needed)`;
  return null;
}

/** Decide every line of one hypothesis and the hypothesis itself. */
export function decideLines(lines: readonly LineInput[]): { lines: LineDecision[]; status: VerdictStatus } {
  const pre = lines.map((l) => {
    const why = screen(l);
    const tested = !l.outside && why === null;
    const pHold = tested ? Math.max(...l.parts.map((p) => p.test.pHold)) : Number.NaN;
    const pFail = tested ? Math.min(1, Math.min(...l.parts.map((p) => p.test.pFail)) * l.parts.length) : Number.NaN;
    const mde = l.parts.length ? Math.max(...l.parts.map((p) => p.test.mde)) : Number.NaN;
    return { l, why, tested, pHold, pFail, mde };
  });
  const adjusted = holm(pre.map((p) => p.pFail));
  const decided: LineDecision[] = pre.map((p, i) => {
    const base = { ...p.l, pHold: p.pHold, pFail: p.pFail, pFailHolm: adjusted[i], mde: p.mde };
    if (p.l.outside) return { ...base, status: 'outside', reason: p.l.outside };
    if (!p.tested) return { ...base, status: 'inconclusive', reason: p.why ?? 'no test' };
    if (p.pHold <= ALPHA) return { ...base, status: 'holds', reason: 'every part above its margin' };
    if (adjusted[i] <= ALPHA) return { ...base, status: 'does not hold', reason: 'below its margin (Holm-adjusted)' };
    const small = p.l.parts.some((q) => Math.abs(q.test.mean) < q.test.mde);
    return {
      ...base,
      status: 'inconclusive',
      reason: small ? 'underpowered: an effect smaller than its minimum detectable effect' : 'not decisive at α = 0.05',
    };
  });
  const counted = decided.filter((d) => d.status !== 'outside');
  let status: VerdictStatus = 'inconclusive';
  if (counted.some((d) => d.status === 'does not hold')) status = 'does not hold';
  else if (counted.length && counted.every((d) => d.status === 'holds')) status = 'holds';
  return { lines: decided, status };
}

export interface SecondaryEndpoint {
  label: string;
  /** The effect tested one-sided (above 0), across seeds. */
  test: SeedTest;
}

export interface SecondaryResult extends SecondaryEndpoint {
  /** BH-adjusted q-value of p_hold; NaN when not tested. */
  q: number;
  /** q ≤ BH_Q. */
  discovered: boolean;
}

/** Benjamini–Hochberg across a hypothesis's secondary endpoints (reported, never part of the verdict). */
export function secondary(endpoints: readonly SecondaryEndpoint[]): SecondaryResult[] {
  const q = benjaminiHochberg(endpoints.map((e) => (e.test.seeds >= 2 ? e.test.pHold : Number.NaN)));
  return endpoints.map((e, i) => ({ ...e, q: q[i], discovered: q[i] <= BH_Q }));
}
