/**
 * ρ(λ) = sup over the whole sphere of R(v) = |Σ_i λ_i σ(vᵀx_i)| / g(v) (docs/math.md#convex-flattest, §10), where it can
 * be computed rather than estimated:
 *
 * - d = 2, exactly. The activation pattern is constant on the 2n arcs between the angles where
 *   vᵀx_i = 0. On an arc, σ(vᵀx_i) = c_i vᵀx_i, so R(v) = |vᵀa| / (2 √T √(vᵀMv)) with a = Σ λ_i c_i x_i,
 *   M = (1/n) Σ c_i² x_i x_iᵀ, T = (1/n) Σ c_i² q_i fixed. The ratio (vᵀa)²/(vᵀMv) of two quadratic
 *   forms is stationary on the circle only at v ∝ ±M⁻¹a (its maximum) and v ⊥ a (zero), so the sup over
 *   the closed arc is at an end or at ±M⁻¹a if that lies inside: a finite enumeration. At the ends the
 *   arc's own pattern is used (the one-sided limit); T jumps there, and the sup is the larger limit.
 * - d = 3, by a Fibonacci grid of the sphere followed by projected ascent from its best points.
 */
import type { Activation } from '../../model/activations.js';
import { batchAscend, batchRatios } from './batch-ascent.js';
import { evalDirection, type PricingData } from './pricing.js';

/** σ(t) = c₊ t for t > 0 and c₋ t for t < 0 (1-homogeneous activations). */
export function slopes(act: Activation): { cp: number; cm: number } {
  return { cp: act.d1(1), cm: act.d1(-1) };
}

export interface SupCandidate {
  /** A unit direction, nudged into the arc/cell that attains the value (so σ′ there is unambiguous). */
  v: Float64Array;
  /** R at v as evaluated with the activation (≤ the sup it approaches). */
  ratio: number;
}

export interface SphereSup {
  /** ρ(λ): the sup of R over the sphere (exact for d = 2; grid + refinement for d = 3). */
  rho: number;
  /** The best directions found (one per arc or refined grid point), best first. */
  best: SupCandidate[];
  method: 'exact-arcs' | 'grid-refined';
  /** Arcs enumerated (d = 2) or grid points evaluated (d = 3). */
  evaluated: number;
}

function arcValue(a0: number, a1: number, m00: number, m01: number, m11: number, T: number, th: number): number {
  const c = Math.cos(th);
  const s = Math.sin(th);
  const va = c * a0 + s * a1;
  const vmv = c * c * m00 + 2 * c * s * m01 + s * s * m11;
  if (!(vmv > 0) || !(T > 0)) return 0;
  return Math.abs(va) / (2 * Math.sqrt(T) * Math.sqrt(vmv));
}

/** Exact ρ(λ) in d = 2 by enumerating the 2n arcs of constant activation pattern. */
export function exactSup2d(act: Activation, data: PricingData, lambda: Float64Array, keep = 32): SphereSup {
  const { n, X, q } = data;
  if (data.d !== 2) throw new Error('exactSup2d: needs d = 2');
  const { cp, cm } = slopes(act);
  const TWO_PI = 2 * Math.PI;
  const wrap = (t: number): number => ((t % TWO_PI) + TWO_PI) % TWO_PI;
  const br: number[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = X[2 * i];
    const x1 = X[2 * i + 1];
    if (x0 === 0 && x1 === 0) continue;
    const phi = Math.atan2(x1, x0);
    br.push(wrap(phi + Math.PI / 2), wrap(phi - Math.PI / 2));
  }
  br.sort((u, w) => u - w);
  const arcs: { lo: number; hi: number }[] = [];
  if (br.length === 0) arcs.push({ lo: 0, hi: TWO_PI });
  for (let b = 0; b < br.length; b++) {
    const lo = br[b];
    const hi = b + 1 < br.length ? br[b + 1] : br[0] + TWO_PI;
    if (hi - lo > 0) arcs.push({ lo, hi });
  }
  let rho = 0;
  const found: { th: number; value: number }[] = [];
  for (const { lo, hi } of arcs) {
    const mid = 0.5 * (lo + hi);
    const cmid = Math.cos(mid);
    const smid = Math.sin(mid);
    let a0 = 0;
    let a1 = 0;
    let m00 = 0;
    let m01 = 0;
    let m11 = 0;
    let T = 0;
    for (let i = 0; i < n; i++) {
      const x0 = X[2 * i];
      const x1 = X[2 * i + 1];
      const z = cmid * x0 + smid * x1;
      const c = z > 0 ? cp : z < 0 ? cm : 0;
      if (c === 0) continue;
      a0 += lambda[i] * c * x0;
      a1 += lambda[i] * c * x1;
      const c2 = (c * c) / n;
      m00 += c2 * x0 * x0;
      m01 += c2 * x0 * x1;
      m11 += c2 * x1 * x1;
      T += c2 * q[i];
    }
    const cands = [lo, hi];
    const det = m00 * m11 - m01 * m01;
    if (det > 1e-14 * (m00 * m11 + 1e-300)) {
      const u0 = (m11 * a0 - m01 * a1) / det;
      const u1 = (m00 * a1 - m01 * a0) / det;
      for (const sgn of [1, -1]) {
        let th = wrap(Math.atan2(sgn * u1, sgn * u0));
        if (th < lo) th += TWO_PI;
        if (th > lo && th < hi) cands.push(th);
      }
    } else {
      cands.push(mid);
    }
    let bestTh = mid;
    let bestVal = -1;
    for (const th of cands) {
      const val = arcValue(a0, a1, m00, m01, m11, T, th);
      if (val > bestVal) {
        bestVal = val;
        bestTh = th;
      }
    }
    // Keep the maximizer strictly inside the arc so the activation pattern at v is the arc's.
    const delta = Math.min(1e-9, 0.25 * (hi - lo));
    bestTh = Math.min(Math.max(bestTh, lo + delta), hi - delta);
    if (bestVal > rho) rho = bestVal;
    found.push({ th: bestTh, value: bestVal });
  }
  found.sort((u, w) => w.value - u.value);
  const best: SupCandidate[] = [];
  for (const f of found.slice(0, keep)) {
    const v = new Float64Array([Math.cos(f.th), Math.sin(f.th)]);
    best.push({ v, ratio: evalDirection(act, data, lambda, v).ratio });
  }
  return { rho, best, method: 'exact-arcs', evaluated: arcs.length };
}

/** G points spread evenly over S² (the Fibonacci lattice), row-major G×3. */
export function fibonacciSphere(G: number): Float64Array {
  const V = new Float64Array(G * 3);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let k = 0; k < G; k++) {
    const z = 1 - (2 * k + 1) / G;
    const r = Math.sqrt(Math.max(0, 1 - z * z));
    const t = golden * k;
    V[3 * k] = r * Math.cos(t);
    V[3 * k + 1] = r * Math.sin(t);
    V[3 * k + 2] = z;
  }
  return V;
}

/** Mean spacing (radians) of the Fibonacci grid of G points: the area 4π/G per point. */
export function gridSpacing(G: number): number {
  return Math.sqrt((4 * Math.PI) / G);
}

/** ρ(λ) in d = 3: R on a Fibonacci grid of G points, then ascent from the `refine` best. */
export function gridSup3d(
  act: Activation,
  data: PricingData,
  lambda: Float64Array,
  G: number,
  refine = 48,
  keep = 32,
): SphereSup {
  if (data.d !== 3) throw new Error('gridSup3d: needs d = 3');
  const grid = fibonacciSphere(G);
  const chunk = 4096;
  const top: { k: number; ratio: number }[] = [];
  for (let k0 = 0; k0 < G; k0 += chunk) {
    const K = Math.min(chunk, G - k0);
    const { ratio } = batchRatios(act, data, lambda, grid.subarray(3 * k0, 3 * (k0 + K)), K);
    for (let k = 0; k < K; k++) {
      if (top.length < refine || ratio[k] > top[top.length - 1].ratio) {
        top.push({ k: k0 + k, ratio: ratio[k] });
        top.sort((u, w) => w.ratio - u.ratio);
        if (top.length > refine) top.pop();
      }
    }
  }
  const starts = new Float64Array(top.length * 3);
  top.forEach((t, s) => {
    starts.set(grid.subarray(3 * t.k, 3 * t.k + 3), 3 * s);
  });
  const asc = batchAscend(act, data, lambda, starts, top.length, { iters: 200 });
  const best: SupCandidate[] = [];
  let rho = 0;
  top.forEach((t, s) => {
    rho = Math.max(rho, asc.ratio[s], t.ratio);
    best.push({ v: asc.V.slice(3 * s, 3 * s + 3), ratio: asc.ratio[s] });
  });
  best.sort((u, w) => w.ratio - u.ratio);
  return { rho, best: best.slice(0, keep), method: 'grid-refined', evaluated: G };
}
