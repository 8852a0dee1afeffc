/**
 * The maximizer of |vᵀa| / √(vᵀM v) over the sphere for a positive definite M: v ∝ M⁻¹a
 * (docs/math.md#convex-flattest, §10). Within one activation pattern P of a 1-homogeneous σ the pricing
 * ratio R is exactly this with a = a_P = Σ λ_i c_i x_i and M = M_P = Σ c_i² x_i x_iᵀ, so M_P⁻¹a_P is
 * the best direction of the cell (and the exact optimum of R when it stays inside the cell).
 */
import { normalizeAt } from './sphere.js';

/**
 * u = M⁻¹a / ‖M⁻¹a‖ by Cholesky of the symmetric d×d matrix M (read from its lower triangle; M is
 * overwritten by the factor), with a relative ridge 1e-10·tr(M)/d for near-singular patterns. Null
 * when M is not positive definite or the solution is zero.
 */
export function solveCellOptimum(M: Float64Array, a: Float64Array, d: number): Float64Array | null {
  let tr = 0;
  for (let k = 0; k < d; k++) tr += M[k * d + k];
  if (!(tr > 0)) return null;
  const ridge = 1e-10 * (tr / d);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l <= k; l++) {
      let s = M[k * d + l] + (k === l ? ridge : 0);
      for (let p = 0; p < l; p++) s -= M[k * d + p] * M[l * d + p];
      if (k === l) {
        if (!(s > 0)) return null;
        M[k * d + k] = Math.sqrt(s);
      } else M[k * d + l] = s / M[l * d + l];
    }
  }
  const u = a.slice(0, d);
  for (let k = 0; k < d; k++) {
    let s = u[k];
    for (let p = 0; p < k; p++) s -= M[k * d + p] * u[p];
    u[k] = s / M[k * d + k];
  }
  for (let k = d - 1; k >= 0; k--) {
    let s = u[k];
    for (let p = k + 1; p < d; p++) s -= M[p * d + k] * u[p];
    u[k] = s / M[k * d + k];
  }
  return normalizeAt(u) ? u : null;
}
