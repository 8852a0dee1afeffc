/**
 * The algorithm comparison (docs/math.md#algorithms, §6): every training algorithm on the same data.
 * One module: fields, run, analysis and verdict of the `algorithms` study type.
 */
import { sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { runLearnedTrial } from '../learned-run.js';
import { analyseAlgorithms } from './analysis.js';
import { ALGORITHMS_DEFAULTS, algorithmsMetrics, algorithmsParams } from './schema.js';

export const algorithmsStudy = defineStudy({
  name: 'algorithms',
  hypothesis: 'algorithms',
  // 2: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 3: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  // 5: a trial interpolates when its largest residual is ≤ 1% of √Var(y) (docs/math.md#hypotheses, §9).
  // 6: a flattest search that does not interpolate is run again from init scale 1 (src/studies/learned-run.ts).
  version: 6,
  defaults: ALGORITHMS_DEFAULTS,
  params: algorithmsParams,
  metrics: algorithmsMetrics,
  check: sizeCheck,
  run: (p, seed) => ({ metrics: runLearnedTrial(p, seed) }),
  analyse: analyseAlgorithms,
});
