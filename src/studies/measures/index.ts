/**
 * The measure league (docs/math.md#hypotheses, H4 asked of every registered measure; docs/measures.md,
 * the league): which measure ranks the population risk of interpolators made in every way, and which
 * keeps its ranking on the rescaling orbit. One module: fields, run, analysis and verdict of the
 * `measures` study type.
 */
import { defineStudy } from '../definition.js';
import { analyseMeasures } from './analysis.js';
import { runMeasures } from './run.js';
import { MEASURES_DEFAULTS, measuresMetrics, measuresParams } from './schema.js';

export const measuresStudy = defineStudy({
  name: 'measures',
  hypothesis: 'H4',
  // 2: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 3: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  // 5: adaptive sharpness at an exact interpolator starts without the gradient direction, which is
  // rounding noise there (src/measures/sharpness.ts).
  version: 5,
  defaults: MEASURES_DEFAULTS,
  params: measuresParams,
  metrics: measuresMetrics,
  run: runMeasures,
  analyse: analyseMeasures,
});
