/**
 * The curvature cap on a plain-gradient step (docs/training.md#step-cap). Gradient descent on a
 * quadratic is stable only for η < 2/λ_max(∇²L), and at initialization scale 1 the largest
 * eigenvalue grows with the width (the a-block of the Hessian is a sum of m feature Gram matrices),
 * so one fixed default rate cannot suit every width: measured, GD at η = 0.2 diverged within 8 steps
 * at width 160, d = 8, n = 16, where it was stable at width 80. The trainer therefore starts every
 * plain-gradient run at η = min(η, lrCap/λ_max(θ₀)); with lrCap = 1 that is half the stability limit,
 * the rate the lazy construction already used. Adam is left alone: its step is not curvature-scaled.
 */
import type { Dataset } from '../data/dataset.js';
import { hvp, type Network, paramCount } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';

/** Hessian-vector products the trainer spends on λ_max at initialization. */
export const STEP_CAP_PRODUCTS = 20;

/**
 * Largest |eigenvalue| of the loss Hessian at `net` by `products` power iterations on exact
 * Hessian-vector products from a start drawn from `seed`. No early stop, so the number is a fixed
 * function of (net, data, seed, products). The Rayleigh quotient of the last iterate is returned; it
 * approaches λ_max from below, which is one reason the cap is 1/λ and not the limit 2/λ.
 */
export function largestCurvature(net: Network, data: Dataset, seed: number, products = STEP_CAP_PRODUCTS): number {
  const dim = paramCount(net);
  const ma = net.m;
  const rng = new Rng(deriveSeed(seed, 'power'));
  let v = rng.fillNormal(new Float64Array(dim));
  normalize(v);
  let lambda = 0;
  for (let it = 0; it < products; it++) {
    const { ha, hW } = hvp(net, data, v.subarray(0, ma), v.subarray(ma));
    const w = new Float64Array(dim);
    w.set(ha, 0);
    w.set(hW, ma);
    lambda = 0;
    for (let i = 0; i < dim; i++) lambda += v[i] * w[i];
    if (!normalize(w)) break;
    v = w;
  }
  return Math.abs(lambda);
}

/** Scale `v` to unit length in place; false when it is zero or not finite. */
function normalize(v: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (!(n > 0) || !Number.isFinite(n)) return false;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return true;
}

/** η capped at cap/λ (unchanged when the cap is off, λ is 0 or not finite, or η is already below it). */
export function cappedRate(lr: number, cap: number, lambdaMax: number): number {
  if (!(cap > 0) || !(lambdaMax > 0) || !Number.isFinite(lambdaMax)) return lr;
  return Math.min(lr, cap / lambdaMax);
}
