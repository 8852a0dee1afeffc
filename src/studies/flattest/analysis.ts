/** H3's report section: risk/Var(f*) of the flattest interpolator against n, one verdict per student. */
import type { z } from 'zod';
import { chart, type Figure, summarize } from '../../report/figures.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { isExact, resolveTarget } from '../fields.js';
import { overall } from '../verdict.js';
import type { FlattestParams, flattestMetrics } from './schema.js';
import { verdictH3 } from './verdict.js';

type Row = StudyRow<FlattestParams, z.output<typeof flattestMetrics>>;

export function analyseFlattest(rows: Row[]): Analysis {
  const keys = (r: Row) => ({
    n: r.params.n,
    noise: `σ_ε = ${r.params.noise}`,
    link: `${resolveTarget(r.params.target, r.params.activation)}${isExact(r.params.target, r.params.activation) ? ' (exact)' : ' (approx. error)'}`,
    student: `${r.params.activation} student`,
  });
  const risk = summarize(rows, keys, (r) => r.metrics.risk / r.metrics.varF);
  const figures: Figure[] = [
    {
      id: 'h3-risk-vs-n',
      title: 'Risk of the flattest interpolator against n',
      caption:
        'Population risk R/Var(f*) of the flattest-interpolator search, by label noise σ_ε (colour) and link (dash), one panel per student activation. Mean over seeds; bars: min–max.',
      spec: chart({
        title: 'R / Var(f*) vs n',
        data: risk.map((r) => ({
          ...r,
          mean: Math.max(r.mean as number, 1e-12),
          min: Math.max(r.min as number, 1e-12),
        })),
        x: { field: 'n', title: 'number of samples n', log: true },
        y: { field: 'mean', title: 'risk / Var(f*)', log: true },
        color: { field: 'noise', title: 'label noise' },
        dash: { field: 'link', title: 'target link' },
        errorBars: { lo: 'min', hi: 'max' },
        column: { field: 'student', title: 'student' },
      }),
    },
  ];
  const verdicts = distinct(rows.map((r) => r.params.activation)).map((act) =>
    verdictH3(
      rows
        .filter((r) => r.params.activation === act)
        .map((r) => ({
          n: r.params.n,
          noise: r.params.noise,
          exact: isExact(r.params.target, act),
          target: r.params.target,
          risk: r.metrics.risk,
          varF: r.metrics.varF,
        })),
      `for a ${act} student (${degreeLabel(act)})`,
    ),
  );
  const table: Table = {
    columns: ['student', 'link', 'noise', 'n', 'risk/Var(f*) (mean)', 'min', 'max', 'seeds'],
    rows: risk.map((r) => [r.student, r.link, r.noise, r.n, r.mean, r.min, r.max, r.count]),
  };
  return { verdict: overall('H3', verdicts), verdicts, figures, table };
}
