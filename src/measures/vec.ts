/** Small dense-vector helpers for the estimators (Float64Array, no allocation unless stated); the level-1
 * operations themselves are those of src/linalg/vec.ts. */
import type { Rng } from '../rng/xoshiro.js';
import { InputError } from '../errors.js';
import { axpy, dot, norm2, scale } from '../linalg/vec.js';

export { axpy, dot, norm2, scale };

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
 * Orthonormal basis of the span of the given vectors (Gram–Schmidt with reorthogonalization).
 * Columns that are numerically dependent (norm after projection ≤ relTol × original) are dropped,
 * so the result may have fewer columns: low-rank curvature (e.g. Gauss–Newton with n < dim) is common.
 */
export function orthonormalBasis(cols: readonly Float64Array[], relTol = 1e-10): Float64Array[] {
  const Q: Float64Array[] = [];
  for (const c of cols) {
    const v = c.slice();
    const n0 = norm2(v);
    if (n0 === 0) continue;
    orthogonalizeAgainst(v, Q);
    const n1 = norm2(v);
    if (!(n1 > relTol * n0)) continue;
    scale(1 / n1, v);
    Q.push(v);
  }
  return Q;
}

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
