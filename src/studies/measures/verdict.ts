/**
 * The league's summary (docs/math.md#hypotheses, §9): descriptive, no verdict. The headline is F*'s
 * rank by the mean Kendall τ with the risk *within* data sets; the pooled τ is reported beside it but
 * mixes data sets whose measures differ for reasons unrelated to generalization (e.g. the Fisher–Rao
 * norm at an interpolator is (k+1)² mean y²), so it is not the claim.
 */

import type { Verdict } from '../verdict.js';
import type { League } from './league.js';

/** Fewer interpolators than this leave τ's interval undefined (Fisher z needs n > 4): no verdict. */
export const LEAGUE_MIN_MEMBERS = 5;

export function verdictLeague(league: League, excluded: number): Verdict {
  const v = league.verdict;
  const fStar = league.rows.find((r) => r.measure === 'invariant_flatness');
  const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
  const few =
    league.members < LEAGUE_MIN_MEMBERS ? ` — fewer than ${LEAGUE_MIN_MEMBERS} interpolators: τ has no interval` : '';
  return {
    status: 'inconclusive',
    descriptive: true,
    text: `Measure league (descriptive, no verdict): within a data set F* ranks ${v.fStarRankWithinData} of ${league.rows.length} measures by mean Kendall τ with the risk (leader: ${v.leaderWithinData}); ${league.members} interpolators${few}`,
    details: [
      `pooled over data sets (not the claim: pooled τ mixes data sets): ${v.line}`,
      `Ψ per axis for F*: ${fStar?.psiAxes.map((a) => `${a.axis} ${f3(a.tau)} (${a.groups} groups)`).join(', ') ?? 'n/a'}`,
      v.declarationsHold
        ? 'every declared invariance agrees with the measured orbit spread (invariant ≤ 1e-9, not invariant > 1%)'
        : `declared invariance and measured orbit spread disagree for: ${v.mismatched.join(', ')}`,
      `${excluded} trial(s) that do not interpolate (train loss > 1e-8) are left out of the league`,
    ],
  };
}
