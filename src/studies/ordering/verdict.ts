/**
 * H4's decision rule (docs/math.md#hypotheses, §9): F* orders interpolators by risk, raw F does not.
 */
import { spearman } from '../../statistics/fits.js';
import { ci, f2, sp, type Verdict, type VerdictStatus } from '../verdict.js';

export interface H4Point {
  risk: number;
  fStar: number;
  traceRescaled: number;
  traceRescaledPerNeuron?: number;
}

export function verdictH4(points: readonly H4Point[], label: string): Verdict {
  const star = spearman(
    points.map((p) => p.fStar),
    points.map((p) => p.risk),
  );
  const raw = spearman(
    points.map((p) => p.traceRescaled),
    points.map((p) => p.risk),
  );
  let status: VerdictStatus;
  if (!Number.isFinite(star.ci[0])) status = 'inconclusive';
  else if (star.ci[1] <= 0 || raw.rho >= star.rho) status = 'does not hold';
  else if (star.ci[0] > 0 && raw.rho < star.ci[0]) status = 'holds';
  else status = 'inconclusive';
  const text = `H4 ${status}${sp(label)}: Spearman ρ(F*, risk) = ${f2(star.rho)} (${ci(star.ci)}), ρ(raw F on random orbit points, risk) = ${f2(raw.rho)} (${ci(raw.ci)}), ${star.n} interpolators`;
  return {
    status,
    text,
    details: [
      'holds when ρ(F*) is positive with its CI above 0 and the raw-F correlation (one random global factor per interpolator) lies below that CI',
      ...(points.some((p) => p.traceRescaledPerNeuron !== undefined)
        ? [
            (() => {
              const pn = spearman(
                points.map((p) => p.traceRescaledPerNeuron ?? Number.NaN),
                points.map((p) => p.risk),
              );
              return `for comparison, raw F after independent per-neuron factors: ρ = ${f2(pn.rho)} (${ci(pn.ci)}) — the largest of m random terms grows with the width, so this rescaling favours narrow interpolators`;
            })(),
          ]
        : []),
    ],
  };
}
