/** The estimator comparison's report section: relative RMS error against the budget, per method. */
import type { z } from 'zod';
import { type Figure, meanChart, summarize } from '../../figures/vega-lite.js';
import type { Analysis, StudyRow } from '../definition.js';
import type { EstimatorsParams, estimatorsMetrics } from './schema.js';
import { verdictEstimators } from './verdict.js';

type Row = StudyRow<EstimatorsParams, z.output<typeof estimatorsMetrics>>;

export function analyseEstimators(rows: Row[]): Analysis {
  const err = summarize(
    rows,
    (r) => ({ method: r.params.method, budget: r.params.budget }),
    (r) => r.metrics.rmsRelError,
  );
  const figures: Figure[] = [
    {
      id: 'est-error-vs-budget',
      title: 'Trace-estimator error against budget',
      caption:
        'Relative RMS error of Hutchinson and Hutch++ against the exact trace, over `reps` probe seeds per trial; mean over trials, bars min–max.',
      spec: meanChart({
        title: 'relative RMS error vs budget',
        data: err,
        x: { field: 'budget', title: 'budget (matrix-vector products)', log: true },
        yTitle: 'relative RMS error',
        color: { field: 'method', title: 'estimator' },
      }),
    },
  ];
  const v = verdictEstimators(
    rows.map((r) => ({ method: r.params.method, budget: r.params.budget, rmsRelError: r.metrics.rmsRelError })),
    '',
  );
  return {
    verdict: v,
    verdicts: [v],
    figures,
    table: {
      columns: ['method', 'budget', 'relative RMS error (mean)', 'trials'],
      rows: err.map((r) => [r.method, r.budget, r.mean, r.count]),
    },
  };
}
