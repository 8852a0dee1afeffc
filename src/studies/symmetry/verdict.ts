/**
 * H1's decision rule (docs/math.md#hypotheses, §9): raw F spans decades along the orbit while the function and F* stay put.
 */
import { combine, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';

export interface H1Row {
  mode: string;
  fDecades: number;
  lossRelSpread: number;
  fStarRelSpread: number;
  riskRelSpread: number | null;
  uShaped: boolean;
}

export function verdictH1(rows: readonly H1Row[]): Verdict {
  if (!rows.length) return { status: 'inconclusive', text: 'H1 inconclusive: no finished orbit trials', details: [] };
  const minDec = Math.min(...rows.map((r) => r.fDecades));
  const maxLoss = Math.max(...rows.map((r) => r.lossRelSpread));
  const maxFs = Math.max(...rows.map((r) => r.fStarRelSpread));
  const risks = rows.map((r) => r.riskRelSpread).filter((v): v is number => v !== null && Number.isFinite(v));
  const maxRisk = risks.length ? Math.max(...risks) : 0;
  const uShaped = rows.filter((r) => r.uShaped).length;
  const parts: VerdictStatus[] = [
    minDec >= THRESHOLDS.h1MinDecades ? 'holds' : 'does not hold',
    maxLoss <= THRESHOLDS.h1MaxRelSpread && maxRisk <= THRESHOLDS.h1MaxRelSpread ? 'holds' : 'does not hold',
    maxFs <= THRESHOLDS.h1MaxRelSpread ? 'holds' : 'does not hold',
  ];
  const status = combine(parts);
  const details = [
    `F spans at least ${minDec.toFixed(1)} decades along every orbit (threshold ${THRESHOLDS.h1MinDecades})`,
    `largest relative change along an orbit: train loss ${maxLoss.toExponential(1)}, risk ${maxRisk.toExponential(1)}, F* ${maxFs.toExponential(1)} (threshold ${THRESHOLDS.h1MaxRelSpread})`,
    `${uShaped} of ${rows.length} orbits have their minimum of F strictly inside the factor range (U shape)`,
  ];
  return {
    status,
    text: `H1 ${status}: F spans ≥ ${minDec.toFixed(1)} decades on the rescaling orbit while the train loss changes by ≤ ${maxLoss.toExponential(1)} and F* by ≤ ${maxFs.toExponential(1)} (relative)`,
    details,
  };
}
