/** H2's report section: F* / F_min and risk against n (and d), one verdict per (activation, d). */
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { overall, THRESHOLDS, type Verdict } from '../verdict.js';
import type { NongeneralizingRow } from './schema.js';
import { verdictH2 } from './verdict.js';

type Row = StudyRow<NongeneralizingRow['params'], NongeneralizingRow['metrics']>;

/** F_min per data group: the smallest F* among the interpolators built on the same data. */
function withRatios(rows: Row[]): (Row & { ratio: number })[] {
  const group = (r: Row): string => {
    const p = r.params;
    return JSON.stringify([p.d, p.n, p.activation, p.target, p.noise, r.seed]);
  };
  const fmin = new Map<string, number>();
  for (const r of rows) {
    if (!r.metrics.interpolates) continue;
    const g = group(r);
    fmin.set(g, Math.min(fmin.get(g) ?? Number.POSITIVE_INFINITY, r.metrics.fStar));
  }
  return rows.map((r) => ({ ...r, ratio: r.metrics.fStar / (fmin.get(group(r)) ?? Number.NaN) }));
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
  const risk = summarize(rr, keys, (r) => r.metrics.risk / r.metrics.varY);
  const ds = distinct(rows.map((r) => r.params.d));
  const figures: Figure[] = [
    {
      id: 'h2-ratio-vs-n',
      title: 'F*/F_min against n',
      caption: `F_min = the smallest F* among all interpolators found on the same data (teacher construction and the flattest-interpolator search). Mean over seeds; bars: min–max. Rule: ${THRESHOLDS.h2NeverFlattestFactor}× F_min, the "never near-flattest" line of the verdict.`,
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
      verdicts.push(verdictH2(pts, `at d = ${d}, ${act} (${degreeLabel(act)})`, present));
    }
  }
  const table: Table = {
    columns: ['activation', 'd', 'n', 'interpolator', 'F*/F_min (mean)', 'risk/Var(y) (mean)', 'seeds'],
    rows: ratio.map((r) => {
      const rk = risk.find((q) => q.construction === r.construction && q.n === r.n && q.d === r.d && q.k === r.k);
      return [r.k, r.d, r.n, r.construction, r.mean, rk?.mean ?? null, r.count];
    }),
  };
  return { verdict: overall('H2', verdicts), verdicts, figures, table };
}
