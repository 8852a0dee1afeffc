/**
 * Unit directions: the pricing ratio R is 0-homogeneous (docs/math.md#convex-flattest, §10), so every
 * direction the solver handles lives on the sphere. One home for the normalizations the pricing files share.
 */
import type { PricingData } from './pricing.js';

/** Scale the d entries of v from offset o to unit length in place; false (v untouched) when v is 0 or not finite. */
export function normalizeAt(v: Float64Array, o = 0, d = v.length - o): boolean {
  let s = 0;
  for (let k = 0; k < d; k++) s += v[o + k] * v[o + k];
  if (!(s > 0) || !Number.isFinite(s)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < d; k++) v[o + k] *= inv;
  return true;
}

/** v/‖v‖ as a new array, or null when v is 0 or not finite. */
export function unit(v: Float64Array): Float64Array | null {
  const u = v.slice();
  return normalizeAt(u) ? u : null;
}

/** ±x_i/‖x_i‖ (only +x_i/‖x_i‖ when `oneSign`, e.g. for an even σ, where ± give the same feature). */
export function signedDataDirections(pd: PricingData, oneSign: boolean): Float64Array[] {
  const { n, d, X } = pd;
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const u = unit(X.slice(i * d, (i + 1) * d));
    if (!u) continue;
    out.push(u);
    if (!oneSign) out.push(u.map((x) => -x));
  }
  return out;
}

/** Indices of the directions kept when duplicates (cosine > 1 − 1e-10; for an even σ also < −1 + 1e-10) are removed, first kept. */
export function dedupeIndices(dirs: readonly Float64Array[], even: boolean): number[] {
  const kept: number[] = [];
  dirs.forEach((v, i) => {
    for (const j of kept) {
      const w = dirs[j];
      let c = 0;
      for (let k = 0; k < v.length; k++) c += v[k] * w[k];
      if (c > 1 - 1e-10 || (even && c < -1 + 1e-10)) return;
    }
    kept.push(i);
  });
  return kept;
}

/** The directions with duplicates removed (see dedupeIndices). */
export function dedupe(dirs: readonly Float64Array[], even: boolean): Float64Array[] {
  return dedupeIndices(dirs, even).map((i) => dirs[i]);
}
