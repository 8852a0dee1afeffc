/**
 * Column generation for the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10): solve the LP on
 * the current dictionary of directions, take its dual λ, look for directions whose ratio
 * R(v) = |Σ λ_i σ(vᵀx_i)| / g(v) exceeds 1 (they would lower the LP), add them, repeat until
 * ρ(λ) ≤ 1/(1 − gap), i.e. until the relative duality gap 1 − 1/ρ between the LP value (an upper bound
 * on F_min) and λᵀy/ρ(λ) (a lower bound) is at most `gap`.
 *
 * Pricing: exact arc enumeration for d = 2; for d ≥ 3, batched multi-start projected ascent
 * (multistart.ts: data directions, the current atoms, second-moment directions of λ and y, seeded random
 * directions), with up to MAX_NEW_COLUMNS columns per round and inactive rows taken out of the LP
 * (dictionary.ts) so that the re-solves stay at the size of an n-row basis; for d = 3 the
 * stopping test is confirmed by a fine grid of the sphere with refinement (a certified bracket). For
 * d ≥ 4 ρ can only be estimated, so the lower bound is an estimate and labelled so.
 */
import type { Highs } from 'highs';
import type { Dataset } from '../../data/dataset.js';
import { squaredNorms } from '../../data/dataset.js';
import type { Activation } from '../../model/activations.js';
import { deriveSeed, Rng } from '../../rng/xoshiro.js';
import { Dictionary } from './dictionary.js';
import { DictionaryLp, type LpSolution } from './dictionary-lp.js';
import { type Candidate, multistart } from './multistart.js';
import { evalDirection, type PricingData } from './pricing.js';
import { slideAtoms } from './sliding.js';
import { spectralStarts } from './spectral-starts.js';
import { dedupe, dedupeIndices, signedDataDirections, unit } from './sphere.js';
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
  /**
   * Unit directions that join only the last LP, after the search on the full data set has stopped: the
   * result is then at most the LP over them too (e.g. a teacher's neurons), while the search itself ran
   * cold — a warm first dictionary can pin the LP at the warm interpolator's degenerate vertex.
   */
  late?: Float64Array[];
  /** Slide the active atoms after every LP (d ≥ 3; default true): sliding.ts. */
  slide?: boolean;
}

export interface RoundInfo {
  round: number;
  lpValue: number;
  rho: number;
  gap: number;
  dictionary: number;
  atoms: number;
  /** Seconds spent in this round's LP solve and in its pricing, and the LP's simplex iterations. */
  lpSeconds: number;
  pricingSeconds: number;
  lpIterations: number;
}

export interface ColumnGenerationResult {
  /** Unit directions of the last LP's rows (aligned with lp.c), row-major, and their costs g(v_k). */
  V: Float64Array;
  g: Float64Array;
  /** Directions found in all (in the LP or taken out of it). */
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

/** Up to this n, the initial dictionary holds both ±x_i/‖x_i‖. */
const INIT_BOTH_SIGNS_MAX_N = 400;

/** Rounds over which a stalled upper bound ends the search (d ≥ 3). */
const STALL_ROUNDS = 20;

/** Columns added per round at most (the most violated first): a few re-solves of many columns beat many of few. */
const MAX_NEW_COLUMNS = 256;

/**
 * Inactive rows leave the LP (d ≥ 3) only above this many rows (n + PRUNE_MARGIN): a basis needs n of
 * them. d = 2 (exact arcs, a few columns per round) keeps every row.
 */
const PRUNE_MARGIN = 512;

/** An activation with σ(−t) = σ(t) (abs): v and −v give the same feature, so only one is kept. */
function isEven(act: Activation): boolean {
  return act.f(-1) === act.f(1) && act.f(-2.5) === act.f(2.5);
}

/** Rounds per coarse level at most, and the share of a time budget all coarse levels may use. */
const COARSE_ROUNDS = 30;
const COARSE_SHARE = 0.4;

/** Smallest sample level: below it a level costs more in setup than it saves. */
const MIN_LEVEL = 150;

/**
 * Sample levels n/2^L, …, n/2, n (each ≥ MIN_LEVEL). The dense n×n basis makes every simplex iteration
 * cost O(n²) and every refactorization O(n³) — the dominant cost at n = 1000 in HiGHS (WebAssembly) —
 * so the long walk from the memorizer to a near-flattest dictionary is done on the
 * first n/2^L samples (a random subsample: the samples are i.i.d.), and each level starts from the
 * previous level's atoms, which nearly interpolate the new samples when the flattest interpolator
 * generalizes: the final level's LP starts within a few percent of its optimum.
 */
export function sampleLevels(n: number): number[] {
  const levels = [n];
  while (Math.floor(levels[0] / 2) >= MIN_LEVEL) levels.unshift(Math.floor(levels[0] / 2));
  return levels;
}

/** The first `m` samples of a data set. */
function prefix(data: Dataset, m: number): Dataset {
  return { n: m, d: data.d, X: data.X.subarray(0, m * data.d), y: data.y.subarray(0, m) };
}

/** What one level hands the next: its LP's atoms and the other directions of its last LP. */
interface Carried {
  atoms: Float64Array[];
  others: Float64Array[];
}

export function runColumnGeneration(
  highs: Highs,
  data: Dataset,
  act: Activation,
  o: ColumnGenerationOptions,
): ColumnGenerationResult {
  const levels = sampleLevels(data.n);
  const t0 = o.now();
  let carried: Carried | null = null;
  let rounds = 0;
  let lpSolves = 0;
  for (let l = 0; l + 1 < levels.length; l++) {
    if (o.timeBudget > 0 && (o.now() - t0) / 1000 > COARSE_SHARE * o.timeBudget) break;
    // Coarse levels only gather directions: a loose gap, and the rounds and time count against the budget.
    const sub = prefix(data, levels[l]);
    const res = solveLevel(
      highs,
      sub,
      act,
      {
        ...o,
        gap: Math.max(10 * o.gap, 1e-2),
        maxRounds: Math.min(COARSE_ROUNDS, o.maxRounds - rounds),
        timeBudget: o.timeBudget > 0 ? COARSE_SHARE * o.timeBudget : 0,
        onRound: undefined,
      },
      carried,
      t0,
      false,
    );
    rounds += res.rounds;
    lpSolves += res.lpSolves;
    carried = carry(res, data.d);
    if (o.maxRounds - rounds <= 1) break;
  }
  const res = solveLevel(highs, data, act, { ...o, maxRounds: Math.max(1, o.maxRounds - rounds) }, carried, t0, true);
  return { ...res, rounds: res.rounds + rounds, lpSolves: res.lpSolves + lpSolves };
}

function carry(res: ColumnGenerationResult, d: number): Carried {
  const atoms: Float64Array[] = [];
  const others: Float64Array[] = [];
  for (let r = 0; r < res.g.length; r++) (res.lp.c[r] !== 0 ? atoms : others).push(res.V.slice(r * d, (r + 1) * d));
  return { atoms, others };
}

/** Column generation on one data set, from a previous level's directions when given. */
function solveLevel(
  highs: Highs,
  data: Dataset,
  act: Activation,
  o: ColumnGenerationOptions,
  carried: Carried | null,
  t0: number,
  final: boolean,
): ColumnGenerationResult {
  const { n, d, y } = data;
  const pd: PricingData = { n, d, X: data.X, q: squaredNorms(data) };
  const lp = new DictionaryLp(highs, y);
  const dict = new Dictionary(act, pd, lp);
  const even = isEven(act);
  const ctx = { act, pd, y, even };
  try {
    initialDictionary(dict, pd, y, o, carried, even, final);

    let lpSolves = 0;
    let round = 0;
    let last: LpSolution | null = null;
    let firstCut = false;
    let lastRows: number[] = [];
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
      const tLp = o.now();
      // Within a time budget no solve may outlast it: an interrupted re-solve is dropped (the previous
      // optimum stands), an interrupted first solve gives its iterate, an interpolating upper bound only.
      const left = o.timeBudget > 0 ? o.timeBudget - (tLp - t0) / 1000 : Number.POSITIVE_INFINITY;
      const sol = lp.solve(left);
      if (sol.interrupted) {
        if (!last) {
          last = sol;
          lastRows = dict.rows.slice();
          lpSolves++;
          firstCut = true;
        }
        stopped = 'time';
        break;
      }
      const tPricing = o.now();
      lpSolves++;
      last = sol;
      lastRows = dict.rows.slice();
      let cands: Candidate[];
      let slid: Candidate[] = [];
      if (d === 2) {
        const sup = exactSup2d(act, pd, sol.lambda);
        consider(sol.lambda, sup.rho);
        cands = sup.best;
      } else {
        // Dual stabilization (Wentges smoothing): price at a point between the best-bound λ and the LP's
        // extreme-point λ, which damps the oscillation of the simplex duals; columns are kept when they
        // violate the LP's own constraints, and a round without one falls back to the LP's λ.
        const seedR = deriveSeed(o.seed, 'flattest-convex', n, round);
        const atoms = lastRows.filter((_, r) => sol.c[r] !== 0).map((k) => dict.direction(k).slice());
        cands = [];
        if (bestLambda) {
          const lc: Float64Array = bestLambda;
          const sep = sol.lambda.map((v, i) => 0.5 * v + 0.5 * lc[i]);
          const ms = multistart(ctx, sep, atoms, carry, seedR);
          consider(sep, ms.rho);
          cands = violating(act, pd, sol.lambda, ms.best);
        }
        if (cands.length === 0) {
          const ms = multistart(ctx, sol.lambda, atoms, carry, seedR);
          consider(sol.lambda, ms.rho);
          cands = ms.best;
        }
        method = 'multistart-ascent';
        if ((o.slide ?? true) && d > 3) slid = slideAtoms(act, pd, sol.lambda, atoms, 1 + VIOLATION);
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
      o.onRound?.({
        round,
        lpValue: sol.value,
        rho: bestRho,
        gap: gapNow,
        dictionary: dict.K,
        atoms,
        lpSeconds: (tPricing - tLp) / 1000,
        pricingSeconds: (o.now() - tPricing) / 1000,
        lpIterations: sol.iterations,
      });
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
      // Priced columns (capped) and slid atoms (every one that moved above 1: one per atom at most).
      const fresh = dedupe(
        cands
          .filter((c) => c.ratio > 1 + VIOLATION)
          .slice(0, MAX_NEW_COLUMNS)
          .concat(slid)
          .map((c) => c.v),
        even,
      );
      // Directions taken out of the LP earlier that this λ violates come back with the new ones.
      const back2 = dict.violatedOutside(sol.lambda, VIOLATION).slice(0, MAX_NEW_COLUMNS);
      if (fresh.length === 0 && back2.length === 0) {
        // No direction above 1 survived the nudge into its cell: this pricing cannot tighten the bracket.
        stopped = 'gap';
        break;
      }
      if (d > 2) dict.prune(sol.c, sol.activity, n + PRUNE_MARGIN);
      dict.enter(back2);
      dict.add(fresh);
    }
    if (final && last && (o.late?.length ?? 0) > 0) {
      // No time limit after an optimal LP: this re-solve (a few rows added to an optimal basis) is what
      // makes the result at most the warm interpolator, and a budget already spent would drop it. After
      // a first solve cut by the budget it gets one more budget at most.
      dict.add(o.late ?? []);
      const sol = lp.solve(firstCut && o.timeBudget > 0 ? o.timeBudget : Number.POSITIVE_INFINITY);
      if (!sol.interrupted) {
        last = sol;
        lastRows = dict.rows.slice();
        lpSolves++;
      }
    }
    if (!last) throw new Error('column generation: no LP was solved');
    const lpV = new Float64Array(lastRows.length * d);
    const lpG = new Float64Array(lastRows.length);
    lastRows.forEach((k, r) => {
      lpV.set(dict.direction(k), r * d);
      lpG[r] = dict.g[k];
    });
    return {
      V: lpV,
      g: lpG,
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
}

/**
 * The first dictionary of a level, and the basis its first solve starts from (d ≥ 3). Directions:
 * ±x_i/‖x_i‖ (the memorizer's, which span y for generic data; only + for large n, where every row is a
 * dense LP row), the caller's initial directions, a previous level's directions, seeded random
 * directions and the label-weighted second-moment directions (the index space of a multi-index target,
 * estimated without the teacher: spectral-starts.ts). The crash basis: the previous level's atoms plus
 * the data directions of the other samples (value ≈ the previous F_min plus the memorized residuals),
 * else the memorizer's basis. Returns which crash was used.
 */
function initialDictionary(
  dict: Dictionary,
  pd: PricingData,
  y: Float64Array,
  o: ColumnGenerationOptions,
  carried: Carried | null,
  even: boolean,
  final: boolean,
): 'atoms' | 'memorizer' | 'none' {
  const { n, d } = pd;
  const oneSign = even || n > INIT_BOTH_SIGNS_MAX_N;
  const plus = signedDataDirections(pd, true);
  const atoms = carried?.atoms.slice(0, n) ?? [];
  // d ≥ 3: the atoms and +x_i/‖x_i‖ of the last n − #atoms samples come first: they are the crash rows.
  const pending: Float64Array[] = [];
  if (d > 2) {
    pending.push(...atoms, ...plus.slice(atoms.length), ...plus.slice(0, atoms.length));
    if (!oneSign) pending.push(...plus.map((u) => u.map((x) => -x)));
  } else pending.push(...signedDataDirections(pd, oneSign));
  for (const v of o.initial ?? []) {
    const u = unit(v);
    if (u) pending.push(u);
  }
  pending.push(...(carried?.others ?? []), ...(carried?.atoms.slice(n) ?? []));
  // The full data set keeps the seed path of the single-level solver (the d = 2 worked example is pinned).
  const rng0 = new Rng(
    final ? deriveSeed(o.seed, 'flattest-convex', 'init') : deriveSeed(o.seed, 'flattest-convex', 'init', n),
  );
  for (let r = 0; r < Math.min(n, 64); r++) {
    const u = unit(rng0.fillNormal(new Float64Array(d)));
    if (u) pending.push(u);
  }
  if (d > 2) pending.push(...spectralStarts(pd, y, 6, 64, rng0));
  const kept = dedupeIndices(pending, even);
  const rowOf = dict.add(kept.map((i) => pending[i]));
  // d = 2 keeps HiGHS's own start (its exact-arc runs are small, and the worked example is pinned).
  if (d === 2) return 'none';
  // LP row of pending entry i (−1 when deduplicated away or g = 0).
  const pos = new Int32Array(pending.length).fill(-1);
  kept.forEach((i, j) => {
    pos[i] = rowOf[j];
  });
  const first = Array.from(pos.subarray(0, n));
  if (atoms.length > 0 && first.every((r) => r >= 0) && dict.crash(first, y)) return 'atoms';
  // The memorizer's rows: +x_i/‖x_i‖ for every sample (entries atoms.length … atoms.length + n − 1).
  const mem = Array.from(pos.subarray(atoms.length, atoms.length + n));
  if (mem.every((r) => r >= 0) && dict.crash(mem, y)) return 'memorizer';
  return 'none';
}

/** Grid size for the d = 3 certificate: fine (≥ 50,000 points) but with n·G ≤ 4·10⁷ evaluations. */
export function gridPointsFor(n: number): number {
  return Math.max(50_000, Math.min(400_000, Math.floor(4e7 / Math.max(1, n))));
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
