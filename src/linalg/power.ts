/**
 * Power iteration on a symmetric operator given by its product v ↦ Av: the one implementation behind
 * the measures' `powerIteration` (src/measures/lanczos.ts) and the trainer's curvature cap
 * (src/training/step-cap.ts). The start vector is drawn from the sub-stream 'power' of `seed`, so the
 * result is a fixed function of (A, seed, budget, tol).
 */
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import { dot } from './vec.js';

export interface DominantEigen {
  /** Rayleigh quotient of the final iterate (the eigenvalue of largest magnitude). */
  readonly eigenvalue: number;
  /** The final unit iterate v. */
  readonly vector: Float64Array;
  /** ‖A v − λ v‖ for the final unit iterate v. */
  readonly residual: number;
  readonly converged: boolean;
  readonly matvecs: number;
}

/** Scale `v` to unit length in place (dividing by ‖v‖); false when ‖v‖ is zero or not finite. */
function normalize(v: Float64Array): boolean {
  const n = Math.sqrt(dot(v, v));
  if (!(n > 0) || !Number.isFinite(n)) return false;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return true;
}

/**
 * At most `budget` products; stops early when ‖Av − λv‖ ≤ tol·|λ| (or the residual is exactly 0),
 * never when `tol` is null. Also stops when Av is zero or not finite.
 */
export function dominantEigen(
  matvec: (v: Float64Array, out: Float64Array) => void,
  dim: number,
  opts: { budget: number; seed: number; tol: number | null },
): DominantEigen {
  const rng = new Rng(deriveSeed(opts.seed, 'power'));
  let v = rng.fillNormal(new Float64Array(dim));
  normalize(v);
  let lambda = 0;
  let residual = Number.POSITIVE_INFINITY;
  let matvecs = 0;
  let converged = false;
  while (matvecs < opts.budget) {
    const w = new Float64Array(dim);
    matvec(v, w);
    matvecs++;
    lambda = dot(v, w);
    let r2 = 0;
    for (let i = 0; i < dim; i++) r2 += (w[i] - lambda * v[i]) ** 2;
    residual = Math.sqrt(r2);
    if (opts.tol !== null && (residual <= opts.tol * Math.abs(lambda) || residual === 0)) {
      converged = true;
      break;
    }
    if (!normalize(w)) break;
    v = w;
  }
  return { eigenvalue: lambda, vector: v, residual, converged, matvecs };
}
