/**
 * H4 (docs/math.md#hypotheses, §9): invariant flatness orders interpolators by risk, raw flatness does
 * not. One module: fields, run, analysis and verdict of the `ordering` study type.
 */
import { both, memorizerCheck, sizeCheck, synchronousConstructionCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { analyseOrdering } from './analysis.js';
import { runOrdering } from './run.js';
import { ORDERING_DEFAULTS, orderingMetrics, orderingParams } from './schema.js';

export const orderingStudy = defineStudy({
  name: 'ordering',
  hypothesis: 'H4',
  // 2: the lazy construction's step size comes from the measures module's power iteration (another start vector).
  // 3: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 4: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  // 6: a trial interpolates when its largest residual is ≤ 1% of √Var(y) (docs/math.md#hypotheses, §9).
  version: 6,
  defaults: ORDERING_DEFAULTS,
  params: orderingParams,
  metrics: orderingMetrics,
  check: both(both(sizeCheck, memorizerCheck), synchronousConstructionCheck),
  run: runOrdering,
  analyse: analyseOrdering,
});
