/**
 * H2 (docs/math.md#hypotheses, §9): non-generalizing interpolators are never flattest. One module:
 * fields, run, analysis and verdict of the `nongeneralizing` study type.
 */
import type { z } from 'zod';
import { both, constructionApplies, memorizerCheck, sizeCheck } from '../checks.js';
import { buildConvexFlattest, studyActivation, studyData } from '../common.js';
import { defineStudy, type TrialOutput } from '../definition.js';
import { CONVEX_CONSTRUCTIONS } from '../fields.js';
import { runInterpolatorTrial } from '../interpolator-run.js';
import { measureInterpolator } from '../measure.js';
import { analyseNongeneralizing } from './analysis.js';
import {
  NO_CERTIFICATE,
  NONGENERALIZING_DEFAULTS,
  type NongeneralizingParams,
  nongeneralizingMetrics,
  nongeneralizingParams,
} from './schema.js';

type Metrics = z.input<typeof nongeneralizingMetrics>;

/** The convex flattest interpolator's trial: measured like every construction, plus its certificate. */
async function runConvex(p: NongeneralizingParams, seed: number): Promise<TrialOutput<Metrics>> {
  const data = studyData(p, seed);
  const built = await buildConvexFlattest(data, studyActivation(p), seed);
  const c = built.certificate;
  return {
    metrics: {
      ...measureInterpolator(built.net, data, built.steps, seed, p.tol),
      convexLower: c.lower,
      convexUpper: c.upper,
      convexCertified: c.certified,
      convexGap: c.gap,
      convexLpSolves: c.lpSolves,
    },
  };
}

export const nongeneralizingStudy = defineStudy({
  name: 'nongeneralizing',
  hypothesis: 'H2',
  // 2: the lazy construction's step size comes from the measures module's power iteration (another start vector).
  // 3: the flattest search's adaptive continuation and early stop (src/training/search.ts) change its results.
  // 4: the flatness-penalized step's ∇L and ∇Φ in one fused pass (src/training/penalties.ts; rounding-level),
  //    the Gauss–Newton polish's stall stop (src/training/gauss-newton.ts), and the convex flattest construction
  //    (`flattest-convex`, k = 1 only) with its certificate columns (null for the other constructions):
  //    every row's metrics gained those columns, and F_min of the k = 1 groups is the convex value
  //    (docs/studies.md#h2-fmin).
  version: 5,
  defaults: NONGENERALIZING_DEFAULTS,
  params: nongeneralizingParams,
  metrics: nongeneralizingMetrics,
  check: both(sizeCheck, memorizerCheck),
  // The convex construction exists for 1-homogeneous students only: other grid points are not trials.
  applies: constructionApplies,
  run: (p, seed) =>
    CONVEX_CONSTRUCTIONS.has(p.construction)
      ? runConvex(p, seed)
      : { metrics: { ...runInterpolatorTrial(p, seed).metrics, ...NO_CERTIFICATE } },
  analyse: analyseNongeneralizing,
});
