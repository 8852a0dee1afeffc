/**
 * H1 (docs/math.md#hypotheses, §9): the rescaling symmetry makes raw flatness arbitrary. One module:
 * fields, run, analysis and verdict of the `symmetry` study type.
 */

import { both, memorizerCheck, sizeCheck } from '../checks.js';
import { defineStudy } from '../definition.js';
import { analyseSymmetry } from './analysis.js';
import { runSymmetry } from './run.js';
import { SYMMETRY_DEFAULTS, symmetryMetrics, symmetryParams } from './schema.js';

export const symmetryStudy = defineStudy({
  name: 'symmetry',
  hypothesis: 'H1',
  // 2: the lazy construction's step size comes from the measures module's power iteration (another start vector).
  // 3: the Gauss–Newton polish stops once stalled (src/training/gauss-newton.ts) and factors large kernels blocked.
  version: 3,
  defaults: SYMMETRY_DEFAULTS,
  params: symmetryParams,
  metrics: symmetryMetrics,
  check: both(sizeCheck, memorizerCheck),
  run: runSymmetry,
  analyse: analyseSymmetry,
});
