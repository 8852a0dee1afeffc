/**
 * Randomized trace estimators over any curvature operator, with budgets counted in matrix-vector
 * products and every random probe drawn from an explicit seed (docs/math.md#estimators, §8).
 *
 * Hutchinson: Tr A ≈ (1/s) Σ_l v_lᵀ A v_l with E v vᵀ = I; unbiased, standard error from the spread of
 * the s samples.
 * Hutch++ (Meyer, Musco, Musco & Woodruff, SOSA 2021, Algorithm 1): with budget s, k = ⌊s/3⌋ products
 * sketch the top range (Q = orth(A S)), k more give Tr(QᵀAQ) exactly, and the remaining s − 2k do
 * Hutchinson on the deflated (I − QQᵀ) A (I − QQᵀ). Error O(1/s) instead of O(1/√s) when the spectrum
 * has a dominant top part.
 */
import { InputError } from '../errors.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import type { CurvatureOperator } from './operators.js';
import {
  checkBudget,
  checkSampler,
  dot,
  fillProbe,
  meanStderr,
  orthogonalizeRowsAgainst,
  orthonormalBasis,
  type Sampler,
} from './vec.js';

/** The stochastic trace estimators. */
export type TraceMethod = 'hutchinson' | 'hutchpp';
/** Every trace estimator. */
export const TRACE_METHODS: readonly TraceMethod[] = ['hutchinson', 'hutchpp'];

/** The matrix-vector product budget, the seed and the probe distribution. */
export interface TraceEstimateOptions {
  /** Matrix-vector products to spend. */
  budget: number;
  seed: number;
  sampler?: Sampler;
}

/** A trace estimate with its standard error and what it cost. */
export interface TraceEstimate {
  readonly method: TraceMethod;
  readonly estimate: number;
  /**
   * Standard error. Hutchinson: sd of the samples / √s. Hutch++: the same for the deflated
   * Hutchinson part, conditional on the sketch Q (the exact part Tr(QᵀAQ) has no sampling error given Q).
   */
  readonly stderr: number;
  readonly budget: number;
  /** Products actually used (Hutch++ may use fewer when the sketch is rank-deficient). */
  readonly matvecs: number;
  readonly seed: number;
  readonly sampler: Sampler;
  /** Hutch++ only: rank of the sketch and the exactly-traced low-rank part. */
  readonly sketchRank?: number;
  readonly lowRankTrace?: number;
}

/** Hutchinson's estimator with `budget` probes (budget ≥ 2 so that a standard error exists). */
export function hutchinson(op: CurvatureOperator, opts: TraceEstimateOptions): TraceEstimate {
  const budget = checkBudget(opts.budget, 2, 'hutchinson');
  const sampler = checkSampler(opts.sampler ?? 'rademacher');
  const rng = new Rng(deriveSeed(opts.seed, 'hutchinson', sampler));
  const v = new Float64Array(op.dim);
  const Av = new Float64Array(op.dim);
  const samples = new Float64Array(budget);
  for (let l = 0; l < budget; l++) {
    fillProbe(rng, v, sampler);
    op.matvec(v, Av);
    samples[l] = dot(v, Av);
  }
  const { mean, stderr } = meanStderr(samples);
  return Object.freeze({
    method: 'hutchinson',
    estimate: mean,
    stderr,
    budget,
    matvecs: budget,
    seed: opts.seed,
    sampler,
  });
}

/** Hutch++ with `budget` products (≥ 4: one sketch column, its trace, two deflated probes). */
export function hutchpp(op: CurvatureOperator, opts: TraceEstimateOptions): TraceEstimate {
  const budget = checkBudget(opts.budget, 4, 'hutchpp');
  const sampler = checkSampler(opts.sampler ?? 'rademacher');
  const rng = new Rng(deriveSeed(opts.seed, 'hutchpp', sampler));
  const dim = op.dim;
  const k = Math.min(Math.floor(budget / 3), dim);
  const g = budget - 2 * k;
  let matvecs = 0;
  const sketch: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const s = fillProbe(rng, new Float64Array(dim), sampler);
    sketch.push(op.matvec(s));
    matvecs++;
  }
  const Q = orthonormalBasis(sketch);
  let lowRank = 0;
  const Aq = new Float64Array(dim);
  for (const q of Q) {
    op.matvec(q, Aq);
    matvecs++;
    lowRank += dot(q, Aq);
  }
  // The deflated probes: drawn in the same order as one at a time (nothing else draws in between),
  // then projected off Q together, as a block, through the backend's GEMM.
  const V = new Float64Array(g * dim);
  for (let l = 0; l < g; l++) fillProbe(rng, V.subarray(l * dim, (l + 1) * dim), sampler);
  orthogonalizeRowsAgainst(V, g, Q);
  const v = new Float64Array(dim);
  const Av = new Float64Array(dim);
  const samples = new Float64Array(g);
  for (let l = 0; l < g; l++) {
    v.set(V.subarray(l * dim, (l + 1) * dim)); // a whole buffer for the operator, not a view
    op.matvec(v, Av);
    matvecs++;
    samples[l] = dot(v, Av);
  }
  const { mean, stderr } = meanStderr(samples);
  return Object.freeze({
    method: 'hutchpp',
    estimate: lowRank + mean,
    stderr,
    budget,
    matvecs,
    seed: opts.seed,
    sampler,
    sketchRank: Q.length,
    lowRankTrace: lowRank,
  });
}

/**
 * A stochastic estimate of Tr A from matrix-vector products only: Hutchinson, or Hutch++ (a sketch of
 * the top subspace plus Hutchinson on the rest), with its standard error (docs/math.md#estimators).
 *
 * @example
 * ```ts
 * import { curvatureOperator, estimateTrace, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const H = curvatureOperator(teacher, data);
 * const est = estimateTrace(H, 'hutchpp', { budget: 30, seed: 0 });
 * console.log(Math.abs(est.estimate - H.exactTrace!()) < 1e-8 * H.exactTrace!()); // true: 30 ≥ 6 products capture it all
 * ```
 */
export function estimateTrace(op: CurvatureOperator, method: TraceMethod, opts: TraceEstimateOptions): TraceEstimate {
  if (!TRACE_METHODS.includes(method)) {
    throw new InputError(`method must be one of ${TRACE_METHODS.join(', ')} (got ${JSON.stringify(method)})`);
  }
  return method === 'hutchpp' ? hutchpp(op, opts) : hutchinson(op, opts);
}
