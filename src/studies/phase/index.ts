/**
 * Where H3's link breaks (docs/math.md#hypotheses, §9): the flattest interpolator's risk over a grid of
 * n/d × label noise × approximation error (a Hermite link with a growing He₃ share), and its sample
 * complexity n* (the smallest n with risk ≤ 0.1 Var(f*)) against d. One module, one registry line.
 */
import { sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { runLearnedTrial } from '../learned-run.js';
import { analysePhase } from './analysis.js';
import { PHASE_DEFAULTS, phaseMetrics, phaseParams, samplesOf } from './schema.js';

export const phaseStudy = defineStudy({
  name: 'phase',
  hypothesis: 'H3',
  // 2: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 3: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level);
  // and the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts).
  // 5: a trial interpolates when its largest residual is ≤ 1% of √Var(y) (docs/math.md#hypotheses, §9).
  // 6: a flattest search that does not interpolate is run again from init scale 1 (src/studies/learned-run.ts).
  version: 6,
  defaults: PHASE_DEFAULTS,
  params: phaseParams,
  metrics: phaseMetrics,
  check: (p) => sizeCheck({ ...p, n: samplesOf(p) }),
  run: (p, seed) => {
    const n = samplesOf(p);
    return { metrics: { n, ...runLearnedTrial({ ...p, n }, seed) } };
  },
  analyse: analysePhase,
});
