/**
 * Trace estimators against the exact trace (docs/math.md#estimators, §8). One module: fields, run,
 * analysis and verdict of the `estimators` study type.
 */
import { sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { analyseEstimators } from './analysis.js';
import { runEstimators } from './run.js';
import { ESTIMATORS_DEFAULTS, estimatorsMetrics, estimatorsParams } from './schema.js';

export const estimatorsStudy = defineStudy({
  name: 'estimators',
  hypothesis: 'estimators',
  // 2: Hutch++'s sketch basis and deflation by block Gram–Schmidt (other summation order, rounding-level).
  version: 2,
  defaults: ESTIMATORS_DEFAULTS,
  params: estimatorsParams,
  metrics: estimatorsMetrics,
  check: (p) =>
    p.method === 'hutchpp' && p.budget < 3 ? `budget = ${p.budget}: hutchpp needs budget ≥ 3` : sizeCheck(p),
  run: runEstimators,
  analyse: analyseEstimators,
});
