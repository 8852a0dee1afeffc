/**
 * ρ(λ) exactly by visiting every cell of the data's hyperplane arrangement, where there are few enough
 * (docs/math.md#exact-cell-pricing). n hyperplanes through 0 in general position cut R^d into
 * 2 Σ_{j<d} C(n − 1, j) cones. When X has rank d every cone is pointed, so each has an extreme ray, and a
 * ray is the intersection of d − 1 of the hyperplanes; around the ray of the samples S, every one of the
 * 2^{d−1} sign choices on S is a cell, and the other samples keep the ray's signs. So the cells are found
 * by enumerating the (d − 1)-subsets, and ρ(λ) = max over cells of the exact cell optimum (cell-pricing.ts).
 * The count is taken first: above the limit nothing is enumerated, and a data set that is not in general
 * position (a ray on a further hyperplane, or fewer cells than the count) is reported as such, as is a
 * cell whose solve ended outside it (then ρ is not certain).
 */
import type { Activation } from '../../model/activations.js';
import { type CellOptimum, cellOptimum, cellSlopes, pushInto, RIDGE } from './cell-pricing.js';
import type { PricingData } from './pricing.js';

/** Cells at most for an exhaustive enumeration. */
export const CELL_ENUMERATION_LIMIT = 20_000;

/** 2 Σ_{j<d} C(n − 1, j): the cells of n central hyperplanes in general position in R^d (may exceed 2^53). */
export function arrangementCells(n: number, d: number): number {
  let c = 1;
  let sum = 0;
  for (let j = 0; j < d && j <= n - 1; j++) {
    sum += c;
    c = (c * (n - 1 - j)) / (j + 1);
  }
  return 2 * sum;
}

export type EnumerationOutcome =
  | { kind: 'exact'; rho: number; cells: number; best: Float64Array | null }
  | { kind: 'too-many'; cells: number; limit: number }
  | { kind: 'degenerate'; cells: number }
  | { kind: 'inexact'; cells: number };

/** The null vector (unit) of the (d − 1)×d rows of X indexed by S, or null when they are dependent. */
function rayOf(X: Float64Array, d: number, S: readonly number[]): Float64Array | null {
  const r = S.length;
  const A = new Float64Array(r * d);
  S.forEach((i, a) => {
    A.set(X.subarray(i * d, (i + 1) * d), a * d);
  });
  const pivCol: number[] = [];
  const used = new Uint8Array(d);
  for (let a = 0; a < r; a++) {
    let best = -1;
    let bv = 0;
    for (let k = 0; k < d; k++) {
      if (!used[k] && Math.abs(A[a * d + k]) > bv) {
        bv = Math.abs(A[a * d + k]);
        best = k;
      }
    }
    if (best < 0 || bv < 1e-12) return null;
    used[best] = 1;
    pivCol.push(best);
    for (let b = 0; b < r; b++) {
      if (b === a) continue;
      const f = A[b * d + best] / A[a * d + best];
      if (f !== 0) for (let k = 0; k < d; k++) A[b * d + k] -= f * A[a * d + k];
    }
  }
  const free = Array.from(used.keys()).find((k) => !used[k]) ?? -1;
  if (free < 0) return null;
  const v = new Float64Array(d);
  v[free] = 1;
  pivCol.forEach((k, a) => {
    v[k] = -A[a * d + free] / A[a * d + k];
  });
  let s = 0;
  for (let k = 0; k < d; k++) s += v[k] * v[k];
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < d; k++) v[k] *= inv;
  return v;
}

/** Every cell's side vector, or a degenerate outcome. */
function cellSides(pd: PricingData): Int8Array[] | null {
  const { n, d, X } = pd;
  const r = d - 1;
  const xn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] ** 2;
    xn[i] = Math.sqrt(s);
  }
  const seen = new Set<string>();
  const out: Int8Array[] = [];
  const S = Array.from({ length: r }, (_, a) => a);
  const z = new Float64Array(n);
  const inS = new Uint8Array(n);
  for (;;) {
    const v = rayOf(X, d, S);
    if (!v) return null;
    for (const i of S) inS[i] = 1;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += X[i * d + k] * v[k];
      z[i] = t;
      if (!inS[i] && Math.abs(t) <= 1e-10 * xn[i]) return null;
    }
    for (const sgn of [1, -1]) {
      for (let mask = 0; mask < 1 << r; mask++) {
        const side = new Int8Array(n);
        for (let i = 0; i < n; i++) side[i] = sgn * z[i] > 0 ? 1 : -1;
        S.forEach((i, a) => {
          side[i] = mask & (1 << a) ? 1 : -1;
        });
        const key = side.join('');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(side);
      }
    }
    for (const i of S) inS[i] = 0;
    // Next (d − 1)-subset in lexicographic order.
    let a = r - 1;
    while (a >= 0 && S[a] === n - r + a) a--;
    if (a < 0) break;
    S[a]++;
    for (let b = a + 1; b < r; b++) S[b] = S[b - 1] + 1;
  }
  return out;
}

/**
 * ρ(λ) over the whole sphere by cell enumeration (with `best`, a direction inside the best cell, next to
 * its optimum) when the arrangement has at most `limit` cells (d ≥ 2,
 * n ≥ d); otherwise says why not. The sup over each closed cell uses that cell's own slopes (the
 * one-sided limits at its boundary, as the d = 2 arc enumeration does).
 */
export function enumeratedSup(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  limit = CELL_ENUMERATION_LIMIT,
): EnumerationOutcome {
  const { n, d } = pd;
  const cells = arrangementCells(n, d);
  if (cells > limit) return { kind: 'too-many', cells, limit };
  if (n < d || d < 2) return { kind: 'degenerate', cells };
  const sides = cellSides(pd);
  if (!sides || sides.length !== cells) return { kind: 'degenerate', cells };
  const sl = cellSlopes(act);
  let rho = 0;
  let arg: { c: CellOptimum; side: Int8Array } | null = null;
  for (const side of sides) {
    const c = cellOptimum(pd, sl, lambda, side);
    if (c && !c.exact) return { kind: 'inexact', cells };
    if (c && c.value > rho) {
      rho = c.value;
      arg = { c, side };
    }
  }
  const best = arg ? pushInto(pd, arg.c.u, arg.side, arg.c.active, null) : null;
  // The cell solves carry a relative ridge (cell-pricing.ts#RIDGE): ρ is raised by ten times it, so the
  // bound λᵀy/ρ stays a bound.
  return { kind: 'exact', rho: rho * (1 + 10 * RIDGE), cells, best };
}
