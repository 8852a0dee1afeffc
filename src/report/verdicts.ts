/**
 * Verdicts: each hypothesis of docs/math.md#hypotheses (§9) turned into a decision computed from the data, with the
 * thresholds written here (and in docs/studies.md) so that a study can fail. A verdict is "holds",
 * "does not hold" or "inconclusive" (too little data, or a confidence interval straddling the line).
 */
import { linearFit, mean, powerLawFit, spearman } from './stats.js';

export type VerdictStatus = 'holds' | 'does not hold' | 'inconclusive';

export interface Verdict {
  status: VerdictStatus;
  /** One line, e.g. "H2 holds at d = 20: memorizer F* / F_min grows as n^0.9, 95% CI [0.8, 1.0]". */
  text: string;
  /** Supporting lines (one per sub-claim). */
  details: string[];
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

const f2 = (x: number): string =>
  Number.isFinite(x)
    ? Math.abs(x) >= 100 || (Math.abs(x) < 0.01 && x !== 0)
      ? x.toExponential(1)
      : x.toFixed(2)
    : 'n/a';
const sp = (label: string): string => (label ? ` ${label}` : '');
const ci = (c: [number, number]): string => `95% CI [${f2(c[0])}, ${f2(c[1])}]`;

/** Combine sub-verdicts: any failure fails; otherwise any inconclusive part is inconclusive. */
export function combine(parts: readonly VerdictStatus[]): VerdictStatus {
  if (!parts.length) return 'inconclusive';
  if (parts.includes('does not hold')) return 'does not hold';
  if (parts.includes('inconclusive')) return 'inconclusive';
  return 'holds';
}

// ---------------------------------------------------------------- H1

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

// ---------------------------------------------------------------- H2

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

// ---------------------------------------------------------------- H3

export interface H3Point {
  n: number;
  noise: number;
  exact: boolean;
  target: string;
  risk: number;
  varF: number;
}

export function verdictH3(points: readonly H3Point[], label: string): Verdict {
  const details: string[] = [];
  const parts: VerdictStatus[] = [];
  const clean = points.filter((p) => p.noise === 0 && p.exact && Number.isFinite(p.risk));
  const ns = [...new Set(clean.map((p) => p.n))].sort((a, b) => a - b);
  let head = 'no noiseless exact-link data';
  if (ns.length >= 2) {
    // Fit log(risk + tiny) so an exactly recovered target (risk 0) still counts as small.
    const floor = 1e-12;
    const fit = linearFit(
      clean.map((p) => Math.log(p.n)),
      clean.map((p) => Math.log(p.risk + floor)),
    );
    const nMax = ns[ns.length - 1];
    const atMax = clean.filter((p) => p.n === nMax);
    const frac = mean(atMax.map((p) => p.risk / p.varF));
    const small: VerdictStatus = frac <= THRESHOLDS.h3MaxRiskFraction ? 'holds' : 'does not hold';
    const decreasing: VerdictStatus =
      fit.ci[1] < 0 ? 'holds' : fit.ci[0] > 0 ? 'does not hold' : frac < 1e-6 ? 'holds' : 'inconclusive';
    parts.push(small, decreasing);
    head = `risk ∝ n^${f2(fit.slope)} (${ci(fit.ci)}), risk/Var(f*) = ${f2(frac)} at n = ${nMax}`;
    details.push(`noiseless, exact link: risk decreases in n as n^${f2(fit.slope)}, ${ci(fit.ci)} — ${decreasing}`);
    details.push(
      `noiseless, exact link: risk/Var(f*) at n = ${nMax} is ${f2(frac)} (needs ≤ ${THRESHOLDS.h3MaxRiskFraction}) — ${small}`,
    );
  } else {
    parts.push('inconclusive');
    details.push('fewer than 2 sample sizes with noise 0 and an exact link — inconclusive');
  }
  // Risk grows with the label noise (exact link, largest n where several noise levels finished).
  const exact = points.filter((p) => p.exact && Number.isFinite(p.risk));
  const noises = [...new Set(exact.map((p) => p.noise))].sort((a, b) => a - b);
  if (noises.length >= 2) {
    const nMax = Math.max(...exact.map((p) => p.n));
    const byNoise = noises.map((s) =>
      mean(exact.filter((p) => p.noise === s && p.n === nMax).map((p) => p.risk / p.varF)),
    );
    const ok = byNoise.every((v, i) => i === 0 || v >= byNoise[i - 1]);
    parts.push(ok ? 'holds' : 'does not hold');
    details.push(
      `risk/Var(f*) at n = ${nMax} for σ_ε = ${noises.join(', ')}: ${byNoise.map(f2).join(', ')} — ${ok ? 'grows with the noise' : 'does not grow with the noise'}`,
    );
  }
  // Risk grows with approximation error: non-exact links vs the exact ones, noiseless, largest n.
  const approx = points.filter((p) => !p.exact && p.noise === 0 && Number.isFinite(p.risk));
  if (approx.length && clean.length) {
    const nMax = Math.max(...approx.map((p) => p.n));
    const e = mean(clean.filter((p) => p.n === nMax).map((p) => p.risk / p.varF));
    const a = mean(approx.filter((p) => p.n === nMax).map((p) => p.risk / p.varF));
    const ok = a > e;
    parts.push(Number.isFinite(e) ? (ok ? 'holds' : 'does not hold') : 'inconclusive');
    details.push(
      `risk/Var(f*) at n = ${nMax}: exact links ${f2(e)}, links with approximation error ${f2(a)} — ${ok ? 'approximation error raises the risk' : 'approximation error does not raise the risk'}`,
    );
  }
  const status = combine(parts);
  return { status, text: `H3 ${status}${sp(label)}: ${head}`, details };
}

// ---------------------------------------------------------------- H4

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

// ---------------------------------------------------------------- algorithms and estimators

export interface AlgPoint {
  algorithm: string;
  fStar: number;
  interpolates: boolean;
}

export function verdictAlgorithms(points: readonly AlgPoint[], label: string): Verdict {
  const interp = points.filter((p) => p.interpolates && Number.isFinite(p.fStar));
  const byAlg = new Map<string, number[]>();
  for (const p of interp) byAlg.set(p.algorithm, [...(byAlg.get(p.algorithm) ?? []), p.fStar]);
  const search = byAlg.get('flattest');
  const others = [...byAlg.entries()].filter(([a]) => a !== 'flattest').map(([a, v]) => [a, mean(v)] as const);
  if (!search || !others.length) {
    return {
      status: 'inconclusive',
      text: `Algorithms inconclusive${sp(label)}: the flattest search or every other algorithm failed to interpolate`,
      details: [],
    };
  }
  const best = others.reduce((b, o) => (o[1] < b[1] ? o : b));
  const s = mean(search);
  const ok = s <= THRESHOLDS.algFlattestSlack * best[1];
  const status: VerdictStatus = ok ? 'holds' : 'does not hold';
  return {
    status,
    text: `Flattest search ${ok ? 'finds' : 'does not find'} the flattest interpolator${sp(label)}: F* = ${f2(s)} vs best other (${best[0]}) ${f2(best[1])} (needs ≤ ${THRESHOLDS.algFlattestSlack}×)`,
    details: [`${interp.length} of ${points.length} runs interpolate`],
  };
}

export interface EstPoint {
  method: string;
  budget: number;
  rmsRelError: number;
}

export function verdictEstimators(points: readonly EstPoint[], label: string): Verdict {
  const fits: Record<string, ReturnType<typeof powerLawFit>> = {};
  for (const m of ['hutchinson', 'hutchpp']) {
    const p = points.filter((q) => q.method === m);
    fits[m] = powerLawFit(
      p.map((q) => q.budget),
      p.map((q) => q.rmsRelError),
    );
  }
  const bMax = Math.max(...points.map((p) => p.budget));
  const at = (m: string) => mean(points.filter((p) => p.method === m && p.budget === bMax).map((p) => p.rmsRelError));
  const h = at('hutchinson');
  const hp = at('hutchpp');
  let status: VerdictStatus = 'inconclusive';
  if (Number.isFinite(h) && Number.isFinite(hp)) status = hp < h ? 'holds' : 'does not hold';
  return {
    status,
    text: `Hutch++ ${status === 'holds' ? 'beats' : status === 'does not hold' ? 'does not beat' : 'vs'} Hutchinson${sp(label)}: relative RMS error at budget ${bMax} ${f2(hp)} vs ${f2(h)}; error ∝ budget^${f2(fits.hutchpp.slope)} vs budget^${f2(fits.hutchinson.slope)}`,
    details: [
      `Hutchinson error exponent ${f2(fits.hutchinson.slope)} (${ci(fits.hutchinson.ci)}), expected −0.5; Hutch++ ${f2(fits.hutchpp.slope)} (${ci(fits.hutchpp.ci)}), expected down to −1 on a Hessian with a dominant top part`,
    ],
  };
}
