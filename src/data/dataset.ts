/**
 * The data set as every core function sees it: n inputs of dimension d (row-major n×d) and n labels.
 * `target` describes the teacher f* when the data were generated (absent for imported data, in which
 * case population risk is unavailable rather than guessed).
 */
import type { TargetSpec } from './target.js';

/**
 * A data set: n rows x_i ∈ R^d (X, row-major n×d) with labels y, and, for generated data, the target
 * f* and seed that produced it (imported data have neither, so the population risk is unavailable).
 */
export interface Dataset {
  readonly d: number;
  readonly n: number;
  /** Inputs, row-major n×d. */
  readonly X: Float64Array;
  /** Labels y_i = f*(x_i) + ε_i. */
  readonly y: Float64Array;
  readonly target?: TargetSpec;
  readonly seed?: number;
}

const normsCache = new WeakMap<Float64Array, Float64Array>();

/** q_i = ‖x_i‖², cached per input array (the arrays are never mutated after construction). */
export function squaredNorms(data: Pick<Dataset, 'X' | 'n' | 'd'>): Float64Array {
  let q = normsCache.get(data.X);
  if (!q || q.length !== data.n) {
    q = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) {
      let s = 0;
      const o = i * data.d;
      for (let k = 0; k < data.d; k++) s += data.X[o + k] * data.X[o + k];
      q[i] = s;
    }
    normsCache.set(data.X, q);
  }
  return q;
}
