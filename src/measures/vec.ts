/** Small dense-vector helpers for the estimators (Float64Array, no allocation unless stated); the level-1
 * operations themselves are those of src/linalg/vec.ts. */

import { InputError } from '../errors.js';
import { getBackend } from '../linalg/backend.js';
import { axpy, dot, norm2, scale } from '../linalg/vec.js';
import type { Rng } from '../rng/xoshiro.js';

export { axpy, dot, norm2, scale };

/** The distribution of the random probe vectors. */
export type Sampler = 'rademacher' | 'gaussian';
export const SAMPLERS: readonly Sampler[] = ['rademacher', 'gaussian'];

export function checkSampler(s: string): Sampler {
  if (!SAMPLERS.includes(s as Sampler)) {
    throw new InputError(`sampler must be one of ${SAMPLERS.join(', ')} (got ${JSON.stringify(s)})`);
  }
  return s as Sampler;
}

/** Fill v with i.i.d. probe entries (E v vᵀ = I for both samplers). */
export function fillProbe(rng: Rng, v: Float64Array, sampler: Sampler): Float64Array {
  return sampler === 'rademacher' ? rng.fillRademacher(v) : rng.fillNormal(v);
}

/**
 * Orthogonalize v against the orthonormal columns in Q, twice ("twice is enough", Giraud et al.):
 * classical Gram–Schmidt loses orthogonality at rounding level once, the second pass restores it.
 */
export function orthogonalizeAgainst(v: Float64Array, Q: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of Q) axpy(-dot(q, v), q, v);
  }
}

/**
 * orthogonalizeAgainst for a block: each of the `rows` rows of V (rows × dim, row-major) loses its
 * components along the orthonormal vectors Q, twice, as two GEMMs per pass (C = V Qᵀ, V ← V − C Q)
 * instead of 2·|Q| scalar dot/axpy pairs per row. Same projector, other summation order; at Hutch++'s
 * budget 768 (|Q| = rows = 256, dim ≈ 5000) the scalar loops cost several times the products themselves.
 */
export function orthogonalizeRowsAgainst(V: Float64Array, rows: number, Q: readonly Float64Array[]): void {
  const r = Q.length;
  if (r === 0 || rows === 0) return;
  const dim = Q[0].length;
  const Qm = new Float64Array(r * dim);
  for (let i = 0; i < r; i++) Qm.set(Q[i], i * dim);
  const C = new Float64Array(rows * r);
  const be = getBackend();
  for (let pass = 0; pass < 2; pass++) {
    be.gemm(false, true, rows, r, dim, 1, V, Qm, 0, C);
    be.gemm(false, false, rows, dim, r, -1, C, Qm, 1, V);
  }
}

/**
 * Orthonormal basis of the span of the given vectors (Gram–Schmidt with reorthogonalization).
 * Columns that are numerically dependent (norm after projection ≤ relTol × original) are dropped,
 * so the result may have fewer columns: low-rank curvature (e.g. Gauss–Newton with n < dim) is common.
 * Block Gram–Schmidt: each block of BASIS_BLOCK columns is projected off the basis so far as one block
 * (two GEMM passes, orthogonalizeRowsAgainst), then column by column off the vectors its own block has
 * added (two scalar passes); the projector is the same as column-by-column Gram–Schmidt, and at
 * Hutch++'s 256 sketch columns of dimension ≈ 5000 it is several times faster.
 */
export function orthonormalBasis(cols: readonly Float64Array[], relTol = 1e-10): Float64Array[] {
  const Q: Float64Array[] = [];
  if (cols.length === 0) return Q;
  const dim = cols[0].length;
  for (let start = 0; start < cols.length; start += BASIS_BLOCK) {
    const block = cols.slice(start, start + BASIS_BLOCK);
    const V = new Float64Array(block.length * dim);
    const n0 = block.map((c, i) => {
      V.set(c, i * dim);
      return norm2(c);
    });
    orthogonalizeRowsAgainst(V, block.length, Q);
    const before = Q.length;
    for (let i = 0; i < block.length; i++) {
      if (n0[i] === 0) continue;
      const v = V.slice(i * dim, (i + 1) * dim);
      orthogonalizeAgainst(v, Q.slice(before));
      const n1 = norm2(v);
      if (!(n1 > relTol * n0[i])) continue;
      scale(1 / n1, v);
      Q.push(v);
    }
  }
  return Q;
}

/** Columns per block of orthonormalBasis: big enough for GEMM speed, small enough for the scalar part. */
const BASIS_BLOCK = 32;

/** Mean and standard error of the mean (sample standard deviation / √s). */
export function meanStderr(x: ArrayLike<number>): { mean: number; stderr: number; sd: number } {
  const s = x.length;
  let mean = 0;
  for (let i = 0; i < s; i++) mean += x[i];
  mean /= s;
  let ss = 0;
  for (let i = 0; i < s; i++) ss += (x[i] - mean) ** 2;
  const sd = s > 1 ? Math.sqrt(ss / (s - 1)) : Number.NaN;
  return { mean, stderr: sd / Math.sqrt(s), sd };
}

export function checkBudget(budget: number, min: number, what: string): number {
  if (!Number.isInteger(budget) || budget < min) {
    throw new InputError(`${what}: budget must be an integer ≥ ${min} matrix-vector products (got ${budget})`);
  }
  return budget;
}
