/**
 * H2 (docs/math.md#hypotheses, §9): non-generalizing interpolators are never flattest. One module:
 * fields, run, analysis and verdict of the `nongeneralizing` study type.
 */
import type { z } from 'zod';
import { constructionApplies, sizeCheck } from '../checks.js';
import { buildConvexFlattest, buildInterpolator, studyActivation, studyData } from '../common.js';
import { defineStudy, type TrialOutput } from '../definition.js';
import { CONVEX_CONSTRUCTIONS } from '../fields.js';
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

/**
 * The convex flattest interpolator's trial: solved cold (no teacher start) and warm (teacher start),
 * each with the study's bounded rounds; the trial's network is the flatter interpolating one, and both
 * values are stored with which one it is.
 */
async function runConvex(p: NongeneralizingParams, seed: number): Promise<TrialOutput<Metrics>> {
  const data = studyData(p, seed);
  const act = studyActivation(p);
  const warm = await buildConvexFlattest(data, act, seed);
  const cold = await buildConvexFlattest(data, act, seed, { cold: true });
  const mw = measureInterpolator(warm.net, data, warm.steps, seed);
  const mc = measureInterpolator(cold.net, data, cold.steps, seed);
  const useCold = mc.interpolates && (!mw.interpolates || (mc.fStar ?? Number.NaN) < (mw.fStar ?? Number.NaN));
  const built = useCold ? cold : warm;
  const c = built.certificate;
  return {
    metrics: {
      ...(useCold ? mc : mw),
      width: built.net.m,
      // Both lower bounds bound the same F_min; the larger is the tighter.
      convexLower: Math.max(warm.certificate.lower, cold.certificate.lower),
      convexUpper: c.upper,
      convexCertified: c.certified,
      convexGap: c.gap,
      convexLpSolves: warm.certificate.lpSolves + cold.certificate.lpSolves,
      convexColdFStar: mc.fStar,
      convexWarmFStar: mw.fStar,
      convexSource: useCold ? 'cold' : 'warm',
    },
  };
}

/** The width a construction is built at: n for the memorizer (by definition), rfWidthFactor · n for random features. */
export function h2Width(p: NongeneralizingParams): number {
  if (p.construction === 'memorizer') return p.n;
  if (p.construction === 'random-features') return p.rfWidthFactor * p.n;
  return p.m;
}

/** The fields each construction reads beyond the data; the others are put at their defaults (canonical). */
const READS: Record<string, readonly string[]> = {
  memorizer: [],
  'random-features': ['rfWidthFactor'],
  lazy: ['m', 'lazyScale', 'steps'],
  teacher: [],
  'flattest-convex': [],
};
const LEARNED_READS = ['searchWidth', 'initScale', 'steps'];
const CONSTRUCTION_FIELDS = ['m', 'rfWidthFactor', 'lazyScale', 'searchWidth', 'initScale', 'steps'] as const;

export const nongeneralizingStudy = defineStudy({
  name: 'nongeneralizing',
  hypothesis: 'H2',
  // 6: the memorizer is built at m = n and random features at rfWidthFactor · n whatever m says; the
  //    lazy construction's scale is the lazyScale field; the convex construction is solved cold and warm
  //    (the flatter is kept, both stored); a trial interpolates when its largest residual is ≤ 1% of
  //    √Var(y) (docs/math.md#hypotheses, §9); the network's width is stored.
  // 7: the convex construction slides its atoms after every LP in d ≥ 4 (other columns, other values).
  version: 7,
  defaults: NONGENERALIZING_DEFAULTS,
  params: nongeneralizingParams,
  metrics: nongeneralizingMetrics,
  check: sizeCheck,
  // The convex construction exists for 1-homogeneous students only: other grid points are not trials.
  applies: constructionApplies,
  canonical: (p) => {
    const reads = READS[String(p.construction)] ?? LEARNED_READS;
    const out: Record<string, unknown> = { ...p };
    for (const f of CONSTRUCTION_FIELDS) if (!reads.includes(f)) out[f] = NONGENERALIZING_DEFAULTS[f];
    return out;
  },
  run: (p, seed) => {
    if (CONVEX_CONSTRUCTIONS.has(p.construction)) return runConvex(p, seed);
    const data = studyData(p, seed);
    const built = buildInterpolator(p.construction, data, studyActivation(p), { ...p, m: h2Width(p) }, seed);
    return {
      metrics: {
        ...measureInterpolator(built.net, data, built.steps, seed),
        width: built.net.m,
        ...NO_CERTIFICATE,
      },
    };
  },
  analyse: analyseNongeneralizing,
});
