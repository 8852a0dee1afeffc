/**
 * H2's report section: F* / F_min and risk against n (and d), one verdict per (activation, d); F_min is
 * the convex value for k = 1 and the search's at its width for k ≥ 2 (h2Fmin).
 */
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { mean } from '../../statistics/fits.js';
import { degreeLabel, degreeOf, distinct } from '../analysis-helpers.js';
import { CONVEX_STUDY_MAX_ROUNDS } from '../common.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { CONVEX_CONSTRUCTIONS } from '../fields.js';
import { f2, overall, THRESHOLDS, type Verdict } from '../verdict.js';
import type { NongeneralizingRow } from './schema.js';
import { verdictH2 } from './verdict.js';

type Row = StudyRow<NongeneralizingRow['params'], NongeneralizingRow['metrics']>;

/** What F_min of one data group is and where it comes from. */
export interface H2Fmin {
  /** The F_min every F* of the group is divided by. */
  value: number;
  /** 'convex': k = 1 with the convex construction on the data; 'search': the smallest F* found (k ≥ 2, or no convex row). */
  source: 'convex' | 'search';
  /** The convex certificate's bracket on F_min over all widths (NaN without a convex row). */
  lower: number;
  upper: number;
  certified: boolean | null;
}

const groupOf = (r: Row): string => {
  const p = r.params;
  return JSON.stringify([p.d, p.n, p.activation, p.target, p.noise, r.seed]);
};

/**
 * F_min per data group (same d, n, student, target, noise and seed). For k = 1 it is the convex
 * flattest interpolator's value over all widths (docs/math.md#convex-flattest, §10): the smallest of
 * its certificate's upper bound (the F* of the interpolator it returns) and every F* found on the data,
 * since each is an upper bound on the true minimum; the certificate's lower bound is reported with it
 * (certified for d ≤ 3, an estimate above). For k ≥ 2 the infimum over widths is 0, so F_min is
 * width-dependent: the smallest F* among the interpolators found (the teacher and the flattest search
 * at its width searchWidth). A k = 1 group without a convex row falls back to the same rule.
 */
export function h2Fmin(rows: readonly Row[]): Map<string, H2Fmin> {
  const out = new Map<string, H2Fmin>();
  for (const r of rows) {
    if (!r.metrics.interpolates) continue;
    const g = groupOf(r);
    const cur = out.get(g) ?? {
      value: Number.POSITIVE_INFINITY,
      source: 'search',
      lower: Number.NaN,
      upper: Number.NaN,
      certified: null,
    };
    const value = Math.min(cur.value, r.metrics.fStar);
    if (CONVEX_CONSTRUCTIONS.has(r.params.construction) && degreeOf(r.params.activation) === 1) {
      out.set(g, {
        value: Math.min(value, r.metrics.convexUpper),
        source: 'convex',
        lower: r.metrics.convexLower,
        upper: r.metrics.convexUpper,
        certified: r.metrics.convexCertified,
      });
    } else {
      out.set(g, { ...cur, value });
    }
  }
  return out;
}

function withRatios(rows: Row[]): (Row & { ratio: number; fmin: H2Fmin | undefined })[] {
  const fmin = h2Fmin(rows);
  return rows.map((r) => {
    const f = fmin.get(groupOf(r));
    return { ...r, fmin: f, ratio: r.metrics.fStar / (f?.value ?? Number.NaN) };
  });
}

/** The verdict's words on F_min at one (activation, d): its source, and the search's gap to it. */
function fminDetail(rr: ReturnType<typeof withRatios>, k: number): string {
  const search = rr.filter((r) => r.params.construction === 'flattest' && Number.isFinite(r.ratio));
  const widths = distinct(search.map((r) => r.params.searchWidth)).join(', ');
  const gaps = search.map((r) => r.ratio - 1);
  const gapText = gaps.length
    ? `F*_search/F_min − 1 = ${f2(mean(gaps))} on average, at most ${f2(Math.max(...gaps))} (flattest search at m = ${widths})`
    : 'no flattest-search row';
  if (k !== 1) {
    return `F_min: for k = ${k} the infimum of F* over widths is 0 (docs/math.md#convex-flattest), so F_min is width-dependent: the smallest F* of the teacher and the flattest search at its width m = ${widths || 'searchWidth'}; ${gapText}`;
  }
  const convex = rr.filter((r) => r.fmin?.source === 'convex');
  if (!convex.length)
    return `F_min: no convex flattest row on these data, so F_min is the smallest F* found (teacher and flattest search); ${gapText}`;
  const gap = convex.map((r) => (r.fmin ? Math.max(0, (r.fmin.upper - r.fmin.lower) / r.fmin.upper) : 1));
  const certified = convex.every((r) => r.fmin?.certified === true);
  return `F_min: the convex flattest interpolator over all widths (column generation warm-started from the teacher, at most ${CONVEX_STUDY_MAX_ROUNDS} LP rounds, fewer for large n·d; bracket [lower, upper] per n in the table, relative gap (upper − lower)/upper ≤ ${f2(Math.max(...gap))}, lower bound ${certified ? 'certified' : 'an estimate (d ≥ 4)'}); ${gapText}`;
}

export function analyseNongeneralizing(rows: Row[]): Analysis {
  const rr = withRatios(rows);
  const keys = (r: Row) => ({
    construction: r.params.construction,
    n: r.params.n,
    d: r.params.d,
    k: degreeLabel(r.params.activation),
  });
  const ratio = summarize(rr, keys, (r) => r.ratio);
  const fminOf = summarize(rr, keys, (r) => r.fmin?.value ?? Number.NaN);
  const lowerOf = summarize(rr, keys, (r) => r.fmin?.lower ?? Number.NaN);
  const upperOf = summarize(rr, keys, (r) => r.fmin?.upper ?? Number.NaN);
  const risk = summarize(rr, keys, (r) => r.metrics.risk / r.metrics.varY);
  const ds = distinct(rows.map((r) => r.params.d));
  const figures: Figure[] = [
    {
      id: 'h2-ratio-vs-n',
      title: 'F*/F_min against n',
      caption: `F_min per data set: for k = 1 the convex flattest interpolator over all widths (column generation from the teacher, at most ${CONVEX_STUDY_MAX_ROUNDS} LP rounds, fewer for large n·d; the smallest of its value and every F* found), with its bracket [lower, upper] in the table; for k ≥ 2 F_min is width-dependent (the infimum over widths is 0) and is the smallest F* of the teacher and the flattest-interpolator search at its width searchWidth. Mean over seeds; bars: min–max. Rule: ${THRESHOLDS.h2NeverFlattestFactor}× F_min, the "never near-flattest" line of the verdict.`,
      spec: chart({
        title: 'F* / F_min vs n',
        data: ratio,
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'F* / F_min', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
        dash: ds.length > 1 ? { field: 'd', title: 'd' } : undefined,
        rules: [{ y: THRESHOLDS.h2NeverFlattestFactor, label: `${THRESHOLDS.h2NeverFlattestFactor}× F_min` }],
      }),
    },
    {
      id: 'h2-risk-vs-n',
      title: 'Risk relative to Var(y) against n',
      caption: `Population risk R(θ)/Var(y); 1 is the risk of the best constant predictor; an interpolator is non-generalizing when its risk at the largest n is ≥ ${THRESHOLDS.h2NonGeneralizingRisk} Var(y). Mean over seeds; bars: min–max. Zero risks (exact teacher) are not drawn on the log axis.`,
      spec: chart({
        title: 'R / Var(y) vs n',
        data: risk.filter((r) => (r.min as number) > 0),
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'risk / Var(y)', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
        rules: [
          { y: 1, label: 'Var(y)' },
          { y: THRESHOLDS.h2NonGeneralizingRisk, label: 'non-generalizing' },
        ],
      }),
    },
  ];
  if (ds.length > 1) {
    figures.push({
      id: 'h2-ratio-vs-d',
      title: 'F*/F_min against d',
      caption: 'The same ratio against the input dimension (largest n). Mean over seeds; bars: min–max.',
      spec: chart({
        title: 'F* / F_min vs d',
        data: ratio.filter((r) => r.n === Math.max(...ratio.map((q) => q.n as number))),
        x: { field: 'd', title: 'input dimension d', log: true },
        y: { field: 'mean', title: 'F* / F_min', log: true },
        color: { field: 'construction', title: 'interpolator' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'k', title: 'activation degree' },
      }),
    });
  }
  const verdicts: Verdict[] = [];
  for (const act of distinct(rows.map((r) => r.params.activation))) {
    for (const d of ds) {
      const pts = rr
        .filter((r) => r.params.activation === act && r.params.d === d)
        .map((r) => ({
          construction: r.params.construction,
          n: r.params.n,
          ratio: r.ratio,
          riskFraction: r.metrics.risk / r.metrics.varY,
        }));
      const present = ['memorizer', 'random-features', 'lazy'].filter((c) => pts.some((p) => p.construction === c));
      const v = verdictH2(pts, `at d = ${d}, ${act} (${degreeLabel(act)})`, present);
      const here = rr.filter((r) => r.params.activation === act && r.params.d === d);
      verdicts.push({ ...v, details: [...v.details, fminDetail(here, degreeOf(act))] });
    }
  }
  const keyOf = (r: Record<string, string | number>) => [r.construction, r.n, r.d, r.k];
  const sources = new Map<string, Set<string>>();
  for (const r of rr) {
    const id = JSON.stringify(keyOf(keys(r)));
    if (r.fmin) sources.set(id, (sources.get(id) ?? new Set()).add(r.fmin.source));
  }
  const same = (r: Record<string, string | number>) => (q: Record<string, string | number>) =>
    q.construction === r.construction && q.n === r.n && q.d === r.d && q.k === r.k;
  const table: Table = {
    columns: [
      'activation',
      'd',
      'n',
      'interpolator',
      'F*/F_min (mean)',
      'risk/Var(y) (mean)',
      'seeds',
      'F_min (mean)',
      'F_min from',
      'convex lower (mean)',
      'convex upper (mean)',
    ],
    rows: ratio.map((r) => {
      const rk = risk.find(same(r));
      const lo = lowerOf.find(same(r));
      const from = sources.get(JSON.stringify(keyOf(r))) ?? new Set();
      const source = from.has('convex')
        ? `convex (all widths)${from.size > 1 ? ', some seeds: smallest F* found' : ''}`
        : r.k === 'k = 1'
          ? 'smallest F* found (no convex row)'
          : 'smallest F* found (width-dependent)';
      return [
        r.k,
        r.d,
        r.n,
        r.construction,
        r.mean,
        rk?.mean ?? null,
        r.count,
        fminOf.find(same(r))?.mean ?? null,
        source,
        lo?.mean ?? null,
        upperOf.find(same(r))?.mean ?? null,
      ];
    }),
  };
  return { verdict: overall('H2', verdicts), verdicts, figures, table };
}
