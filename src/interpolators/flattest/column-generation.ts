/**
 * Column generation for the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10): solve the LP on
 * the current dictionary of directions, take its dual λ, look for directions whose ratio
 * R(v) = |Σ λ_i σ(vᵀx_i)| / g(v) exceeds 1 (they would lower the LP), add them, repeat until
 * ρ(λ) ≤ 1/(1 − gap), i.e. until the relative duality gap 1 − 1/ρ between the LP value (an upper bound
 * on F_min) and λᵀy/ρ(λ) (a lower bound) is at most `gap`.
 *
 * Pricing: exact arc enumeration for d = 2; for d ≥ 3, multi-start projected ascent from data
 * directions, the current atoms, λ-weighted directions and seeded random directions; for d = 3 the
 * stopping test is confirmed by a fine grid of the sphere with refinement (a certified bracket). For
 * d ≥ 4 ρ can only be estimated, so the lower bound is an estimate and labelled so.
 */
import type { Highs } from 'highs';
import { squaredNorms } from '../../data/dataset.js';
import type { Dataset } from '../../data/dataset.js';
import type { Activation } from '../../model/activations.js';
import { deriveSeed, Rng } from '../../rng/xoshiro.js';
import { DictionaryLp, type LpSolution } from './dictionary-lp.js';
import { ascend, batchRatios, cellOptimum, evalDirection, type PricingData } from './pricing.js';
import { exactSup2d, gridSup3d, type SphereSup } from './sphere-sup.js';

export interface ColumnGenerationOptions {
  /** Target relative duality gap 1 − lower/upper (default 1e-3). */
  gap: number;
  seed: number;
  maxRounds: number;
  /** Grid points on S² for the d = 3 certificate. */
  gridPoints?: number;
  /** Wall-clock budget in seconds (0 = none); the result then says it stopped on time. */
  timeBudget: number;
  now: () => number;
  onRound?: (r: RoundInfo) => void;
  /** Extra unit directions for the initial dictionary (row-major, d per row), e.g. a network's neurons. */
  initial?: Float64Array[];
}

export interface RoundInfo {
  round: number;
  lpValue: number;
  rho: number;
  gap: number;
  dictionary: number;
  atoms: number;
}

export interface ColumnGenerationResult {
  /** Unit directions of the dictionary, row-major K×d, and their costs g(v_k). */
  V: Float64Array;
  g: Float64Array;
  K: number;
  lp: LpSolution;
  /** The λ with the best lower bound λᵀy/ρ(λ), its ρ, that bound, and how ρ was obtained. */
  lambda: Float64Array;
  rho: number;
  lower: number;
  method: 'exact-arcs' | 'grid-refined' | 'multistart-ascent';
  rounds: number;
  lpSolves: number;
  stopped: 'gap' | 'rounds' | 'time' | 'stalled';
}

/**
 * A direction enters only when its ratio exceeds 1 by more than this: HiGHS holds the normalized rows
 * |φ̃ᵀλ| ≤ 1 to its feasibility tolerance (1e-7), so smaller violations would not move the LP.
 */
const VIOLATION = 1e-6;

/** Ascents per pricing round (d ≥ 3): every local maximum above 1 becomes a column. */
const STARTS = 64;

/** Up to this n, the initial dictionary holds both ±x_i/‖x_i‖. */
const INIT_BOTH_SIGNS_MAX_N = 400;

/** Rounds over which a stalled upper bound ends the search (d ≥ 3). */
const STALL_ROUNDS = 20;

/** Growable dictionary of unit directions with their g and normalized features. */
class Dictionary {
  V: Float64Array;
  g: Float64Array;
  K = 0;
  constructor(private readonly d: number) {
    this.V = new Float64Array(256 * d);
    this.g = new Float64Array(256);
  }
  push(v: Float64Array, g: number): void {
    if ((this.K + 1) * this.d > this.V.length) {
      const V = new Float64Array(this.V.length * 2);
      V.set(this.V);
      this.V = V;
      const gg = new Float64Array(this.g.length * 2);
      gg.set(this.g);
      this.g = gg;
    }
    this.V.set(v, this.K * this.d);
    this.g[this.K] = g;
    this.K++;
  }
}

function unit(v: Float64Array): Float64Array | null {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  if (!(s > 0) || !Number.isFinite(s)) return null;
  const inv = 1 / Math.sqrt(s);
  return v.map((x) => x * inv);
}

/** Normalized features σ(X v)/g(v) for a block of directions (row-major count×n). */
function features(act: Activation, pd: PricingData, V: Float64Array, g: Float64Array, count: number): Float64Array {
  const { n, d, X } = pd;
  const out = new Float64Array(count * n);
  for (let k = 0; k < count; k++) {
    const inv = 1 / g[k];
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let t = 0; t < d; t++) z += X[i * d + t] * V[k * d + t];
      out[k * n + i] = act.f(z) * inv;
    }
  }
  return out;
}

/** An activation with σ(−t) = σ(t) (abs): v and −v give the same feature, so only one is kept. */
function isEven(act: Activation): boolean {
  return act.f(-1) === act.f(1) && act.f(-2.5) === act.f(2.5);
}

export function runColumnGeneration(
  highs: Highs,
  data: Dataset,
  act: Activation,
  o: ColumnGenerationOptions,
): ColumnGenerationResult {
  const { n, d, X, y } = data;
  const pd: PricingData = { n, d, X, q: squaredNorms(data) };
  const dict = new Dictionary(d);
  const lp = new DictionaryLp(highs, y);
  const t0 = o.now();
  const even = isEven(act);
  try {
    // Initial dictionary: ±x_i/‖x_i‖ (the memorizer's directions, which span y for generic data) and
    // seeded random directions.
    // For large n only +x_i/‖x_i‖: every dictionary row is a dense row of the LP, and the first solve
    // from scratch dominates the run time (HiGHS in WebAssembly, ~n simplex iterations).
    const pending = signedDataDirections(pd, even || n > INIT_BOTH_SIGNS_MAX_N);
    for (const v of o.initial ?? []) {
      const u = unit(v);
      if (u) pending.push(u);
    }
    const rng0 = new Rng(deriveSeed(o.seed, 'flattest-convex', 'init'));
    for (let r = 0; r < Math.min(n, 64); r++) {
      const u = unit(rng0.fillNormal(new Float64Array(d)));
      if (u) pending.push(u);
    }
    addDirections(pending);

    let lpSolves = 0;
    let round = 0;
    let last: LpSolution | null = null;
    // The best lower bound so far and the λ giving it (the stabilization centre).
    let bestLower = Number.NEGATIVE_INFINITY;
    let bestLambda: Float64Array | null = null;
    let bestRho = Number.POSITIVE_INFINITY;
    let method: ColumnGenerationResult['method'] = d === 2 ? 'exact-arcs' : 'multistart-ascent';
    let stopped: ColumnGenerationResult['stopped'] = 'rounds';
    let carry: Float64Array[] = [];
    const history: number[] = [];
    const consider = (lam: Float64Array, rho: number): void => {
      const lower = rho > 0 ? dot(lam, y) / rho : Number.NEGATIVE_INFINITY;
      if (lower > bestLower) {
        bestLower = lower;
        bestLambda = lam;
        bestRho = rho;
      }
    };
    for (; round < o.maxRounds; round++) {
      const sol = lp.solve();
      lpSolves++;
      last = sol;
      let cands: { v: Float64Array; ratio: number }[];
      if (d === 2) {
        const sup = exactSup2d(act, pd, sol.lambda);
        consider(sol.lambda, sup.rho);
        cands = sup.best;
      } else {
        // Dual stabilization (Wentges smoothing): price at a point between the best-bound λ and the LP's
        // extreme-point λ, which damps the oscillation of the simplex duals; columns are kept when they
        // violate the LP's own constraints, and a round without one falls back to the LP's λ.
        const seedR = deriveSeed(o.seed, 'flattest-convex', round);
        cands = [];
        if (bestLambda) {
          const lc: Float64Array = bestLambda;
          const sep = sol.lambda.map((v, i) => 0.5 * v + 0.5 * lc[i]);
          const ms = multistart(act, pd, sep, sol, dict, carry, seedR, even);
          consider(sep, ms.rho);
          cands = violating(act, pd, sol.lambda, ms.best);
        }
        if (cands.length === 0) {
          const ms = multistart(act, pd, sol.lambda, sol, dict, carry, seedR, even);
          consider(sol.lambda, ms.rho);
          cands = ms.best;
        }
        method = 'multistart-ascent';
        if (d === 3 && bestLambda && 1 - bestLower / sol.value <= o.gap) {
          // Certify the centre's bound on a fine grid; a direction the grid finds above 1 goes back in.
          const lc: Float64Array = bestLambda;
          const sup: SphereSup = gridSup3d(act, pd, lc, o.gridPoints ?? gridPointsFor(n));
          bestLower = dot(lc, y) / Math.max(sup.rho, bestRho);
          bestRho = Math.max(sup.rho, bestRho);
          method = 'grid-refined';
          if (1 - bestLower / sol.value > o.gap) cands = violating(act, pd, sol.lambda, sup.best);
        }
      }
      history.push(sol.value);
      carry = cands.slice(0, 8).map((c) => c.v);
      const atoms = countAtoms(sol.c);
      const gapNow = Math.max(0, 1 - bestLower / sol.value);
      o.onRound?.({ round, lpValue: sol.value, rho: bestRho, gap: gapNow, dictionary: dict.K, atoms });
      if (gapNow <= o.gap && !sol.boxed) {
        stopped = 'gap';
        break;
      }
      // The upper bound has stopped moving: over the last STALL_ROUNDS rounds the LP fell by less than
      // a tenth of the target gap (the multi-start pricing finds only marginal columns).
      const back = history.length - 1 - STALL_ROUNDS;
      if (d > 2 && back >= 0 && history[back] - sol.value < 0.1 * o.gap * sol.value) {
        stopped = 'stalled';
        break;
      }
      if (o.timeBudget > 0 && (o.now() - t0) / 1000 > o.timeBudget) {
        stopped = 'time';
        break;
      }
      const fresh = dedupe(
        cands.filter((c) => c.ratio > 1 + VIOLATION).map((c) => c.v),
        even,
      );
      if (fresh.length === 0) {
        // No direction above 1 survived the nudge into its cell: this pricing cannot tighten the bracket.
        stopped = 'gap';
        break;
      }
      addDirections(fresh);
    }
    if (!last) throw new Error('column generation: no LP was solved');
    return {
      V: dict.V.slice(0, dict.K * d),
      g: dict.g.slice(0, dict.K),
      K: dict.K,
      lp: last,
      lambda: bestLambda ?? last.lambda,
      rho: bestRho,
      lower: bestLower,
      method,
      rounds: round + 1,
      lpSolves,
      stopped,
    };
  } finally {
    lp.dispose();
  }

  function addDirections(dirs: Float64Array[]): void {
    const Vb = new Float64Array(dirs.length * d);
    const gb = new Float64Array(dirs.length);
    let c = 0;
    for (const v of dirs) {
      Vb.set(v, c * d);
      c++;
    }
    const { g } = batchRatios(act, pd, new Float64Array(n), Vb, c);
    let kept = 0;
    for (let k = 0; k < c; k++) {
      // g = 0: σ(X v) ≡ 0, a direction that represents nothing.
      if (!(g[k] > 0)) continue;
      Vb.copyWithin(kept * d, k * d, (k + 1) * d);
      gb[kept] = g[k];
      kept++;
    }
    const F = features(act, pd, Vb, gb, kept);
    for (let k = 0; k < kept; k++) dict.push(Vb.subarray(k * d, (k + 1) * d), gb[k]);
    lp.addRows(F, kept);
  }
}

/** Grid size for the d = 3 certificate: fine (≥ 50,000 points) but with n·G ≤ 4·10⁷ evaluations. */
export function gridPointsFor(n: number): number {
  return Math.max(50_000, Math.min(400_000, Math.floor(4e7 / Math.max(1, n))));
}

/** ±x_i/‖x_i‖ (only +x_i/‖x_i‖ for an even σ, where ± give the same feature). */
function signedDataDirections(pd: PricingData, even: boolean): Float64Array[] {
  const { n, d, X } = pd;
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const u = unit(X.slice(i * d, (i + 1) * d));
    if (!u) continue;
    out.push(u);
    if (!even) out.push(u.map((x) => -x));
  }
  return out;
}

function dot(u: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * w[i];
  return s;
}

/** The candidates whose ratio under the LP's own λ exceeds 1 (columns that lower the LP). */
function violating(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  cands: { v: Float64Array; ratio: number }[],
): { v: Float64Array; ratio: number }[] {
  const out: { v: Float64Array; ratio: number }[] = [];
  for (const c of cands) {
    const ratio = evalDirection(act, pd, lambda, c.v).ratio;
    if (ratio > 1 + VIOLATION) out.push({ v: c.v, ratio });
  }
  return out.sort((a, b) => b.ratio - a.ratio);
}

function countAtoms(c: Float64Array): number {
  let mx = 0;
  for (let k = 0; k < c.length; k++) mx = Math.max(mx, Math.abs(c[k]));
  let a = 0;
  for (let k = 0; k < c.length; k++) if (Math.abs(c[k]) > 1e-12 * mx) a++;
  return a;
}

function dedupe(dirs: Float64Array[], even: boolean): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of dirs) {
    let dup = false;
    for (const w of out) {
      let c = 0;
      for (let k = 0; k < v.length; k++) c += v[k] * w[k];
      if (c > 1 - 1e-10 || (even && c < -1 + 1e-10)) {
        dup = true;
        break;
      }
    }
    if (!dup) out.push(v);
  }
  return out;
}

/**
 * Multi-start projected ascent of R: rank a pool of starts (±x_i/‖x_i‖, the LP's atoms, ±Σλ_i x_i,
 * last round's best directions and seeded random ones) by one batched evaluation, then ascend from the
 * best few. Returns the largest ratio seen and the ascended directions, best first.
 */
function multistart(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  sol: LpSolution,
  dict: Dictionary,
  carry: Float64Array[],
  seed: number,
  even: boolean,
): { rho: number; best: { v: Float64Array; ratio: number }[] } {
  const { n, d, X } = pd;
  const pool = signedDataDirections(pd, even);
  for (let k = 0; k < dict.K; k++) if (sol.c[k] !== 0) pool.push(dict.V.slice(k * d, (k + 1) * d));
  const lx = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) lx[t] += lambda[i] * X[i * d + t];
  const ul = unit(lx);
  if (ul)
    pool.push(
      ul,
      ul.map((x) => -x),
    );
  for (const v of carry) pool.push(v);
  const rng = new Rng(seed);
  const R = Math.max(64, 2 * d);
  for (let r = 0; r < R; r++) {
    const u = unit(rng.fillNormal(new Float64Array(d)));
    if (u) pool.push(u);
  }
  // Perturbed copies of the atoms explore the cells next to the current solution.
  for (let k = 0; k < dict.K && pool.length < 6 * n + R; k++) {
    if (sol.c[k] === 0) continue;
    const v = dict.V.slice(k * d, (k + 1) * d);
    for (let t = 0; t < d; t++) v[t] += 0.3 * rng.normal();
    const u = unit(v);
    if (u) pool.push(u);
  }
  // Random starts moved by a few pattern-optimum steps (v ← M_P⁻¹a_P) reach consistent cells far from the
  // data directions, where a plain ranking of raw starts would never look; budgeted to ~2·10⁸ flops.
  const J = Math.min(256, Math.floor(2e8 / (3 * n * d * d)));
  for (let r = 0; r < J; r++) {
    let u = unit(rng.fillNormal(new Float64Array(d)));
    for (let it = 0; it < 3 && u; it++) {
      const w = cellOptimum(act, pd, lambda, u);
      if (!w) break;
      const wn = w.map((x) => -x);
      u = evalDirection(act, pd, lambda, w).ratio >= evalDirection(act, pd, lambda, wn).ratio ? w : wn;
    }
    if (u) pool.push(u);
  }
  const P = new Float64Array(pool.length * d);
  pool.forEach((v, k) => {
    P.set(v, k * d);
  });
  const { ratio } = batchRatios(act, pd, lambda, P, pool.length);
  const order = Array.from(ratio.keys()).sort((a, b) => ratio[b] - ratio[a]);
  let rho = ratio[order[0]] ?? 0;
  const starts = Math.min(order.length, STARTS);
  const best: { v: Float64Array; ratio: number }[] = [];
  for (let s = 0; s < starts; s++) {
    const k = order[s];
    const r = ascend(act, pd, lambda, P.slice(k * d, (k + 1) * d));
    rho = Math.max(rho, r.ratio);
    best.push({ v: r.v, ratio: r.ratio });
  }
  best.sort((a, b) => b.ratio - a.ratio);
  return { rho, best };
}
