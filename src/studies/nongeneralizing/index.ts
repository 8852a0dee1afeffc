/**
 * H2 (docs/math.md#hypotheses, §9): non-generalizing interpolators are never flattest. One module:
 * fields, run, analysis and verdict of the `nongeneralizing` study type.
 */
import { both, memorizerCheck, sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { runInterpolatorTrial } from '../interpolator-run.js';
import { analyseNongeneralizing } from './analysis.js';
import { NONGENERALIZING_DEFAULTS, nongeneralizingMetrics, nongeneralizingParams } from './schema.js';

export const nongeneralizingStudy = defineStudy({
  name: 'nongeneralizing',
  hypothesis: 'H2',
  // 2: the lazy construction's step size comes from the measures module's power iteration (another start vector).
  // 3: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 4: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  version: 4,
  defaults: NONGENERALIZING_DEFAULTS,
  params: nongeneralizingParams,
  metrics: nongeneralizingMetrics,
  check: both(sizeCheck, memorizerCheck),
  run: (p, seed) => ({ metrics: runInterpolatorTrial(p, seed).metrics }),
  analyse: analyseNongeneralizing,
});
