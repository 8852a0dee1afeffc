/**
 * H3 (docs/math.md#hypotheses, §9): flattest interpolators generalize. One module: fields, run,
 * analysis and verdict of the `flattest` study type.
 */
import { sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { runLearnedTrial } from '../learned-run.js';
import { analyseFlattest } from './analysis.js';
import { FLATTEST_DEFAULTS, flattestMetrics, flattestParams } from './schema.js';

export const flattestStudy = defineStudy({
  name: 'flattest',
  hypothesis: 'H3',
  // 2: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 3: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  // 4: the GD polish (n > 3000) backtracks instead of taking a fixed-rate step that may raise the loss.
  // 6: a trial interpolates when its largest residual is ≤ 1% of √Var(y) (docs/math.md#hypotheses, §9), not when its train loss is ≤ tol.
  // 7: a flattest search that does not interpolate is run again from init scale 1 (src/studies/learned-run.ts).
  version: 7,
  defaults: FLATTEST_DEFAULTS,
  params: flattestParams,
  metrics: flattestMetrics,
  check: sizeCheck,
  run: (p, seed) => ({ metrics: runLearnedTrial(p, seed) }),
  analyse: analyseFlattest,
});
