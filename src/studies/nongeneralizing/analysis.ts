/**
 * H2's report section: F* / F_min and risk against n per tested construction, the lines and their
 * decisions (docs/math.md#hypotheses, §9), and where each F_min came from.
 */
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import { CONVEX_STUDY_MAX_ROUNDS } from '../common.js';
import type { Analysis, StudyRow } from '../definition.js';
import { decideLines } from '../inference/index.js';
import { hypothesisVerdict, linesTable } from '../inference/present.js';
import { overall, THRESHOLDS } from '../verdict.js';
import type { NongeneralizingRow } from './schema.js';
import { type H2Ratio, h2LazyLines, h2Lines, h2Ratios } from './verdict.js';

type Row = StudyRow<NongeneralizingRow['params'], NongeneralizingRow['metrics']>;

const constructionLabel = (q: H2Ratio): string => {
  const p = q.row.params;
  if (p.construction === 'memorizer') return 'memorizer (m = n)';
  if (p.construction === 'random-features') return `random features (m = ${p.rfWidthFactor}n)`;
  return `lazy (α = ${p.lazyScale}, m = ${p.m})`;
};

/** How often each reference gave F_min, per degree: the "F_min from" line of the verdict. */
function sourceLine(ratios: readonly H2Ratio[]): string {
  const counts = new Map<string, number>();
  for (const q of ratios) {
    const key = `${degreeLabel(q.row.params.activation)}: ${q.source}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const list = [...counts.entries()].map(([k, v]) => `${k} (${v})`).join(', ');
  return `F_min per data set (tested rows per source): ${list || 'none'}. For k = 1 the convex value over all widths (solved cold and warm, at most ${CONVEX_STUDY_MAX_ROUNDS} LP rounds, fewer for large n·d), the flattest search or the teacher, whichever is smallest; for k ≥ 2 F_min depends on the width and is taken at the tested construction's width by splitting each reference neuron into equal copies (docs/math.md#hypotheses).`;
}

export function analyseNongeneralizing(rows: Row[]): Analysis {
  const ratios = h2Ratios(rows);
  const keys = (q: H2Ratio) => ({
    construction: constructionLabel(q),
    n: q.row.params.n,
    d: q.row.params.d,
    k: degreeLabel(q.row.params.activation),
  });
  const finite = ratios.filter((q) => Number.isFinite(q.ratio));
  const ratio = summarize(finite, keys, (q) => q.ratio);
  const risk = summarize(ratios, keys, (q) => q.row.metrics.risk / q.row.metrics.varY);
  const ds = distinct(rows.map((r) => r.params.d));
  const figures: Figure[] = [
    {
      id: 'h2-ratio-vs-n',
      title: 'F*/F_min against n',
      caption: `Interpolating trials only. F_min per data set: for k = 1 the smallest F* of the convex flattest interpolator (cold and warm solves), the flattest search and the teacher; for k ≥ 2 the same references split into equal copies up to the tested construction's width. Mean over seeds; bars: min–max. Rule: ${THRESHOLDS.h2NeverFlattestFactor}× F_min at the largest n.`,
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
      caption: `Population risk R(θ)/Var(y) of the tested constructions; 1 is the risk of the best constant predictor; a random-features or lazy line whose risk at the largest n is below ${THRESHOLDS.h2NonGeneralizingRisk} Var(y) generalizes and is outside the claim. Mean over seeds; bars: min–max.`,
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
  const main = decideLines(h2Lines(ratios));
  const lazyIn = h2LazyLines(ratios);
  const lazy = decideLines(lazyIn.lines);
  const verdicts = [];
  if (main.lines.length || !lazy.lines.length)
    verdicts.push(
      hypothesisVerdict('H2 (memorizer, random features)', main.status, main.lines, [], [sourceLine(ratios)]),
    );
  if (lazy.lines.length)
    verdicts.push(
      hypothesisVerdict(
        'H2 (lazy GD)',
        lazy.status,
        lazy.lines,
        [],
        [...lazyIn.closedForm, ...(main.lines.length ? [] : [sourceLine(ratios)])],
      ),
    );
  return {
    verdict: overall('H2', verdicts),
    verdicts,
    figures,
    table: linesTable([...main.lines, ...lazy.lines]),
    extra: {
      perN: ratio.map((r) => ({
        ...r,
        riskMean:
          risk.find((q) => q.construction === r.construction && q.n === r.n && q.d === r.d && q.k === r.k)?.mean ??
          null,
      })),
    },
  };
}
