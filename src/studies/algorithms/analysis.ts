/** The algorithm comparison's report section: F*, risk and steps per algorithm, one verdict per student. */
import type { z } from 'zod';
import { chart, type Figure, summarize } from '../../figures/vega-lite.js';
import { degreeLabel, distinct } from '../analysis-helpers.js';
import type { Analysis, StudyRow, Table } from '../definition.js';
import { overall } from '../verdict.js';
import type { AlgorithmsParams, algorithmsMetrics } from './schema.js';
import { verdictAlgorithms } from './verdict.js';

type Row = StudyRow<AlgorithmsParams, z.output<typeof algorithmsMetrics>>;

export function analyseAlgorithms(rows: Row[]): Analysis {
  const keys = (r: Row) => ({ algorithm: r.params.algorithm, k: degreeLabel(r.params.activation) });
  const fs = summarize(
    rows.filter((r) => r.metrics.interpolates),
    keys,
    (r) => r.metrics.fStar,
  );
  const risk = summarize(rows, keys, (r) => Math.max(r.metrics.risk / r.metrics.varY, 1e-12));
  const steps = summarize(rows, keys, (r) => r.metrics.steps);
  const figures: Figure[] = [
    {
      id: 'alg-fstar',
      title: 'F* of each algorithm',
      caption:
        'Invariant flatness of the interpolator each algorithm reaches (interpolating runs only; mean over seeds, bars min–max).',
      spec: chart({
        title: 'F* by algorithm',
        data: fs,
        mark: 'point',
        x: { field: 'algorithm', title: 'algorithm', type: 'nominal' },
        y: { field: 'mean', title: 'F*', log: true },
        color: { field: 'k', title: 'activation' },
        errorBars: { lo: 'min', hi: 'max' },
      }),
    },
    {
      id: 'alg-risk',
      title: 'Risk of each algorithm',
      caption: 'Population risk relative to Var(y) (mean over seeds, bars min–max; floored at 1e-12).',
      spec: chart({
        title: 'risk by algorithm',
        data: risk,
        mark: 'point',
        x: { field: 'algorithm', title: 'algorithm', type: 'nominal' },
        y: { field: 'mean', title: 'risk / Var(y)', log: true },
        color: { field: 'k', title: 'activation' },
        errorBars: { lo: 'min', hi: 'max' },
      }),
    },
  ];
  const verdicts = distinct(rows.map((r) => r.params.activation)).map((act) =>
    verdictAlgorithms(
      rows
        .filter((r) => r.params.activation === act)
        .map((r) => ({
          algorithm: r.params.algorithm,
          fStar: r.metrics.fStar,
          interpolates: r.metrics.interpolates,
        })),
      `(${act})`,
    ),
  );
  const table: Table = {
    columns: ['activation', 'algorithm', 'F* (mean)', 'risk/Var(y) (mean)', 'steps (mean)', 'interpolating runs'],
    rows: risk.map((r) => {
      const f = fs.find((q) => q.algorithm === r.algorithm && q.k === r.k);
      const s = steps.find((q) => q.algorithm === r.algorithm && q.k === r.k);
      return [r.k, r.algorithm, f?.mean ?? null, r.mean, s?.mean ?? null, `${f?.count ?? 0}/${r.count}`];
    }),
  };
  return { verdict: overall('Algorithms', verdicts), verdicts, figures, table };
}
