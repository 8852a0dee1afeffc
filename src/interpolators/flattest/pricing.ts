/**
 * Pricing for the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10): for a dual
 * vector λ, the ratio R(v) = |Σ_i λ_i σ(vᵀx_i)| / g(v) over unit directions v, with
 *   g(v) = 2 √( (1/n) Σ_i σ(vᵀx_i)² · (1/n) Σ_i σ′(vᵀx_i)² q_i ),   q_i = ‖x_i‖²,
 * the per-unit-mass F* of a neuron with direction v. ρ(λ) = sup_v R(v) gives the weak-duality bound
 * F_min ≥ λᵀy / ρ(λ); a direction with R(v) > 1 is a column that lowers the dictionary LP.
 *
 * R is 0-homogeneous, so ascent runs on the sphere. Within one activation pattern (signs of vᵀx_i fixed)
 * σ(vᵀx_i) = c_i vᵀx_i with c_i ∈ {c₊, c₋}, hence Σλ_iσ = vᵀa_P, Σσ²/n = vᵀM_P v and Σσ′²q/n = T_P is
 * constant: ∇ log R = a_P/(vᵀa_P) − M_P v/(vᵀM_P v). The ascent uses that gradient with a backtracking
 * line search on R itself (which also handles the jumps of T_P across pattern boundaries).
 */
import { getBackend } from '../../linalg/backend.js';
import type { Activation } from '../../model/activations.js';

/** The pieces of the data the pricing needs (X row-major n×d, q_i = ‖x_i‖²). */
export interface PricingData {
  readonly n: number;
  readonly d: number;
  readonly X: Float64Array;
  readonly q: Float64Array;
}

/** g(v) for unit v, and the ratio R(v) for a λ (0 where g = 0: such a direction represents nothing). */
export function directionCost(act: Activation, data: PricingData, v: Float64Array): number {
  return evalDirection(act, data, null, v).g;
}

/** x_iᵀv for the row of X starting at offset o. */
function rowDot(X: Float64Array, o: number, v: Float64Array): number {
  let z = 0;
  for (let k = 0; k < v.length; k++) z += X[o + k] * v[k];
  return z;
}

export interface DirectionEval {
  /** Σ_i λ_i σ(vᵀx_i) (0 when λ is null). */
  num: number;
  g: number;
  ratio: number;
}

export function evalDirection(
  act: Activation,
  data: PricingData,
  lambda: Float64Array | null,
  v: Float64Array,
): DirectionEval {
  const { n, d, X, q } = data;
  let num = 0;
  let s = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const z = rowDot(X, i * d, v);
    const f = act.f(z);
    const f1 = act.d1(z);
    if (lambda) num += lambda[i] * f;
    s += f * f;
    t += f1 * f1 * q[i];
  }
  const g = 2 * Math.sqrt((s / n) * (t / n));
  return { num, g, ratio: g > 0 ? Math.abs(num) / g : 0 };
}

/**
 * Ratios of K candidate unit directions V (row-major K×d) at once: one GEMM Z = X Vᵀ, then per column
 * Σλσ, Σσ², Σσ′²q. Used to rank many starts cheaply.
 */
export function batchRatios(
  act: Activation,
  data: PricingData,
  lambda: Float64Array,
  V: Float64Array,
  K: number,
): { ratio: Float64Array; g: Float64Array } {
  const be = getBackend();
  const { n, d, X, q } = data;
  const ratio = new Float64Array(K);
  const g = new Float64Array(K);
  const num = new Float64Array(K);
  const s2 = new Float64Array(K);
  const t2 = new Float64Array(K);
  // Row blocks of Z keep memory at O(block · K).
  const blk = Math.max(1, Math.min(n, Math.floor((1 << 20) / Math.max(1, K))));
  const Z = new Float64Array(blk * K);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    be.gemm(false, true, rows, K, d, 1, X.subarray(i0 * d, (i0 + rows) * d), V, 0, Z);
    for (let i = 0; i < rows; i++) {
      const li = lambda[i0 + i];
      const qi = q[i0 + i];
      const o = i * K;
      for (let k = 0; k < K; k++) {
        const z = Z[o + k];
        const f = act.f(z);
        const f1 = act.d1(z);
        num[k] += li * f;
        s2[k] += f * f;
        t2[k] += f1 * f1 * qi;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    g[k] = 2 * Math.sqrt((s2[k] / n) * (t2[k] / n));
    ratio[k] = g[k] > 0 ? Math.abs(num[k]) / g[k] : 0;
  }
  return { ratio, g };
}

function normalize(v: Float64Array): boolean {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  if (!(s > 0) || !Number.isFinite(s)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < v.length; k++) v[k] *= inv;
  return true;
}

/** Projected gradient of log R at unit v (tangent to the sphere), or null where R = 0. */
function logRatioGradient(
  act: Activation,
  data: PricingData,
  lambda: Float64Array,
  v: Float64Array,
): Float64Array | null {
  const { n, d, X } = data;
  const gn = new Float64Array(d);
  const gs = new Float64Array(d);
  let num = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const z = rowDot(X, o, v);
    const f = act.f(z);
    const f1 = act.d1(z);
    num += lambda[i] * f;
    s += f * f;
    const cn = lambda[i] * f1;
    const cs = f * f1;
    if (cn !== 0 || cs !== 0) {
      for (let k = 0; k < d; k++) {
        gn[k] += cn * X[o + k];
        gs[k] += cs * X[o + k];
      }
    }
  }
  if (num === 0 || s === 0) return null;
  // ∇ log|N| − ½ ∇ log S (T is locally constant), then remove the radial part.
  const grad = new Float64Array(d);
  let radial = 0;
  for (let k = 0; k < d; k++) {
    grad[k] = gn[k] / num - gs[k] / s;
    radial += grad[k] * v[k];
  }
  for (let k = 0; k < d; k++) grad[k] -= radial * v[k];
  return grad;
}

export interface AscentResult {
  v: Float64Array;
  ratio: number;
  iterations: number;
}

/**
 * Projected gradient ascent of R from unit v0: steps along the tangent gradient of log R, then back to
 * the sphere, with an adaptive step (grown after a success, halved until R increases). Stops when no
 * step of length ≥ 1e-12 increases R or after maxIter iterations.
 */
export function ascend(
  act: Activation,
  data: PricingData,
  lambda: Float64Array,
  v0: Float64Array,
  maxIter = 60,
  maxJumps = 4,
): AscentResult {
  const d = data.d;
  let v: Float64Array = v0.slice();
  let r = evalDirection(act, data, lambda, v).ratio;
  let step = 0.2;
  let it = 0;
  let jumps = 0;
  const cand = new Float64Array(d);
  for (; it < maxIter; it++) {
    // The maximizer of R within v's activation pattern, v ∝ M_P⁻¹ a_P (exact if it stays in the cell):
    // a long, often decisive step; the gradient step below is the fallback.
    // A jump costs O(n d²) against O(n d) for a gradient step: a few per ascent.
    const jump = jumps < maxJumps ? cellOptimum(act, data, lambda, v) : null;
    jumps++;
    if (jump) {
      // ±u have the same |vᵀa_P| but different cells: keep the better.
      const neg = jump.map((x) => -x);
      const rp = evalDirection(act, data, lambda, jump).ratio;
      const rn = evalDirection(act, data, lambda, neg).ratio;
      const rj = Math.max(rp, rn);
      if (rj > r * (1 + 1e-12)) {
        v = rp >= rn ? jump : neg;
        r = rj;
        continue;
      }
    }
    const grad = logRatioGradient(act, data, lambda, v);
    if (!grad) break;
    let gnorm = 0;
    for (let k = 0; k < d; k++) gnorm += grad[k] * grad[k];
    gnorm = Math.sqrt(gnorm);
    if (!(gnorm > 1e-14)) break;
    let improved = false;
    // The step is an angle: move by `step` radians along the unit tangent direction (at most π/4).
    step = Math.min(step, Math.PI / 4);
    while (step > 1e-12) {
      for (let k = 0; k < d; k++) cand[k] = v[k] + Math.tan(step) * (grad[k] / gnorm);
      if (!normalize(cand)) break;
      const rc = evalDirection(act, data, lambda, cand).ratio;
      if (rc > r) {
        v = cand.slice();
        const rel = (rc - r) / rc;
        r = rc;
        improved = true;
        step *= 1.6;
        if (rel < 1e-12) it = maxIter;
        break;
      }
      step *= 0.35;
    }
    if (!improved) break;
  }
  return { v, ratio: r, iterations: it };
}

/**
 * v ∝ M_P⁻¹ a_P for the activation pattern P of v: a_P = Σ λ_i c_i x_i, M_P = Σ c_i² x_i x_iᵀ (with c_i the
 * slope of σ on x_i's side); the global maximizer of |vᵀa_P|/√(vᵀM_P v). Null when M_P is singular.
 */
export function cellOptimum(
  act: Activation,
  data: PricingData,
  lambda: Float64Array,
  v: Float64Array,
): Float64Array | null {
  const { n, d, X } = data;
  const M = new Float64Array(d * d);
  const a = new Float64Array(d);
  const cp = act.d1(1);
  const cm = act.d1(-1);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let z = 0;
    for (let k = 0; k < d; k++) z += X[o + k] * v[k];
    const c = z > 0 ? cp : z < 0 ? cm : 0;
    if (c === 0) continue;
    const lc = lambda[i] * c;
    const c2 = c * c;
    for (let k = 0; k < d; k++) {
      a[k] += lc * X[o + k];
      const xk = c2 * X[o + k];
      for (let l = 0; l <= k; l++) M[k * d + l] += xk * X[o + l];
    }
  }
  // Cholesky of the symmetric M (lower triangle), with a relative ridge for near-singular patterns.
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
  const u = a.slice();
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
  return normalize(u) ? u : null;
}
