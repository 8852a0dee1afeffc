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
import { dominantEigen } from '../linalg/power.js';
import { hvp, type Network, paramCount } from '../model/network.js';

/** Hessian-vector products the trainer spends on λ_max at initialization. */
export const STEP_CAP_PRODUCTS = 20;

/**
 * Largest |eigenvalue| of the loss Hessian at `net` by `products` power iterations on exact
 * Hessian-vector products from a start drawn from `seed`. No early stop, so the number is a fixed
 * function of (net, data, seed, products). The Rayleigh quotient of the last iterate is returned; it
 * approaches λ_max from below, which is one reason the cap is 1/λ and not the limit 2/λ.
 */
export function largestCurvature(net: Network, data: Dataset, seed: number, products = STEP_CAP_PRODUCTS): number {
  const ma = net.m;
  const matvec = (v: Float64Array, out: Float64Array): void => {
    const { ha, hW } = hvp(net, data, v.subarray(0, ma), v.subarray(ma));
    out.set(ha, 0);
    out.set(hW, ma);
  };
  return Math.abs(dominantEigen(matvec, paramCount(net), { budget: products, seed, tol: null }).eigenvalue);
}

/** η capped at cap/λ (unchanged when the cap is off, λ is 0 or not finite, or η is already below it). */
export function cappedRate(lr: number, cap: number, lambdaMax: number): number {
  if (!(cap > 0) || !(lambdaMax > 0) || !Number.isFinite(lambdaMax)) return lr;
  return Math.min(lr, cap / lambdaMax);
}
