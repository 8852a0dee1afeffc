/**
 * The memorizer (docs/math.md#interpolators, §5), the canonical non-generalizing interpolator: one neuron per data point,
 * w_j = x_j/‖x_j‖, and a solving Σ_j a_j σ(w_jᵀx_i) = y_i. Extra width (m > n) adds seeded random unit
 * directions and takes the minimum-norm a.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { solveMinNorm, solveSquare } from '../linalg/solve.js';
import { type Activation, type ActivationSpec, makeActivation } from '../model/activations.js';
import { createNetwork } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import {
  dataDirections,
  defaultTol,
  featureMatrix,
  finishInterpolator,
  type Interpolator,
  type InterpolatorOptions,
  requireData,
} from './common.js';

/** Options of the memorizer (width m > n adds seeded random directions). */
export interface MemorizerOptions extends InterpolatorOptions {
  /** Width m ≥ n (default n). */
  width?: number;
  /** Seed for the extra random directions when m > n (default 0). */
  seed?: number;
}

/**
 * Second-layer weights a (length m) with Σ_j a_j σ(w_jᵀx_i) = targets_i, for given first-layer rows W
 * (m×d, m ≥ n): an LU solve when m = n, the minimum-norm solution (QR) when m > n.
 */
export function solveSecondLayer(
  act: Activation,
  data: Dataset,
  W: Float64Array,
  m: number,
  targets: Float64Array,
  what: string,
  maxCond?: number,
): { a: Float64Array; cond: number } {
  const { n, d, X } = data;
  const Phi = featureMatrix(act, X, n, d, W, m);
  const opts = { what: `${what}: the ${n}×${m} system σ(X Wᵀ) a = y`, maxCond };
  const r = m === n ? solveSquare(Phi, n, targets, opts) : solveMinNorm(Phi, n, m, targets, opts);
  return { a: r.x, cond: r.cond };
}

/** Rows from..to−1 of W (row length d): random unit directions (normalized Gaussian draws). */
function fillRandomUnitRows(W: Float64Array, from: number, to: number, d: number, rng: Rng): void {
  for (let j = from; j < to; j++) {
    const row = W.subarray(j * d, (j + 1) * d);
    rng.fillNormal(row);
    let s = 0;
    for (let t = 0; t < d; t++) s += row[t] * row[t];
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < d; t++) row[t] *= inv;
  }
}

/**
 * The memorizing interpolator (docs/math.md#interpolators): one neuron w_j = x_j/‖x_j‖ per data point and
 * the second layer a that solves Σ_j a_j σ(w_jᵀx_i) = y_i; refused (InputError) when the system is singular
 * or ill-conditioned.
 *
 * @example
 * ```ts
 * import { invariantFlatness, makeDataset, memorizer, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const mem = memorizer(data, { name: 'relu' });
 * console.log(mem.net.m, mem.construction.maxResidual < 1e-8); // 40 true
 * console.log(invariantFlatness(mem.net, data).value > invariantFlatness(teacher, data).value); // true: sharper
 * ```
 */
export function memorizer(data: Dataset, act: Activation | ActivationSpec, opts: MemorizerOptions = {}): Interpolator {
  requireData(data, 'memorizer');
  const activation = 'f' in act ? act : makeActivation(act);
  const { n, d } = data;
  const m = opts.width ?? n;
  if (!Number.isInteger(m) || m < n) {
    throw new InputError(`memorizer: needs width m ≥ n = ${n} (one neuron per data point); got m = ${m}`);
  }
  const W = new Float64Array(m * d);
  W.set(dataDirections(data));
  const seed = opts.seed ?? 0;
  if (m > n) fillRandomUnitRows(W, n, m, d, new Rng(deriveSeed(seed, 'memorizer-extra')));
  const { a, cond } = solveSecondLayer(activation, data, W, m, data.y, 'memorizer', opts.maxCond);
  const tol = opts.tol ?? defaultTol(data.y);
  return finishInterpolator('memorizer', createNetwork(activation, a, W, d), data, opts, false, tol, {
    cond,
    memorizingNeurons: n,
    ...(m > n ? { seed } : {}),
  });
}
