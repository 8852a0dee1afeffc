/**
 * Exact pricing on one cell of the data's hyperplane arrangement, and walks from cell to cell
 * (docs/math.md#exact-cell-pricing). For a 1-homogeneous σ with slopes c₊ (t > 0) and c₋ (t < 0), a
 * side vector s ∈ {±1}ⁿ fixes the cell K_s = {u : s_i x_iᵀu ≥ 0}; on it σ(x_iᵀu) = w_i x_iᵀu with
 * w_i = c₊ or c₋, so with A = diag(w) X and T = Σ w_i² q_i
 *
 *   R(u) = n |λᵀA u| / (2 √T ‖A u‖),
 *
 * and sup over the closed cell of ±λᵀAu/‖Au‖ is ‖Π_{A K_s}(±λ)‖: the cone-constrained least squares
 * min ‖A u ∓ λ‖² over u ∈ K_s (d unknowns, n constraints), solved exactly here through its dual, a
 * non-negative least-squares problem in the multipliers (Lawson–Hanson). At the optimum the active
 * constraints name the neighbouring cells: a sample with x_iᵀu* = 0 on its c₊ side can move to its c₋
 * side without changing the numerator or ‖Au*‖ while T does not grow (it falls for relu and leaky relu),
 * so that neighbour is at least as good; a sample on its c₋ side is a move to try.
 *
 * Everything here is plain loops in a fixed order (no backend GEMM): the walk branches on comparisons,
 * and the same data must give the same walk on every backend.
 */
import type { Activation } from '../../model/activations.js';
import { evalDirection, type PricingData } from './pricing.js';
import { normalizeAt } from './sphere.js';

export interface CellOptimum {
  /** Unit maximizer over the closed cell (possibly on its boundary) and the sup of R there. */
  u: Float64Array;
  value: number;
  /** Samples whose constraints are active at u (multiplier > 0, or x_iᵀu = 0 to rounding), largest multiplier first. */
  active: number[];
  /**
   * False when the solve for one sign of the numerator ended outside the cell (rounding in a
   * rank-deficient cell, e.g. fewer relu-active samples than d): `value` is then only the other sign's.
   */
  exact: boolean;
}

/** A cell optimum must satisfy s_i x_iᵀu ≥ −FEASIBLE ‖x_i‖ (u unit); else the solve failed. */
const FEASIBLE = 1e-8;
const FEASIBLE_ACTIVE = 1e-5;

/**
 * Relative ridge ε·tr(Q)/d on Q = AᵀA: it keeps rank-deficient cells (fewer relu-active samples than d)
 * solvable in the whitened coordinates; with 1e-10, 4 of 3,000 such cells' solves (n = 14, d = 4) ended
 * outside the cell. The optimum then misses the cell's sup by about ε relatively.
 */
export const RIDGE = 1e-7;

/** The side of every sample for direction v: +1 where x_iᵀv > 0, else −1. */
export function sidesOf(pd: PricingData, v: Float64Array): Int8Array {
  const { n, d, X } = pd;
  const s = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let k = 0; k < d; k++) z += X[i * d + k] * v[k];
    s[i] = z > 0 ? 1 : -1;
  }
  return s;
}

/** In-place lower Cholesky of the d×d matrix M (lower triangle read); false when not positive definite. */
function cholesky(M: Float64Array, d: number): boolean {
  for (let k = 0; k < d; k++) {
    for (let l = 0; l <= k; l++) {
      let s = M[k * d + l];
      for (let p = 0; p < l; p++) s -= M[k * d + p] * M[l * d + p];
      if (k === l) {
        if (!(s > 0)) return false;
        M[k * d + k] = Math.sqrt(s);
      } else M[k * d + l] = s / M[l * d + l];
    }
  }
  return true;
}

/** x ← L⁻¹ x (forward substitution) on x[o .. o + d). */
function forward(L: Float64Array, d: number, x: Float64Array, o = 0): void {
  for (let k = 0; k < d; k++) {
    let s = x[o + k];
    for (let p = 0; p < k; p++) s -= L[k * d + p] * x[o + p];
    x[o + k] = s / L[k * d + k];
  }
}

/** x ← L⁻ᵀ x (back substitution). */
function backward(L: Float64Array, d: number, x: Float64Array): void {
  for (let k = d - 1; k >= 0; k--) {
    let s = x[k];
    for (let p = k + 1; p < d; p++) s -= L[p * d + k] * x[p];
    x[k] = s / L[k * d + k];
  }
}

/**
 * Solve the small SPD system G z = h (p×p, row-major, overwritten) with a relative ridge; null when it
 * cannot be factored.
 */
function solveSmall(G: Float64Array, p: number, h: Float64Array): Float64Array | null {
  let tr = 0;
  for (let k = 0; k < p; k++) tr += G[k * p + k];
  for (let k = 0; k < p; k++) G[k * p + k] += 1e-13 * (tr / p) + 1e-300;
  if (!cholesky(G, p)) return null;
  const z = h.slice(0, p);
  forward(G, p, z);
  backward(G, p, z);
  return z;
}

/**
 * min ‖Σ_a z_a e_{P[a]} − t‖ by Gram–Schmidt QR of the |P| columns (twice, for orthogonality to rounding),
 * so the conditioning is that of E_P, not of its Gram matrix; null when the columns are dependent.
 */
function passiveLeastSquares(E: Float64Array, d: number, P: readonly number[], t: Float64Array): Float64Array | null {
  const p = P.length;
  const Qc = new Float64Array(p * d);
  const R = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    const q = Qc.subarray(a * d, (a + 1) * d);
    q.set(E.subarray(P[a] * d, (P[a] + 1) * d));
    let n0 = 0;
    for (let k = 0; k < d; k++) n0 += q[k] * q[k];
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        let c = 0;
        for (let k = 0; k < d; k++) c += Qc[b * d + k] * q[k];
        R[b * p + a] += c;
        for (let k = 0; k < d; k++) q[k] -= c * Qc[b * d + k];
      }
    }
    let nq = 0;
    for (let k = 0; k < d; k++) nq += q[k] * q[k];
    if (!(nq > 1e-24 * n0)) return null;
    nq = Math.sqrt(nq);
    R[a * p + a] = nq;
    for (let k = 0; k < d; k++) q[k] /= nq;
  }
  const z = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let c = 0;
    for (let k = 0; k < d; k++) c += Qc[a * d + k] * t[k];
    z[a] = c;
  }
  for (let a = p - 1; a >= 0; a--) {
    let c = z[a];
    for (let b = a + 1; b < p; b++) c -= R[a * p + b] * z[b];
    z[a] = c / R[a * p + a];
  }
  return z;
}

/**
 * Lawson–Hanson non-negative least squares min_{μ ≥ 0} ‖Σ_i μ_i e_i − t‖ for n columns e_i ∈ R^d (rows
 * of E). Returns μ (dense) and its passive set. Iterations are capped (3d + 30 outer steps): the passive
 * set of a cell optimum holds fewer than d samples. A column that cannot enter (dependent on the passive
 * set, or leaving at once by rounding) is skipped until the passive set changes.
 */
function nnls(
  E: Float64Array,
  en: Float64Array,
  n: number,
  d: number,
  t: Float64Array,
): { mu: Float64Array; P: number[] } {
  const mu = new Float64Array(n);
  const inP = new Uint8Array(n);
  const banned = new Uint8Array(n);
  let P: number[] = [];
  const res = t.slice();
  let tn = 0;
  for (let k = 0; k < d; k++) tn += t[k] * t[k];
  tn = Math.sqrt(tn);
  for (let outer = 0; outer < 3 * d + 30 && P.length < d; outer++) {
    // The residual's rounding scales with the largest term of Σ μ_i e_i, not only with ‖t‖.
    let scale = tn;
    for (const i of P) scale = Math.max(scale, mu[i] * en[i]);
    const tol = 1e-11 * scale;
    let best = -1;
    let bw = 0;
    for (let i = 0; i < n; i++) {
      if (inP[i] || banned[i] || en[i] === 0) continue;
      let w = 0;
      for (let k = 0; k < d; k++) w += E[i * d + k] * res[k];
      if (w > tol * en[i] && w / en[i] > bw) {
        bw = w / en[i];
        best = i;
      }
    }
    if (best < 0) break;
    P.push(best);
    inP[best] = 1;
    let changed = false;
    for (let inner = 0; inner < 3 * d + 30 && P.length > 0; inner++) {
      const z = passiveLeastSquares(E, d, P, t);
      const last = P.length - 1;
      if (!z || (inner === 0 && !(z[last] > 0))) {
        // The entering column is dependent or would leave at once: skip it for now.
        inP[best] = 0;
        banned[best] = 1;
        P = P.slice(0, last);
        break;
      }
      changed = true;
      let allPos = true;
      for (let a = 0; a < P.length; a++) if (!(z[a] > 0)) allPos = false;
      if (allPos) {
        P.forEach((i, a) => {
          mu[i] = z[a];
        });
        break;
      }
      let alpha = 1;
      let blocking = -1;
      P.forEach((i, a) => {
        if (!(z[a] > 0) && mu[i] / (mu[i] - z[a]) <= alpha) {
          alpha = mu[i] / (mu[i] - z[a]);
          blocking = i;
        }
      });
      P.forEach((i, a) => {
        mu[i] += alpha * (z[a] - mu[i]);
      });
      // The blocking variable leaves exactly (rounding would leave a denormal in the passive set).
      if (blocking >= 0) mu[blocking] = 0;
      P = P.filter((i) => {
        if (mu[i] > 0) return true;
        mu[i] = 0;
        inP[i] = 0;
        return false;
      });
    }
    if (changed) banned.fill(0);
    res.set(t);
    for (const i of P) for (let k = 0; k < d; k++) res[k] -= mu[i] * E[i * d + k];
  }
  return { mu, P };
}

/** The slopes c₊, c₋ of a 1-homogeneous activation. */
export function cellSlopes(act: Activation): { cp: number; cm: number } {
  return { cp: act.d1(1), cm: act.d1(-1) };
}

/**
 * The exact sup of R over the closed cell K_s (both signs of the numerator), or null when the cell
 * carries no feature (T = 0 or A = 0).
 */
export function cellOptimum(
  pd: PricingData,
  slopes: { cp: number; cm: number },
  lambda: Float64Array,
  side: Int8Array,
): CellOptimum | null {
  const { n, d, X, q } = pd;
  const { cp, cm } = slopes;
  const Q = new Float64Array(d * d);
  const b = new Float64Array(d);
  let T = 0;
  for (let i = 0; i < n; i++) {
    const w = side[i] > 0 ? cp : cm;
    if (w === 0) continue;
    T += w * w * q[i];
    const o = i * d;
    const w2 = w * w;
    const lw = lambda[i] * w;
    for (let k = 0; k < d; k++) {
      const xk = X[o + k];
      b[k] += lw * xk;
      const xw = w2 * xk;
      for (let l = 0; l <= k; l++) Q[k * d + l] += xw * X[o + l];
    }
  }
  let tr = 0;
  for (let k = 0; k < d; k++) tr += Q[k * d + k];
  if (!(T > 0) || !(tr > 0)) return null;
  // A relative ridge keeps rank-deficient cells (fewer active samples than d) solvable.
  for (let k = 0; k < d; k++) Q[k * d + k] += RIDGE * (tr / d);
  if (!cholesky(Q, d)) return null;
  // e_i = L⁻¹ s_i x_i: the constraint rows in the whitened coordinates r = Lᵀu.
  const E = new Float64Array(n * d);
  const en = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let k = 0; k < d; k++) E[o + k] = side[i] * X[o + k];
    forward(Q, d, E, o);
    let s = 0;
    for (let k = 0; k < d; k++) s += E[o + k] * E[o + k];
    en[i] = Math.sqrt(s);
  }
  forward(Q, d, b);
  let best: CellOptimum | null = null;
  let exact = true;
  for (const sign of [1, -1]) {
    // Dual of min ½uᵀQu − sign·bᵀu s.t. s_i x_iᵀu ≥ 0: min_{μ≥0} ‖Σ μ_i e_i + sign·L⁻¹b‖, u = L⁻ᵀ(sign·L⁻¹b + Σ μ_i e_i).
    const t = b.map((v) => -sign * v);
    const { mu, P } = nnls(E, en, n, d, t);
    const r = b.map((v) => sign * v);
    for (const i of P) for (let k = 0; k < d; k++) r[k] += mu[i] * E[i * d + k];
    // r = 0 (to rounding): the cone's image has no direction positively correlated with ±λ for this sign.
    let rn = 0;
    let scale = 0;
    for (let k = 0; k < d; k++) {
      rn += r[k] * r[k];
      scale += t[k] * t[k];
    }
    for (const i of P) scale = Math.max(scale, (mu[i] * en[i]) ** 2);
    if (!(rn > 1e-20 * scale)) continue;
    backward(Q, d, r);
    if (!normalizeAt(r)) continue;
    let num = 0;
    let a2 = 0;
    let xn = 0;
    let infeasible = false;
    const deg: number[] = [];
    for (let i = 0; i < n; i++) {
      let z = 0;
      let xx = 0;
      for (let k = 0; k < d; k++) {
        z += X[i * d + k] * r[k];
        xx += X[i * d + k] * X[i * d + k];
      }
      const w = side[i] > 0 ? cp : cm;
      num += lambda[i] * w * z;
      a2 += w * w * z * z;
      xn = Math.sqrt(xx);
      if (!(mu[i] > 0) && Math.abs(z) <= 1e-10 * xn) deg.push(i);
      // An active constraint (μ_i > 0) holds with equality in exact arithmetic; in a rank-deficient cell
      // (fewer relu-active samples than d) the whitened solve leaves it off by up to ~1e-6.
      if (side[i] * z < -(mu[i] > 0 ? FEASIBLE_ACTIVE : FEASIBLE) * xn) infeasible = true;
    }
    if (!(a2 > 0)) continue;
    if (infeasible) {
      exact = false;
      continue;
    }
    const value = (n * Math.abs(num)) / (2 * Math.sqrt(T) * Math.sqrt(a2));
    if (!best || value > best.value) {
      const active = P.slice().sort((u, w) => mu[w] - mu[u] || u - w);
      best = { u: r, value, active: active.concat(deg), exact: true };
    }
  }
  if (best) best.exact = exact;
  return best;
}

/**
 * A unit direction strictly inside the cell next to u: every active sample put on its c₋ side (the side
 * with the smaller slope², so T does not grow) except `flip`, which goes to the side opposite its
 * current one; all other samples keep their side. Null when no small step achieves that pattern.
 */
export function pushInto(
  pd: PricingData,
  u: Float64Array,
  side: Int8Array,
  active: readonly number[],
  flip: number | null,
): Float64Array | null {
  const { n, d, X } = pd;
  const A = active.slice(0, d);
  const p = A.length;
  const target = A.map((i) => (i === flip ? -side[i] : -1));
  const xn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] ** 2;
    xn[i] = Math.sqrt(s);
  }
  let h = new Float64Array(d);
  if (p > 0) {
    // Least-norm h with x_aᵀh = target_a ‖x_a‖ for the active samples.
    const G = new Float64Array(p * p);
    const rhs = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      rhs[a] = target[a] * xn[A[a]];
      for (let c = 0; c <= a; c++) {
        let g = 0;
        for (let k = 0; k < d; k++) g += X[A[a] * d + k] * X[A[c] * d + k];
        G[a * p + c] = g;
        G[c * p + a] = g;
      }
    }
    const z = solveSmall(G, p, rhs);
    if (!z) return null;
    for (let a = 0; a < p; a++) for (let k = 0; k < d; k++) h[k] += z[a] * X[A[a] * d + k];
    if (!normalizeAt(h)) h = new Float64Array(d);
  }
  const want = side.slice();
  A.forEach((i, a) => {
    want[i] = target[a];
  });
  const inA = new Uint8Array(n);
  for (const i of A) inA[i] = 1;
  // The step must not move any other sample across its hyperplane: a fraction of the smallest slack.
  let slack = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (inA[i] || xn[i] === 0) continue;
    let z = 0;
    for (let k = 0; k < d; k++) z += X[i * d + k] * u[k];
    slack = Math.min(slack, (want[i] * z) / xn[i]);
  }
  if (!(slack > 0)) slack = 1e-9;
  for (const delta of [Math.min(1e-7, 0.25 * slack), Math.min(1e-5, 0.25 * slack), 1e-3 * slack]) {
    const v = u.map((x, k) => x + delta * h[k]);
    if (!normalizeAt(v)) continue;
    const s = sidesOf(pd, v);
    let ok = true;
    for (let i = 0; i < n && ok; i++) if (s[i] !== want[i] && xn[i] > 0) ok = false;
    if (ok) return v;
  }
  return null;
}

export interface WalkOptions {
  /** Cells visited at most per walk (default 12). */
  steps?: number;
  /** Active samples tried as moves when no improving move is forced (default 2). */
  explore?: number;
}

export interface WalkResult {
  /** The best direction found (inside its cell) and its ratio R as the activation evaluates it. */
  v: Float64Array;
  ratio: number;
  /** The sup over the last cell visited (≥ ratio up to the push into its interior). */
  cellValue: number;
  cells: number;
}

/**
 * Local search over cells from a start direction: solve the start's cell exactly, move to the
 * neighbour across the active constraints (improving by construction), else try the `explore` active
 * samples with the largest multipliers on their other side; stop when no neighbour tried is better.
 */
export function walkCells(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  start: Float64Array,
  o: WalkOptions = {},
): WalkResult | null {
  const steps = o.steps ?? 12;
  const explore = o.explore ?? 2;
  const sl = cellSlopes(act);
  let side = sidesOf(pd, start);
  let cur = cellOptimum(pd, sl, lambda, side);
  if (!cur) return null;
  let cells = 1;
  let bestV: Float64Array = start;
  let bestR = evalDirection(act, pd, lambda, start).ratio;
  const record = (v: Float64Array | null): void => {
    if (!v) return;
    const r = evalDirection(act, pd, lambda, v).ratio;
    if (r > bestR) {
      bestR = r;
      bestV = v;
    }
  };
  // Move to the cell holding v when its optimum beats the current one.
  const tryCell = (v: Float64Array | null, value: number): boolean => {
    if (!v) return false;
    const s = sidesOf(pd, v);
    if (sameSides(s, side)) return false;
    const next = cellOptimum(pd, sl, lambda, s);
    cells++;
    if (!next || !(next.value > value * (1 + 1e-12))) return false;
    side = s;
    cur = next;
    return true;
  };
  for (let step = 0; step < steps; step++) {
    const c: CellOptimum = cur;
    const inside = pushInto(pd, c.u, side, c.active, null);
    record(inside);
    let moved = tryCell(inside, c.value);
    const tries = c.active.filter((i) => side[i] < 0).slice(0, explore);
    for (let e = 0; !moved && e < tries.length; e++)
      moved = tryCell(pushInto(pd, c.u, side, c.active, tries[e]), c.value);
    if (!moved) break;
  }
  record(pushInto(pd, cur.u, side, cur.active, null));
  return { v: bestV, ratio: bestR, cellValue: cur.value, cells };
}

function sameSides(a: Int8Array, b: Int8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
