/**
 * Level-1 dense-vector helpers on Float64Array (no allocation). They live in linalg so that every layer
 * above — the estimators in measures, the SAM steps in training — shares one definition of ‖x‖₂.
 */

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** ‖x‖₂, summed in index order (the same bits wherever it is called). */
export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** y ← y + alpha x. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

export function scale(alpha: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}
