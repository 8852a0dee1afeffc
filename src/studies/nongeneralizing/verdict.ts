/**
 * H2's lines and their per-seed summaries (docs/math.md#hypotheses, §9). F_min per data set comes from
 * the reference interpolators found on it (convex cold and warm, flattest search, teacher, other learned
 * ones), never from the tested construction itself; for k ≥ 2 it is taken at the tested construction's
 * width by splitting each reference neuron into equal copies. Memorizer and random-features lines test
 * the ratio at the largest n and its per-seed growth in n; lazy GD is its own claim over (α, m).
 */
import { linearFit } from '../../statistics/fits.js';
import { activationLabel, degreeOf, distinct } from '../analysis-helpers.js';
import { ALPHA, type LineInput, logGamma, seedTest } from '../inference/index.js';
import { THRESHOLDS } from '../verdict.js';
import type { NongeneralizingRow } from './schema.js';

type Row = Pick<NongeneralizingRow, 'params' | 'seed' | 'metrics'>;

/** The constructions H2 is about; every other one is a reference for F_min. */
export const H2_TESTED = ['memorizer', 'random-features', 'lazy'] as const;
const isTested = (c: string): boolean => (H2_TESTED as readonly string[]).includes(c);

const REFERENCE_LABEL: Record<string, string> = {
  teacher: 'teacher',
  flattest: 'flattest search',
  'flattest-convex': 'convex',
};

/** The data set of a row: everything that draws its data, and the seed. */
export const dataKey = (r: Row): string => {
  const p = r.params;
  return JSON.stringify([p.d, p.n, p.activation, p.target, p.links, p.r, p.coeffs, p.input, p.index, p.noise, r.seed]);
};

/** The setting of a line: the data's fields except n and the seed. */
const settingKey = (r: Row): string => {
  const p = r.params;
  return JSON.stringify([p.d, p.activation, p.target, p.links, p.r, p.coeffs, p.input, p.index, p.noise]);
};

export interface H2Ratio {
  row: Row;
  /** F* / F_min, NaN without an interpolating reference or when the row does not interpolate. */
  ratio: number;
  fmin: number;
  /** Which reference gave F_min (e.g. "convex (cold)", "flattest search ×64 copies"). */
  source: string;
}

/**
 * F* / F_min of every tested row. For k = 1 F_min is the smallest F* of the interpolating references on
 * the same data; for k ≥ 2 the smallest of `F*_θ · ⌊m/m_θ⌋^{−(k−1)/(k+1)}` over references θ of width
 * m_θ ≤ m (each neuron of θ split into ⌊m/m_θ⌋ equal copies interpolates at width ≤ m with that F*).
 */
export function h2Ratios(rows: readonly Row[]): H2Ratio[] {
  const refs = new Map<string, Row[]>();
  for (const r of rows) {
    if (isTested(r.params.construction) || !r.metrics.interpolates || !Number.isFinite(r.metrics.fStar)) continue;
    const k = dataKey(r);
    refs.set(k, [...(refs.get(k) ?? []), r]);
  }
  return rows
    .filter((r) => isTested(r.params.construction))
    .map((row) => {
      const { fmin, source } = flattestReference(row, refs.get(dataKey(row)) ?? []);
      const ok = row.metrics.interpolates && Number.isFinite(fmin);
      return { row, fmin, source, ratio: ok ? row.metrics.fStar / fmin : Number.NaN };
    });
}

/** F_min for a tested row among the references on its data (copied up to its width for k ≥ 2), and its source. */
function flattestReference(row: Row, refs: readonly Row[]): { fmin: number; source: string } {
  const k = degreeOf(row.params.activation);
  let fmin = Number.POSITIVE_INFINITY;
  let source = 'no interpolating reference';
  for (const ref of refs) {
    const copies = k === 1 ? 1 : Math.floor(row.metrics.width / ref.metrics.width);
    if (!(copies >= 1)) continue;
    const value = ref.metrics.fStar * copies ** (-(k - 1) / (k + 1));
    if (value < fmin) {
      fmin = value;
      source = referenceSource(ref, copies);
    }
  }
  return { fmin, source };
}

/** How a reference is named as F_min's source: its construction, its convex solve, the copies. */
function referenceSource(ref: Row, copies: number): string {
  const name = REFERENCE_LABEL[ref.params.construction] ?? ref.params.construction;
  const convex = ref.metrics.convexSource ? ` (${ref.metrics.convexSource})` : '';
  return `${name}${convex}${copies > 1 ? ` ×${copies} copies` : ''}`;
}

const lg = Math.log10;
const riskFraction = (r: Row): number => r.metrics.risk / r.metrics.varY;

function label(r: Row, what: string, multi: { target: boolean; noise: boolean; input: boolean }): string {
  const p = r.params;
  const bits = [what, activationLabel(p.activation), `d = ${p.d}`];
  if (multi.target) bits.push(`target ${p.links ?? p.target}`);
  if (multi.noise) bits.push(`σ_ε = ${p.noise}`);
  if (multi.input) bits.push(`${p.input ?? 'gaussian'} inputs`);
  return bits.join(', ');
}

/** Whether a construction's risk is below the non-generalizing threshold by the one-sided test. */
function generalizes(perSeed: number[]): boolean {
  const t = seedTest(perSeed.map((v) => lg(v) - lg(THRESHOLDS.h2NonGeneralizingRisk)));
  return t.seeds >= 3 && t.pFail <= ALPHA;
}

function bySeed<T>(items: readonly T[], seedOf: (t: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const t of items) m.set(seedOf(t), [...(m.get(seedOf(t)) ?? []), t]);
  return m;
}

const geoMean = (v: number[]): number => 10 ** (v.map(lg).reduce((a, b) => a + b, 0) / v.length);

/**
 * Per seed of one line: log10(F* / F_min) over the threshold at the largest n (z1), the slope of
 * ln(F* / F_min) in ln n over ≥ 3 sizes (z2), and risk/Var(y) at the largest n.
 */
function perSeedStatistics(qs: readonly H2Ratio[], nMax: number): { z1: number[]; z2: number[]; risks: number[] } {
  const z1: number[] = [];
  const z2: number[] = [];
  const risks: number[] = [];
  for (const [, s] of bySeed(qs, (q) => q.row.seed)) {
    const top = s.find((q) => q.row.params.n === nMax);
    if (top && Number.isFinite(top.ratio)) z1.push(lg(top.ratio) - lg(THRESHOLDS.h2NeverFlattestFactor));
    if (top) risks.push(riskFraction(top.row));
    const pts = s.filter((q) => Number.isFinite(q.ratio) && q.ratio > 0);
    if (pts.length >= 3)
      z2.push(
        linearFit(
          pts.map((q) => Math.log(q.row.params.n)),
          pts.map((q) => Math.log(q.ratio)),
        ).slope,
      );
  }
  return { z1, z2, risks };
}

/** The memorizer and random-features lines (one per construction, width rule and setting). */
export function h2Lines(ratios: readonly H2Ratio[]): LineInput[] {
  const tested = ratios.filter((q) => q.row.params.construction !== 'lazy');
  const multi = multiOf(ratios.map((q) => q.row));
  const groups = new Map<string, H2Ratio[]>();
  for (const q of tested) {
    const p = q.row.params;
    const key = JSON.stringify([
      p.construction,
      p.construction === 'random-features' ? p.rfWidthFactor : 0,
      settingKey(q.row),
    ]);
    groups.set(key, [...(groups.get(key) ?? []), q]);
  }
  return [...groups.values()].map((qs) => {
    const first = qs[0].row;
    const what =
      first.params.construction === 'memorizer'
        ? 'memorizer (m = n)'
        : `random features (m = ${first.params.rfWidthFactor === 1 ? '' : first.params.rfWidthFactor}n)`;
    const ns = distinct(qs.map((q) => q.row.params.n)).sort((a, b) => a - b);
    const nMax = ns[ns.length - 1];
    const { z1, z2, risks } = perSeedStatistics(qs, nMax);
    const outside =
      first.params.construction === 'random-features' && generalizes(risks)
        ? `generalizes here: risk/Var(y) at n = ${nMax} is ${geoMean(risks).toPrecision(2)} (geometric mean over seeds), below ${THRESHOLDS.h2NonGeneralizingRisk} by the one-sided test`
        : undefined;
    return {
      label: label(first, what, multi),
      parts: [
        { name: `log10(F*/F_min) − log10 ${THRESHOLDS.h2NeverFlattestFactor} at n = ${nMax}`, test: seedTest(z1) },
        { name: 'per-seed slope of ln(F*/F_min) in ln n', test: seedTest(z2) },
      ],
      trials: qs.length,
      nonInterpolating: qs.filter((q) => !q.row.metrics.interpolates).length,
      outside,
      undecidable: ns.length < 3 ? `fewer than 3 sample sizes (${ns.length})` : undefined,
    };
  });
}

/**
 * Lazy GD's mean F* at a symmetric initialization of scale α and width m for a ReLU student on
 * Gaussian data: F* ≈ √d · P(θ₀) at an interpolator near θ₀, and E P(θ₀) = m · E|a| · E‖w‖ with
 * a ~ N(0, α²/m), w ~ N(0, α² I/d): `α² √(2/π) √m · √2 Γ((d+1)/2)/Γ(d/2)`. Null for other students.
 */
export function lazyClosedForm(activation: string, alpha: number, m: number, d: number): number | null {
  if (activation !== 'relu') return null;
  const chiMean = Math.SQRT2 * Math.exp(logGamma((d + 1) / 2) - logGamma(d / 2));
  return alpha * alpha * Math.sqrt(2 / Math.PI) * Math.sqrt(m) * chiMean;
}

/** Lazy GD's lines (one per setting), each with one part per (α, m) at its largest n. */
export function h2LazyLines(ratios: readonly H2Ratio[]): { lines: LineInput[]; closedForm: string[] } {
  const lazy = ratios.filter((q) => q.row.params.construction === 'lazy');
  const multi = multiOf(ratios.map((q) => q.row));
  const closedForm: string[] = [];
  const groups = new Map<string, H2Ratio[]>();
  for (const q of lazy) groups.set(settingKey(q.row), [...(groups.get(settingKey(q.row)) ?? []), q]);
  const lines = [...groups.values()].map((qs) => {
    const first = qs[0].row;
    const nMax = Math.max(...qs.map((q) => q.row.params.n));
    const top = qs.filter((q) => q.row.params.n === nMax);
    const combos = distinct(top.map((q) => JSON.stringify([q.row.params.lazyScale, q.row.params.m])));
    const parts = combos.map((c) => {
      const [alpha, m] = JSON.parse(c) as [number, number];
      const here = top.filter((q) => q.row.params.lazyScale === alpha && q.row.params.m === m);
      const cf = here.map((q) => lazyClosedForm(q.row.params.activation, alpha, q.row.metrics.width, q.row.params.d));
      const fit = here.filter((q, i) => cf[i] !== null && q.row.metrics.interpolates);
      if (fit.length)
        closedForm.push(
          `lazy, ${activationLabel(first.params.activation)}, d = ${first.params.d}, α = ${alpha}, m = ${m}, n = ${nMax}: F*/(closed form α²√(2/π)√m·E‖g‖) = ${geoMean(fit.map((q) => q.row.metrics.fStar / (lazyClosedForm(q.row.params.activation, alpha, q.row.metrics.width, q.row.params.d) ?? 1))).toPrecision(3)} (geometric mean over seeds)`,
        );
      return {
        name: `α = ${alpha}, m = ${m}: log10(F*/F_min) − log10 ${THRESHOLDS.h2NeverFlattestFactor} at n = ${nMax}`,
        test: seedTest(
          here.filter((q) => Number.isFinite(q.ratio)).map((q) => lg(q.ratio) - lg(THRESHOLDS.h2NeverFlattestFactor)),
        ),
      };
    });
    const risks = [...bySeed(top, (q) => q.row.seed).values()].map((s) => geoMean(s.map((q) => riskFraction(q.row))));
    return {
      label: label(first, 'lazy GD', multi),
      parts,
      trials: qs.length,
      nonInterpolating: qs.filter((q) => !q.row.metrics.interpolates).length,
      outside: generalizes(risks)
        ? `generalizes here: risk/Var(y) at n = ${nMax} is ${geoMean(risks).toPrecision(2)} (geometric mean over seeds), below ${THRESHOLDS.h2NonGeneralizingRisk}`
        : undefined,
    };
  });
  return { lines, closedForm };
}

function multiOf(rows: readonly Row[]): { target: boolean; noise: boolean; input: boolean } {
  const n = (f: (r: Row) => unknown) => new Set(rows.map((r) => JSON.stringify(f(r)))).size > 1;
  return {
    target: n((r) => [r.params.target, r.params.links]),
    noise: n((r) => r.params.noise),
    input: n((r) => r.params.input),
  };
}
