/**
 * Pricing starts from second moments (docs/math.md#convex-flattest, §10). For a weight vector w over the
 * samples (the dual λ, or the labels y before any LP), the numerator Σ_i w_i σ(vᵀx_i) of the pricing
 * ratio has, for Gaussian-like inputs, the Hermite expansion
 *   Σ w_i σ(vᵀx_i) ≈ h₀ Σ w_i + h₁ vᵀ(Σ w_i x_i) + (h₂/2) vᵀ(Σ w_i (x_i x_iᵀ − I)) v + …,
 * so the directions where it is large are near ±Σ w_i x_i and near the dominant eigenvectors of
 * M_w = Σ w_i (x_i x_iᵀ − I) (both ends of its spectrum: the numerator enters with its absolute value). For
 * w = y this is the classical spectral estimate of a multi-index model's index space, found without the
 * teacher. The eigenvectors come from orthogonal iteration on M_w² (the dominant |eigenvalues|).
 */
import type { Rng } from '../../rng/xoshiro.js';
import type { PricingData } from './pricing.js';
import { normalizeAt } from './sphere.js';

/** M_w = Σ_i w_i (x_i x_iᵀ − I) (d×d, row-major): the identity part would shift every eigenvalue by Σ w_i. */
export function weightedSecondMoment(pd: PricingData, w: Float64Array): Float64Array {
  const { n, d, X } = pd;
  const M = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const xk = wi * X[o + k];
      for (let l = 0; l <= k; l++) M[k * d + l] += xk * X[o + l];
    }
  }
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i];
  for (let k = 0; k < d; k++) M[k * d + k] -= sw;
  for (let k = 0; k < d; k++) for (let l = 0; l < k; l++) M[l * d + k] = M[k * d + l];
  return M;
}

function matVec(M: Float64Array, d: number, v: Float64Array, out: Float64Array): void {
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += M[k * d + l] * v[l];
    out[k] = s;
  }
}

/** Gram–Schmidt on the p rows of U (p×d) in place; a row that collapses is replaced by zeros. */
function orthonormalizeRows(U: Float64Array, p: number, d: number): void {
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < j; i++) {
      let c = 0;
      for (let k = 0; k < d; k++) c += U[j * d + k] * U[i * d + k];
      for (let k = 0; k < d; k++) U[j * d + k] -= c * U[i * d + k];
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += U[j * d + k] * U[j * d + k];
    const inv = s > 1e-300 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < d; k++) U[j * d + k] *= inv;
  }
}

/**
 * An orthonormal basis (p×d, row-major) of the dominant p-dimensional |eigen|-subspace of the symmetric
 * M, by `iters` steps of orthogonal iteration with M² from seeded random vectors.
 */
export function dominantSubspace(M: Float64Array, d: number, p: number, rng: Rng, iters = 30): Float64Array {
  const q = Math.min(p, d);
  const U = new Float64Array(q * d);
  rng.fillNormal(U);
  orthonormalizeRows(U, q, d);
  const t = new Float64Array(d);
  const u = new Float64Array(d);
  for (let it = 0; it < iters; it++) {
    for (let j = 0; j < q; j++) {
      matVec(M, d, U.subarray(j * d, (j + 1) * d), t);
      matVec(M, d, t, u);
      U.set(u, j * d);
    }
    orthonormalizeRows(U, q, d);
  }
  return U;
}

/**
 * Starts for the weight w: ±Σ w_i x_i, ± the p dominant eigenvectors of M_w, and `mix` random unit
 * combinations of those p + 1 directions (an atom of the optimum is typically a combination of index
 * directions, not one eigenvector).
 */
export function spectralStarts(pd: PricingData, w: Float64Array, p: number, mix: number, rng: Rng): Float64Array[] {
  const { n, d, X } = pd;
  const basis: Float64Array[] = [];
  const lx = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) lx[k] += w[i] * X[i * d + k];
  if (normalizeAt(lx)) basis.push(lx);
  const U = dominantSubspace(weightedSecondMoment(pd, w), d, p, rng);
  for (let j = 0; j < U.length / d; j++) {
    const u = U.slice(j * d, (j + 1) * d);
    if (normalizeAt(u)) basis.push(u);
  }
  const out: Float64Array[] = [];
  for (const b of basis)
    out.push(
      b,
      b.map((x) => -x),
    );
  for (let r = 0; r < mix && basis.length > 0; r++) {
    const v = new Float64Array(d);
    for (const b of basis) {
      const c = rng.normal();
      for (let k = 0; k < d; k++) v[k] += c * b[k];
    }
    if (normalizeAt(v)) out.push(v);
  }
  return out;
}
