/**
 * The league's decision (docs/math.md#hypotheses, H4 asked of every registered measure): the invariant
 * flatness F* ranks first by Kendall τ with the risk, and every measure that is not invariant loses rank
 * correlation (|τ| drops) once each θ is moved to a random point of its rescaling orbit.
 */
import type { League } from '../../measures/league.js';
import type { Verdict, VerdictStatus } from '../verdict.js';

/** Fewer interpolators than this leave τ's interval undefined (Fisher z needs n > 4): no verdict. */
export const LEAGUE_MIN_MEMBERS = 5;

export function verdictLeague(league: League, excluded: number): Verdict {
  const v = league.verdict;
  let status: VerdictStatus;
  if (league.members < LEAGUE_MIN_MEMBERS) status = 'inconclusive';
  else status = v.fStarFirst && v.nonInvariantDrop ? 'holds' : 'does not hold';
  const fStar = league.rows.find((r) => r.measure === 'invariant_flatness');
  const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'undefined' : x.toFixed(3));
  return {
    status,
    text: `F* leads the measure league: ${status} — ${v.line} (${league.members} interpolators)`,
    details: [
      'holds when F* has the largest Kendall τ with the risk of every registered measure and every non-invariant measure has |τ| at the orbit point below its |τ| at θ; inconclusive below 5 interpolators',
      `Ψ per axis for F*: ${fStar?.psiAxes.map((a) => `${a.axis} ${f3(a.tau)} (${a.groups} groups)`).join(', ') ?? 'n/a'}`,
      v.declarationsHold
        ? 'every declared invariance agrees with the measured orbit spread (invariant ≤ 1e-9, not invariant > 1%)'
        : `declared invariance and measured orbit spread disagree for: ${v.mismatched.join(', ')}`,
      `${excluded} trial(s) that do not interpolate (train loss > 1e-8) are left out of the league`,
    ],
  };
}
