/**
 * The random-features (kernel-regime) interpolator (docs/math.md#interpolators, §5): W random and frozen (Gaussian rows
 * with variance 1/d, seeded), a = the minimum-norm solution of σ(X Wᵀ) a = y. Needs m ≥ n.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { type Activation, type ActivationSpec, makeActivation } from '../model/activations.js';
import { createNetwork } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import { defaultTol, finishInterpolator, type Interpolator, type InterpolatorOptions, requireData } from './common.js';
import { solveSecondLayer } from './memorizer.js';

/**
 * The random-features interpolator with m ≥ n frozen Gaussian neurons (seeded) and the minimum-norm
 * second layer.
 *
 * @example
 * ```ts
 * import { makeDataset, randomFeatures } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const rf = randomFeatures(data, { name: 'relu' }, 80, 1);
 * console.log(rf.net.m, rf.construction.maxResidual < 1e-8); // 80 true
 * ```
 */
export function randomFeatures(
  data: Dataset,
  act: Activation | ActivationSpec,
  m: number,
  seed: number,
  opts: InterpolatorOptions = {},
): Interpolator {
  requireData(data, 'random-features');
  const activation = 'f' in act ? act : makeActivation(act);
  const { n, d } = data;
  if (!Number.isInteger(m) || m < n) {
    throw new InputError(
      `random-features: needs width m ≥ n = ${n} to interpolate (n equations, m unknowns); got m = ${m}`,
    );
  }
  const rng = new Rng(deriveSeed(seed, 'random-features'));
  const W = rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d));
  const { a, cond } = solveSecondLayer(activation, data, W, m, data.y, 'random-features', opts.maxCond);
  const tol = opts.tol ?? defaultTol(data.y);
  return finishInterpolator('random-features', createNetwork(activation, a, W, d), data, opts, false, tol, {
    cond,
    seed,
  });
}
