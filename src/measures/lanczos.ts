/**
 * Extreme eigenvalues and spectral densities of curvature operators through Krylov methods:
 * power iteration, Lanczos with full reorthogonalization (top-k Ritz pairs with residual norms and
 * converged flags), and stochastic Lanczos quadrature (Golub & Meurant; Ubaru, Chen & Saad 2017).
 * Budgets count matrix-vector products; every start vector comes from an explicit seed.
 */
import { InputError } from '../errors.js';
import { dominantEigen } from '../linalg/power.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import type { CurvatureOperator } from './operators.js';
import { tridiagEigen } from './tridiag.js';
import {
  axpy,
  checkBudget,
  checkSampler,
  dot,
  fillProbe,
  meanStderr,
  norm2,
  orthogonalizeAgainst,
  type Sampler,
  scale,
} from './vec.js';

/** What every Krylov run of this file reports besides its result: the method, its products and its seed. */
export interface KrylovRun<M extends string> {
  readonly method: M;
  readonly matvecs: number;
  readonly seed: number;
}

/** The dominant eigenvalue found by power iteration, its vector and residual. */
export interface PowerResult extends KrylovRun<'power'> {
  /** Rayleigh quotient of the final iterate (the eigenvalue of largest magnitude). */
  readonly eigenvalue: number;
  readonly vector: Float64Array;
  /** ‖A v − λ v‖ for the final unit iterate v. */
  readonly residual: number;
  readonly converged: boolean;
}

/** What power iteration takes; Lanczos takes the same and more (LanczosOptions). */
export interface PowerOptions {
  /** Maximal number of products (for Lanczos, the Krylov dimension). */
  budget: number;
  seed: number;
  /** Relative residual tolerance: ‖A v − λ v‖ ≤ tol · |λ| (Lanczos: ‖A y − θ y‖ ≤ tol · max|θ|). */
  tol?: number;
}

/**
 * Power iteration (one implementation, `dominantEigen` in src/linalg/power.ts): stops when ‖Av − λv‖ ≤ tol·|λ| or after `budget` products.
 *
 * @example
 * ```ts
 * import { curvatureOperator, makeDataset, powerIteration, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const top = powerIteration(curvatureOperator(teacher, data), { budget: 200, seed: 0, tol: 1e-10 });
 * console.log(top.eigenvalue > 0, top.converged); // true true
 * ```
 */
export function powerIteration(op: CurvatureOperator, opts: PowerOptions): PowerResult {
  const budget = checkBudget(opts.budget, 1, 'power iteration');
  const r = dominantEigen(op.matvec, op.dim, { budget, seed: opts.seed, tol: opts.tol ?? 1e-10 });
  return Object.freeze({ method: 'power', ...r, seed: opts.seed });
}

/** Which end of the spectrum Lanczos converges to. */
export type Which = 'largest' | 'smallest' | 'magnitude';

/** What Lanczos takes: the budget and seed of power iteration, how many eigenvalues and from which end. */
export interface LanczosOptions extends PowerOptions {
  /** Number of eigenvalues wanted. */
  k: number;
  which?: Which;
  /** Also return the Ritz vectors (costs k·steps·dim). */
  vectors?: boolean;
}

/** The wanted Ritz values with their residual bounds (and vectors when asked for). */
export interface LanczosResult extends KrylovRun<'lanczos'> {
  /** The k wanted Ritz values, most wanted first (descending for "largest"). */
  readonly values: readonly number[];
  /** Ritz residual norms ‖A y_i − θ_i y_i‖ (= β_j |s_{j,i}|). */
  readonly residuals: readonly number[];
  readonly converged: readonly boolean[];
  readonly allConverged: boolean;
  readonly iterations: number;
  /** Number of restarts after an invariant subspace was exhausted (low-rank operators). */
  readonly restarts: number;
  readonly vectors?: readonly Float64Array[];
}

function wantedOrder(values: Float64Array, which: Which): number[] {
  const idx = Array.from(values, (_, i) => i);
  if (which === 'largest') return idx.reverse();
  if (which === 'smallest') return idx;
  return idx.sort((x, y) => Math.abs(values[y]) - Math.abs(values[x]));
}

/**
 * Lanczos with full reorthogonalization. When β_j vanishes (the Krylov space is invariant, e.g. a
 * low-rank Gauss–Newton matrix) it restarts with a fresh random vector orthogonal to the basis, so
 * repeated eigenvalues and the null space are still found.
 *
 * @example
 * ```ts
 * import { curvatureOperator, lanczos, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const r = lanczos(curvatureOperator(teacher, data), { k: 2, budget: 6, seed: 0 });
 * console.log(r.values.length, r.values[0] >= r.values[1]); // 2 true
 * ```
 */
export function lanczos(op: CurvatureOperator, opts: LanczosOptions): LanczosResult {
  const which = opts.which ?? 'largest';
  if (!['largest', 'smallest', 'magnitude'].includes(which)) {
    throw new InputError(`lanczos: which must be largest, smallest or magnitude (got ${JSON.stringify(which)})`);
  }
  if (!Number.isInteger(opts.k) || opts.k < 1 || opts.k > op.dim) {
    throw new InputError(`lanczos: k must be an integer in [1, ${op.dim}] (got ${opts.k})`);
  }
  const budget = Math.min(checkBudget(opts.budget, opts.k, 'lanczos'), op.dim);
  const tol = opts.tol ?? 1e-10;
  const k = opts.k;
  const rng = new Rng(deriveSeed(opts.seed, 'lanczos'));
  const dim = op.dim;
  const Q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q: Float64Array = rng.fillNormal(new Float64Array(dim));
  scale(1 / norm2(q), q);
  let anorm = 0;
  let restarts = 0;
  let lastBeta = 0;
  let values: Float64Array = new Float64Array(0);
  let lastRow: Float64Array = new Float64Array(0);
  for (let j = 0; j < budget; j++) {
    Q.push(q);
    const w = op.matvec(q);
    const a = dot(q, w);
    alpha.push(a);
    orthogonalizeAgainst(w, Q);
    const b = norm2(w);
    lastBeta = b;
    anorm = Math.max(anorm, Math.abs(a) + b + (j > 0 ? beta[j - 1] : 0));
    if (j + 1 >= k) {
      const te = tridiagEigen(alpha, beta, [j]);
      values = te.values as Float64Array;
      lastRow = te.rows[0];
      const order = wantedOrder(values, which).slice(0, k);
      const top = Math.max(...Array.from(values, Math.abs), Number.MIN_VALUE);
      if (order.every((i) => b * Math.abs(lastRow[i]) <= tol * top)) break;
    }
    if (j + 1 === budget || j + 1 === dim) break;
    if (b <= 1e-10 * anorm) {
      // Invariant subspace: continue in its orthogonal complement (β = 0 decouples T).
      const v = rng.fillNormal(new Float64Array(dim));
      orthogonalizeAgainst(v, Q);
      const nv = norm2(v);
      if (nv === 0) break;
      scale(1 / nv, v);
      beta.push(0);
      lastBeta = 0;
      restarts++;
      q = v;
    } else {
      beta.push(b);
      scale(1 / b, w);
      q = w;
    }
  }
  const steps = alpha.length;
  const te = tridiagEigen(alpha, beta, opts.vectors ? undefined : [steps - 1]);
  values = te.values as Float64Array;
  lastRow = opts.vectors ? te.rows[steps - 1] : te.rows[0];
  const top = Math.max(...Array.from(values, Math.abs), Number.MIN_VALUE);
  const order = wantedOrder(values, which).slice(0, Math.min(k, steps));
  const residuals = order.map((i) => lastBeta * Math.abs(lastRow[i]));
  const converged = residuals.map((r) => r <= tol * top);
  let vectors: Float64Array[] | undefined;
  if (opts.vectors) {
    vectors = order.map((i) => {
      const y = new Float64Array(dim);
      for (let l = 0; l < steps; l++) axpy(te.rows[l][i], Q[l], y);
      return y;
    });
  }
  return Object.freeze({
    method: 'lanczos',
    values: order.map((i) => values[i]),
    residuals,
    converged,
    allConverged: converged.length === k && converged.every(Boolean),
    iterations: steps,
    matvecs: steps,
    restarts,
    seed: opts.seed,
    ...(vectors ? { vectors } : {}),
  });
}

/** Probes, Lanczos steps per probe and the smoothing of stochastic Lanczos quadrature. */
export interface SlqOptions {
  /** Number of random probe vectors. */
  probes: number;
  /** Lanczos steps per probe (quadrature nodes per probe). */
  steps: number;
  seed: number;
  sampler?: Sampler;
  /** Width of the Gaussian smoothing kernel (default: 1% of the node range). */
  sigma?: number;
  /** Number of grid points of the smoothed density. */
  gridPoints?: number;
}

/** The quadrature nodes and weights per probe and the smoothed spectral density. */
export interface SlqResult extends KrylovRun<'slq'> {
  /** Per probe: Ritz values (quadrature nodes) and weights τ² (each probe's weights sum to 1). */
  readonly nodes: readonly Float64Array[];
  readonly weights: readonly Float64Array[];
  /** Smoothed spectral density on a grid (integrates to ≈ 1). */
  readonly grid: Float64Array;
  readonly density: Float64Array;
  readonly sigma: number;
  /** Tr A ≈ mean over probes of ‖v‖² Σ τ² θ (= vᵀAv, exact quadrature of degree ≤ 2·steps − 1). */
  readonly traceEstimate: number;
  readonly traceStderr: number;
}

/**
 * Stochastic Lanczos quadrature: spectral density estimate of a symmetric operator.
 *
 * @example
 * ```ts
 * import { curvatureOperator, makeDataset, stochasticLanczosQuadrature, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const slq = stochasticLanczosQuadrature(curvatureOperator(teacher, data), { probes: 2, steps: 4, seed: 0 });
 * console.log(slq.nodes.length, slq.grid.length === slq.density.length); // 2 true
 * ```
 */
export function stochasticLanczosQuadrature(op: CurvatureOperator, opts: SlqOptions): SlqResult {
  if (!Number.isInteger(opts.probes) || opts.probes < 1) {
    throw new InputError(`slq: probes must be an integer ≥ 1 (got ${opts.probes})`);
  }
  if (!Number.isInteger(opts.steps) || opts.steps < 1) {
    throw new InputError(`slq: steps must be an integer ≥ 1 (got ${opts.steps})`);
  }
  const sampler = checkSampler(opts.sampler ?? 'rademacher');
  const gridPoints = opts.gridPoints ?? 200;
  if (!Number.isInteger(gridPoints) || gridPoints < 2) {
    throw new InputError(`slq: gridPoints must be an integer ≥ 2 (got ${gridPoints})`);
  }
  const dim = op.dim;
  const steps = Math.min(opts.steps, dim);
  const rng = new Rng(deriveSeed(opts.seed, 'slq', sampler));
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  const quad = new Float64Array(opts.probes);
  let matvecs = 0;
  for (let l = 0; l < opts.probes; l++) {
    const v0 = fillProbe(rng, new Float64Array(dim), sampler);
    const nv2 = dot(v0, v0);
    let q = v0;
    scale(1 / Math.sqrt(nv2), q);
    const Q: Float64Array[] = [];
    const alpha: number[] = [];
    const beta: number[] = [];
    let anorm = 0;
    for (let j = 0; j < steps; j++) {
      Q.push(q);
      const w = op.matvec(q);
      matvecs++;
      const a = dot(q, w);
      alpha.push(a);
      orthogonalizeAgainst(w, Q);
      const b = norm2(w);
      anorm = Math.max(anorm, Math.abs(a) + b);
      // An invariant subspace makes the quadrature exact for this probe: stop, no restart.
      if (j + 1 === steps || b <= 1e-10 * anorm) break;
      beta.push(b);
      scale(1 / b, w);
      q = w;
    }
    const te = tridiagEigen(alpha, beta, [0]);
    const tau2 = Float64Array.from(te.rows[0], (s) => s * s);
    nodes.push(te.values as Float64Array);
    weights.push(tau2);
    let s = 0;
    for (let i = 0; i < tau2.length; i++) s += tau2[i] * te.values[i];
    quad[l] = nv2 * s;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const t of nodes)
    for (const x of t) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  const sigma = opts.sigma ?? (hi > lo ? 0.01 * (hi - lo) : 1e-3 * Math.max(1, Math.abs(hi)));
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new InputError(`slq: sigma must be a finite number > 0 (got ${sigma})`);
  const grid = new Float64Array(gridPoints);
  const density = new Float64Array(gridPoints);
  const g0 = lo - 3 * sigma;
  const step = (hi + 3 * sigma - g0) / (gridPoints - 1);
  const norm = 1 / (opts.probes * sigma * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < gridPoints; g++) {
    const t = g0 + g * step;
    grid[g] = t;
    let s = 0;
    for (let l = 0; l < nodes.length; l++) {
      const th = nodes[l];
      const w = weights[l];
      for (let i = 0; i < th.length; i++) s += w[i] * Math.exp(-0.5 * ((t - th[i]) / sigma) ** 2);
    }
    density[g] = s * norm;
  }
  const { mean, stderr } = meanStderr(quad);
  return Object.freeze({
    method: 'slq',
    nodes,
    weights,
    grid,
    density,
    sigma,
    traceEstimate: mean,
    traceStderr: opts.probes > 1 ? stderr : Number.NaN,
    matvecs,
    seed: opts.seed,
  });
}
