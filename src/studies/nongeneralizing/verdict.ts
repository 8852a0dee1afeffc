/**
 * H2's decision rule (docs/math.md#hypotheses, §9): non-generalizing interpolators are never flattest.
 */
import { mean, powerLawFit } from '../../statistics/fits.js';
import { ci, combine, f2, sp, THRESHOLDS, type Verdict, type VerdictStatus } from '../verdict.js';

export interface H2Point {
  construction: string;
  n: number;
  ratio: number;
  riskFraction: number;
}

/**
 * Constructions that docs/math.md#interpolators (§5) defines as non-generalizing: if one of them generalizes at a setting,
 * the claim's premise ("their risk stays ≥ order Var(y)") fails. Random features and lazy GD are
 * non-generalizing only in some regimes (e.g. the kernel learns a ReLU target once n ≫ d), so when they
 * generalize they are reported as outside the non-generalizing class there and do not count.
 */
export const H2_NONGENERALIZING_BY_DESIGN: readonly string[] = ['memorizer'];

/** How one construction fares against H2 (see verdictH2). */
export interface H2Construction {
  construction: string;
  /** 'outside' = it generalizes at this setting, so H2 says nothing about it. */
  status: VerdictStatus | 'outside';
  nonGeneralizing: boolean;
  /** Mean risk/Var(y) at the largest n. */
  riskAtMaxN: number;
  /** Smallest F* / F_min over the seeds at the largest n (the "far from flattest" test). */
  ratioAtMaxN: number;
  /** Smallest F* / F_min over every n and seed (reported, not tested: see verdictH2). */
  minRatio: number;
  slope: number;
  ci: [number, number];
  nMax: number;
}

/** The per-construction decision of H2 (exported for the report's table and the tests). */
export function h2Construction(points: readonly H2Point[], c: string): H2Construction | null {
  const pts = points.filter((p) => p.construction === c && Number.isFinite(p.ratio));
  const ns = [...new Set(pts.map((p) => p.n))];
  if (ns.length < 2) return null;
  const fit = powerLawFit(
    pts.map((p) => p.n),
    pts.map((p) => p.ratio),
  );
  const nMax = Math.max(...ns);
  const riskAtMaxN = mean(pts.filter((p) => p.n === nMax).map((p) => p.riskFraction));
  const minRatio = Math.min(...pts.map((p) => p.ratio));
  const ratioAtMaxN = Math.min(...pts.filter((p) => p.n === nMax).map((p) => p.ratio));
  const nonGeneralizing = riskAtMaxN >= THRESHOLDS.h2NonGeneralizingRisk;
  const neverFlattest = ratioAtMaxN >= THRESHOLDS.h2NeverFlattestFactor;
  let status: H2Construction['status'];
  if (!nonGeneralizing) status = H2_NONGENERALIZING_BY_DESIGN.includes(c) ? 'does not hold' : 'outside';
  else if (!neverFlattest) status = 'does not hold';
  else if (!Number.isFinite(fit.ci[0])) status = 'inconclusive';
  else if (fit.ci[0] > 0) status = 'holds';
  else if (fit.ci[1] < 0) status = 'does not hold';
  else status = 'inconclusive';
  return {
    construction: c,
    status,
    nonGeneralizing,
    riskAtMaxN,
    ratioAtMaxN,
    minRatio,
    slope: fit.slope,
    ci: fit.ci,
    nMax,
  };
}

/**
 * H2 per construction, at one activation and d: (i) non-generalizing — mean risk/Var(y) at the largest
 * n ≥ h2NonGeneralizingRisk; (ii) far from flattest — F* / F_min ≥ h2NeverFlattestFactor for every seed
 * at the largest n; (iii) growth — the log–log exponent of F* / F_min in n with its 95% CI. "Flattest"
 * is meant order-wise (F* ≤ C·F_min with C independent of n, docs/math.md#invariant-flatness (§4)), so "never flattest" is the
 * growth of the ratio, and a ratio below the factor at a small n is no counterexample (every ratio starts
 * near 1 when n is tiny); the factor is tested where (i) is. A non-generalizing construction holds when
 * (ii) holds and the exponent's CI is above 0; it fails when it is within the factor of F_min at the
 * largest n or its ratio shrinks (CI below 0); a CI straddling 0 is inconclusive (a ratio that stays
 * constant, however large, is order-wise flattest with a big constant). A construction that generalizes
 * is outside the claim (except those non-generalizing by design, which then fail). H2 holds when every
 * construction in the class holds; with none in the class it is inconclusive.
 */
export function verdictH2(
  points: readonly H2Point[],
  label: string,
  constructions = ['memorizer', 'random-features', 'lazy'],
): Verdict {
  const details: string[] = [];
  const parts: VerdictStatus[] = [];
  const summary: string[] = [];
  const T = THRESHOLDS;
  for (const c of constructions) {
    const r = h2Construction(points, c);
    if (!r) {
      details.push(`${c}: fewer than 2 sample sizes finished — inconclusive`);
      summary.push(`${c}: too few sample sizes`);
      parts.push('inconclusive');
      continue;
    }
    const growth = `F*/F_min ∝ n^${f2(r.slope)} (${ci(r.ci)})`;
    const risk = `risk ${f2(r.riskAtMaxN)} Var(y) at n = ${r.nMax}`;
    if (r.status === 'outside') {
      summary.push(
        `${c}: outside the non-generalizing class here (${risk} < ${T.h2NonGeneralizingRisk}); F*/F_min ≥ ${f2(r.minRatio)}, ∝ n^${f2(r.slope)}`,
      );
      details.push(
        `${c}: generalizes at this setting (${risk}, below ${T.h2NonGeneralizingRisk} Var(y)), so H2 does not apply to it; for the record F*/F_min ≥ ${f2(r.minRatio)} at every n and seed, and ${growth}`,
      );
      continue;
    }
    parts.push(r.status);
    if (!r.nonGeneralizing) {
      summary.push(`${c}: generalizes (${risk}) although it is non-generalizing by construction`);
    } else if (r.ratioAtMaxN < T.h2NeverFlattestFactor) {
      summary.push(
        `${c}: non-generalizing (${risk}) yet within ${T.h2NeverFlattestFactor}× of F_min (F*/F_min = ${f2(r.ratioAtMaxN)} at n = ${r.nMax})`,
      );
    } else if (r.status === 'holds') {
      summary.push(`${c} ${growth}, F*/F_min ≥ ${f2(r.ratioAtMaxN)} at n = ${r.nMax}, non-generalizing (${risk})`);
    } else {
      summary.push(
        `${c}: far from flattest (F*/F_min ≥ ${f2(r.ratioAtMaxN)} at n = ${r.nMax}) and non-generalizing (${risk}), but ${growth} — ${r.ci[1] < 0 ? 'shrinking with n' : 'growth not established'}`,
      );
    }
    details.push(
      `${c}: (i) risk/Var(y) at n = ${r.nMax} is ${f2(r.riskAtMaxN)} (non-generalizing needs ≥ ${T.h2NonGeneralizingRisk}) — ${r.nonGeneralizing ? 'yes' : 'no'}; (ii) F*/F_min at n = ${r.nMax} ≥ ${f2(r.ratioAtMaxN)} over the seeds (far from flattest needs ≥ ${T.h2NeverFlattestFactor}; smallest over all n: ${f2(r.minRatio)}) — ${r.ratioAtMaxN >= T.h2NeverFlattestFactor ? 'yes' : 'no'}; (iii) ${growth} — ${r.status}`,
    );
  }
  const status = parts.length ? combine(parts) : 'inconclusive';
  if (!parts.length) details.push('no construction is non-generalizing at this setting, so H2 cannot be tested here');
  return { status, text: `H2 ${status}${sp(label)}: ${summary.join('; ') || 'no data'}`, details };
}
