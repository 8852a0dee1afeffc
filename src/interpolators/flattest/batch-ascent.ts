/**
 * Batched pricing for the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10): the ratio
 * R(v) = |Σ_i λ_i σ(vᵀx_i)| / g(v) and its projected ascent on the sphere for S directions at once. Every
 * step is a few GEMMs through the linear-algebra backend (Z = X Vᵀ, then Xᵀ C for the gradients), so the
 * O(n d) work per direction runs in the BLAS (native addon) or the SIMD kernel instead of scalar loops —
 * the per-start loop of `ascend` (pricing.ts) cost seconds per round at n = 1000, d = 50.
 *
 * σ is 1-homogeneous here (the convex formulation's premise): σ(z) = c(z) z with c ∈ {c₊, c₋}, σ′ = c.
 * Within an activation pattern P, Σλσ = vᵀa_P with a_P = Σ λ_i c_i x_i, which is the same Xᵀ(λ∘c) the
 * gradient needs, so the cell-optimum jump v ∝ M_P⁻¹ a_P (pricing.ts#cellOptimum) costs one extra d×d
 * GEMM and a Cholesky per direction.
 *
 * Every product here runs on the portable backend's GEMM whatever backend is selected: the ascent
 * branches on signs and comparisons of these numbers, and the portable GEMM sums in one fixed order (its
 * WebAssembly and TypeScript kernels agree bit for bit), so the same λ gives the same columns on OpenBLAS,
 * the built-in native GEMM and the portable backend.
 */
import { jsBackend } from '../../linalg/js-backend.js';
import type { Activation } from '../../model/activations.js';
import { solveCellOptimum } from './cell-optimum.js';
import type { PricingData } from './pricing.js';
import { normalizeAt } from './sphere.js';

/** σ(z) = c z with the slope c of z's side, and σ′ at 0 as the activation defines it. */
interface Slopes {
  cp: number;
  cm: number;
  c0: number;
}

function slopesOf(act: Activation): Slopes {
  return { cp: act.d1(1), cm: act.d1(-1), c0: act.d1(0) };
}

/** Per-direction sums of one pass over Z (n×S): N = Σλσ, S₂ = Σσ², T₂ = Σσ′²q, and R = |N|/g. */
interface PassSums {
  num: Float64Array;
  ratio: Float64Array;
  g: Float64Array;
}

/**
 * One pass over Z = X Vᵀ (n×S row-major): the sums of every column and, when C is given (n×2S), the
 * gradient coefficients C[i, s] = λ_i σ′(z) (→ ∇N = Xᵀ C) and C[i, S + s] = σ(z) σ′(z) (→ ½∇S₂).
 */
function pass(
  sl: Slopes,
  pd: PricingData,
  lambda: Float64Array,
  Z: Float64Array,
  S: number,
  C: Float64Array | null,
  s2: Float64Array,
): PassSums {
  const { n, q } = pd;
  const num = new Float64Array(S);
  const t2 = new Float64Array(S);
  s2.fill(0, 0, S);
  const { cp, cm, c0 } = sl;
  for (let i = 0; i < n; i++) {
    const li = lambda[i];
    const qi = q[i];
    const o = i * S;
    const oc = 2 * i * S;
    for (let s = 0; s < S; s++) {
      const z = Z[o + s];
      const c = z > 0 ? cp : z < 0 ? cm : c0;
      const f = z > 0 || z < 0 ? c * z : 0;
      num[s] += li * f;
      s2[s] += f * f;
      t2[s] += c * c * qi;
      if (C) {
        C[oc + s] = li * c;
        C[oc + S + s] = f * c;
      }
    }
  }
  const g = new Float64Array(S);
  const ratio = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    g[s] = 2 * Math.sqrt((s2[s] / n) * (t2[s] / n));
    ratio[s] = g[s] > 0 ? Math.abs(num[s]) / g[s] : 0;
  }
  return { num, ratio, g };
}

/** Z = X Vᵀ (n×S) for S directions V (S×d). */
function project(pd: PricingData, V: Float64Array, S: number, Z: Float64Array): void {
  jsBackend.gemm(false, true, pd.n, S, pd.d, 1, pd.X, V, 0, Z);
}

/** R(v_s) for S unit directions V (row-major S×d), with g(v_s): one GEMM and one pass. */
export function batchRatios(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  V: Float64Array,
  S: number,
): { ratio: Float64Array; g: Float64Array } {
  const sl = slopesOf(act);
  const ratio = new Float64Array(S);
  const g = new Float64Array(S);
  // Column blocks keep Z at O(n · 4096) entries however many directions are priced.
  const blk = Math.max(1, Math.min(S, Math.floor((1 << 22) / Math.max(1, pd.n))));
  const Z = new Float64Array(pd.n * Math.min(S, blk));
  const s2 = new Float64Array(blk);
  for (let s0 = 0; s0 < S; s0 += blk) {
    const b = Math.min(blk, S - s0);
    project(pd, V.subarray(s0 * pd.d, (s0 + b) * pd.d), b, Z);
    const r = pass(sl, pd, lambda, Z, b, null, s2);
    ratio.set(r.ratio, s0);
    g.set(r.g, s0);
  }
  return { ratio, g };
}

export interface BatchAscentOptions {
  /** Ascent steps at most (default 60). */
  iters?: number;
  /** Cell-optimum jumps tried in the first steps (default 4): O(n d²) each, but often decisive. */
  jumps?: number;
}

/** Trial angles per gradient step (step, step·BACKTRACK, …), priced together. */
const TRIALS = 3;
const BACKTRACK = 0.35;

/**
 * Projected ascent of R from S unit starts V0 (row-major S×d) at once. Per step and per direction: the
 * maximizer of R within the direction's activation pattern (first `jumps` steps; ± both tried), else a
 * step along the tangent gradient of log R = log|N| − ½ log S₂ (T₂ is constant within a pattern) with an
 * adaptive angle (×1.6 after a success, ×0.35 until R increases). A direction stops when no angle ≥ 1e-12
 * increases R, when R gains less than 1e-12 relatively, or after `iters` steps. R never decreases.
 */
export function batchAscend(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  V0: Float64Array,
  S: number,
  o: BatchAscentOptions = {},
): { V: Float64Array; ratio: Float64Array } {
  const { n, d, X } = pd;
  const be = jsBackend;
  const sl = slopesOf(act);
  const iters = o.iters ?? 60;
  const jumps = o.jumps ?? 4;
  const V = V0.slice(0, S * d);
  const R = batchRatios(act, pd, lambda, V, S).ratio;
  const step = new Float64Array(S).fill(0.2);
  let active: number[] = [];
  for (let s = 0; s < S; s++) if (R[s] > 0) active.push(s);
  // Work buffers sized for every start; the active set only shrinks.
  const Va = new Float64Array(S * d);
  const Vc = new Float64Array(Math.max(2, TRIALS) * S * d);
  const Z = new Float64Array(n * S);
  const Zc = new Float64Array(n * Math.max(2, TRIALS) * S);
  const C = new Float64Array(n * 2 * S);
  const G = new Float64Array(d * 2 * S);
  const s2 = new Float64Array(Math.max(2, TRIALS) * S);
  const Xs = new Float64Array(n * d);
  const M = new Float64Array(d * d);
  for (let it = 0; it < iters && active.length > 0; it++) {
    const A = active.length;
    for (let j = 0; j < A; j++) Va.set(V.subarray(active[j] * d, (active[j] + 1) * d), j * d);
    project(pd, Va, A, Z);
    const cur = pass(sl, pd, lambda, Z, A, C, s2);
    // G = Xᵀ C (d×2A): column j is ∇N = a_P of direction j, column A + j is ½∇S₂ = M_P v.
    be.gemm(true, false, d, 2 * A, n, 1, X, C, 0, G);
    const done = new Uint8Array(A);
    if (it < jumps) {
      // Candidates ±M_P⁻¹a_P per direction (rows 2j, 2j + 1 of Vc); a failed solve keeps v.
      for (let j = 0; j < A; j++) {
        const a = new Float64Array(d);
        for (let k = 0; k < d; k++) a[k] = G[k * 2 * A + j];
        for (let i = 0; i < n; i++) {
          const z = Z[i * A + j];
          const w = z > 0 ? sl.cp : z < 0 ? sl.cm : 0;
          for (let k = 0; k < d; k++) Xs[i * d + k] = w * X[i * d + k];
        }
        be.gemm(true, false, d, d, n, 1, Xs, Xs, 0, M);
        const u = solveCellOptimum(M, a, d);
        const src = u ?? Va.subarray(j * d, (j + 1) * d);
        for (let k = 0; k < d; k++) {
          Vc[2 * j * d + k] = src[k];
          Vc[(2 * j + 1) * d + k] = -src[k];
        }
      }
      project(pd, Vc, 2 * A, Zc);
      const jr = pass(sl, pd, lambda, Zc, 2 * A, null, s2);
      for (let j = 0; j < A; j++) {
        const best = jr.ratio[2 * j] >= jr.ratio[2 * j + 1] ? 2 * j : 2 * j + 1;
        const s = active[j];
        if (jr.ratio[best] > R[s] * (1 + 1e-12)) {
          V.set(Vc.subarray(best * d, (best + 1) * d), s * d);
          R[s] = jr.ratio[best];
          done[j] = 1; // moved by the jump: no gradient step this round
        }
      }
    }
    // Gradient candidates for the directions the jump did not move: TRIALS angles each (the current one
    // and two backtracked ones, rows m·TRIALS + l of Vc), evaluated in one GEMM.
    const moving: number[] = [];
    const tang = new Float64Array(d);
    for (let j = 0; j < A; j++) {
      if (done[j]) continue;
      const s = active[j];
      const num = cur.num[j];
      const ss = s2[j];
      if (num === 0 || ss === 0) continue;
      let radial = 0;
      for (let k = 0; k < d; k++) {
        tang[k] = G[k * 2 * A + j] / num - G[k * 2 * A + A + j] / ss;
        radial += tang[k] * V[s * d + k];
      }
      let gn = 0;
      for (let k = 0; k < d; k++) {
        tang[k] -= radial * V[s * d + k];
        gn += tang[k] * tang[k];
      }
      gn = Math.sqrt(gn);
      if (!(gn > 1e-14)) continue;
      step[s] = Math.min(step[s], Math.PI / 4);
      const m = moving.length;
      let ok = true;
      for (let l = 0; l < TRIALS; l++) {
        const row = (m * TRIALS + l) * d;
        const t = Math.tan(step[s] * BACKTRACK ** l) / gn;
        for (let k = 0; k < d; k++) Vc[row + k] = V[s * d + k] + t * tang[k];
        ok &&= normalizeAt(Vc, row, d);
      }
      if (ok) moving.push(j);
    }
    const next: number[] = [];
    for (let j = 0; j < A; j++) if (done[j]) next.push(active[j]);
    if (moving.length > 0) {
      project(pd, Vc, moving.length * TRIALS, Zc);
      const cr = pass(sl, pd, lambda, Zc, moving.length * TRIALS, null, s2);
      moving.forEach((j, m) => {
        const s = active[j];
        // The longest trial angle that increases R wins (the scalar ascent's backtracking order).
        for (let l = 0; l < TRIALS; l++) {
          const rc = cr.ratio[m * TRIALS + l];
          if (rc > R[s]) {
            const rel = (rc - R[s]) / rc;
            V.set(Vc.subarray((m * TRIALS + l) * d, (m * TRIALS + l + 1) * d), s * d);
            R[s] = rc;
            step[s] *= BACKTRACK ** l * 1.6;
            if (rel >= 1e-12) next.push(s);
            return;
          }
        }
        step[s] *= BACKTRACK ** TRIALS;
        if (step[s] > 1e-12) next.push(s);
      });
    }
    active = next.sort((u, w) => u - w);
  }
  return { V, ratio: R };
}
