/** The algorithm comparison's report section: F*, risk and steps per algorithm, one verdict per student. */
import type { z } from 'zod';
import { type Figure, meanChart, summarize } from '../../figures/vega-lite.js';
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
  // One point per algorithm and student: the mean over seeds, bars min–max.
  const byAlgorithm = (title: string, data: typeof fs, yTitle: string) =>
    meanChart({
      title,
      data,
      mark: 'point',
      x: { field: 'algorithm', title: 'algorithm', type: 'nominal' },
      yTitle,
      color: { field: 'k', title: 'activation' },
    });
  const figures: Figure[] = [
    {
      id: 'alg-fstar',
      title: 'F* of each algorithm',
      caption:
        'Invariant flatness of the interpolator each algorithm reaches (interpolating runs only; mean over seeds, bars min–max).',
      spec: byAlgorithm('F* by algorithm', fs, 'F*'),
    },
    {
      id: 'alg-risk',
      title: 'Risk of each algorithm',
      caption: 'Population risk relative to Var(y) (mean over seeds, bars min–max; floored at 1e-12).',
      spec: byAlgorithm('risk by algorithm', risk, 'risk / Var(y)'),
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
