/**
 * The flattest interpolator for 1-homogeneous activations (relu, leaky-relu, abs), exactly, with a
 * certificate (docs/math.md#convex-flattest, §10). Over all widths, F_min = min ∫ g d|μ| subject to
 * ∫ σ(vᵀx_i) dμ(v) = y_i is convex; column generation (src/interpolators/flattest/) solves it to a
 * relative duality gap, the LP's basic solution gives ≤ n atoms, which become neurons
 * (a_j, w_j) = (s_j, v_j), are polished to the interpolation tolerance by least squares on the support
 * (Gauss–Newton if that is not enough) and written at the balanced point of their orbit (A_j = B_j).
 *
 * The certificate brackets F_min: `upper` is F* of the returned interpolator, `lower` = λᵀy / ρ(λ)
 * (weak duality), `certified` only when ρ(λ) was computed over the whole sphere (exact arcs for d = 2,
 * a fine grid with refinement for d = 3, every cell of a small enough hyperplane arrangement for d ≥ 4);
 * otherwise `lower` is an estimate: ρ is then the largest ratio over the cells the pricing visited, and
 * λᵀy divided by it is not a bound.
 */
import type { Highs } from 'highs';
import { type Dataset, squaredNorms } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { solveLeastSquares } from '../linalg/solve.js';
import { type Activation, type ActivationSpec, makeActivation } from '../model/activations.js';
import { createNetwork, loss, type Network } from '../model/network.js';
import { balance, invariantFlatness } from '../symmetry/invariant.js';
import { gaussNewtonStep } from '../training/gauss-newton.js';
import { checkInterpolates, defaultTol, featureMatrix, type Interpolator, requireData } from './common.js';
import { arrangementCells, CELL_ENUMERATION_LIMIT, enumeratedSup } from './flattest/cell-enumeration.js';
import type { FlattestCertificate } from './flattest/certificate.js';
import {
  type ColumnGenerationResult,
  gridPointsFor,
  type RoundInfo,
  runColumnGeneration,
} from './flattest/column-generation.js';
import { loadHighsSolver } from './flattest/highs-loader.js';
import { onPortableBackend } from './flattest/portable.js';
import { MERGE_COSINES, mergeNeurons, STRAY_SHARE, searchSeed } from './flattest/search-seed.js';
import { gridSup3d } from './flattest/sphere-sup.js';

/** Largest data sets the convex solver accepts (a dense n-column LP and O(n²d) pricing per round). */
export const FLATTEST_MAX_N = 5000;
export const FLATTEST_MAX_D = 2000;

export type { FlattestCertificate } from './flattest/certificate.js';

export interface FlattestConvexOptions {
  /** Target relative duality gap (default 1e-3). */
  gap?: number;
  /** Seed of the random directions (default 0). */
  seed?: number;
  /** Interpolation tolerance on max_i |f(x_i) − y_i| (default 1e-8 · max(1, max|y|)). */
  tol?: number;
  /** Column-generation rounds at most (default 400). */
  maxRounds?: number;
  /** Wall-clock budget in seconds (0 = none, the default). */
  timeBudget?: number;
  /** Grid points on S² for the d = 3 certificate (default: ≥ 50,000, n·G ≤ 4·10⁷). */
  gridPoints?: number;
  /**
   * d ≥ 4: the largest hyperplane arrangement (2 Σ_{j<d} C(n − 1, j) cells) whose cells are all visited
   * to certify the lower bound (default CELL_ENUMERATION_LIMIT); above it the bound is an estimate.
   */
  cellLimit?: number;
  /** A loaded HiGHS instance (default: load the `highs` package's WebAssembly once). */
  highs?: Highs;
  onRound?: (r: RoundInfo) => void;
  now?: () => number;
  /**
   * Warm start: the live neurons' directions w_j/‖w_j‖ of these networks (e.g. the teacher, or a
   * gradient search's result) join the initial dictionary. The LP over a dictionary holding an
   * interpolator's directions is at most that interpolator's F* (up to its interpolation residual).
   */
  warmStart?: readonly Network[];
  /**
   * Where the warm-start directions enter: 'first' (default) in the first dictionary; 'last' only in the
   * last LP, after a cold search: the result is at most both the cold search's LP and the warm
   * interpolators' F* (a warm first dictionary can hold the LP at the warm interpolator's vertex).
   */
  warmAt?: 'first' | 'last';
  /**
   * d ≥ 4, n ≥ SEED_MIN_N: a cold flattest gradient search (flattest/search-seed.ts; no teacher) runs
   * first, on at most SEED_SHARE of the time budget; its neurons' directions join the first dictionary,
   * and its merged, polished network is returned when flatter than the LP's (default false).
   */
  searchStart?: boolean;
  /** Slide the LP's active atoms after every LP (d ≥ 4; default true): flattest/sliding.ts. */
  slide?: boolean;
}

/**
 * The seed search runs from this many samples: below, the column generation stalls within its budget
 * from the memorizer, and a seeded first dictionary held it at a less flat vertex (d = 30, n = 80,
 * relu+relu: 10.83 seeded against 10.80 without).
 */
const SEED_MIN_N = 150;

/** The share of a time budget the seed search may use. */
const SEED_SHARE = 0.3;

/**
 * The share of the time left that the column generation gets: its last pricing round, the polish and
 * the bound's check run after it (seconds at n = 1000), and the whole solve is to keep its budget.
 */
const CG_SHARE = 0.93;

/** The seed candidates are polished to this fraction of the interpolation tolerance (Gauss–Newton converges quadratically). */
const SEED_POLISH = 1e-4;

/** The LP value must exceed the seed's F* by this relative amount for its polish to be skipped. */
const LP_LOSES = 1e-6;

/** Relative margin by which the seed's interpolator must beat the LP's to be returned instead. */
const SEED_MARGIN = 1e-9;

export interface FlattestInterpolator extends Interpolator {
  certificate: FlattestCertificate;
}

/** Refuse what the convex formulation does not cover, pointing to the gradient search. */
export function requireConvexActivation(act: Activation): void {
  if (act.degree !== 1) {
    const why = act.degree === null ? 'is not homogeneous' : `is ${act.degree}-homogeneous`;
    throw new InputError(
      `construct flattest: the convex formulation needs a 1-homogeneous activation (relu, leaky-relu:α, abs); ${act.label} ${why} — use \`flatlab train --algo flattest\` instead`,
    );
  }
}

/** Refuse data sets beyond the convex solver's limits (a dense n-column LP, O(n d²) pricing steps). */
export function checkFlattestLimits(data: Pick<Dataset, 'n' | 'd'>): void {
  const { n, d } = data;
  if (n > FLATTEST_MAX_N || d > FLATTEST_MAX_D) {
    throw new InputError(
      `construct flattest: the data set (n = ${n}, d = ${d}) exceeds the convex solver's limits n ≤ ${FLATTEST_MAX_N}, d ≤ ${FLATTEST_MAX_D}`,
    );
  }
}

export async function flattestConvex(
  data: Dataset,
  activation: Activation | ActivationSpec,
  opts: FlattestConvexOptions = {},
): Promise<FlattestInterpolator> {
  requireData(data, 'construct flattest');
  const act = 'f' in activation ? activation : makeActivation(activation);
  requireConvexActivation(act);
  const gap = targetGap(opts.gap);
  checkFlattestLimits(data);
  const { n, d } = data;
  const seed = opts.seed ?? 0;
  const tol = opts.tol ?? defaultTol(data.y);
  const now = opts.now ?? (() => Date.now());
  const t0 = now();
  if (data.y.every((v) => v === 0)) return zeroInterpolator(data, act, tol, gap, seed, (now() - t0) / 1000);

  const highs = opts.highs ?? (await loadHighsSolver());
  const warm = warmDirections(opts.warmStart ?? [], d);
  const warmAt = opts.warmAt ?? 'first';
  const cellLimit = opts.cellLimit ?? CELL_ENUMERATION_LIMIT;
  const budget = opts.timeBudget ?? 0;
  // Before the column generation, whose budget is what the seed and its candidates leave.
  const { seedNet, seedBest } = seedSearch(data, act, opts.searchStart === true, seed, budget, tol);
  const placed = warmPlacement(warm, warmAt);
  const cg = runColumnGeneration(highs, data, act, {
    gap,
    seed,
    maxRounds: opts.maxRounds ?? 400,
    gridPoints: opts.gridPoints,
    timeBudget: budgetLeft(budget, (now() - t0) / 1000),
    now,
    onRound: opts.onRound,
    slide: opts.slide,
    initial: [...warmDirections(seedNet ? [seedNet] : [], d), ...placed.initial],
    late: placed.late,
  });
  return flattestResult(act, data, cg, {
    seedNet,
    seedBest,
    gap,
    seed,
    tol,
    warm,
    warmAt,
    cellLimit,
    gridPoints: opts.gridPoints ?? gridPointsFor(n),
    seconds: () => (now() - t0) / 1000,
  });
}

/** The target relative gap: 1e-3 unless given, and a number in (0, 1). */
function targetGap(given: number | undefined): number {
  const gap = given ?? 1e-3;
  if (!(gap > 0) || !(gap < 1)) throw new InputError(`construct flattest: gap must be a number in (0, 1) (got ${gap})`);
  return gap;
}

/** The column generation's share of what a time budget has left after `spent` seconds (0: no budget). */
function budgetLeft(budget: number, spent: number): number {
  return budget > 0 ? Math.max(1e-3, CG_SHARE * (budget - spent)) : 0;
}

/** The cold seed search (when asked for and the problem is large enough) and its best interpolator. */
function seedSearch(
  data: Dataset,
  act: Activation,
  asked: boolean,
  seed: number,
  budget: number,
  tol: number,
): { seedNet: Network | null; seedBest: SeedCandidate | null } {
  if (!asked || data.d <= 3 || data.n < SEED_MIN_N) return { seedNet: null, seedBest: null };
  const seedNet = searchSeed(data, act, seed, SEED_SHARE * budget);
  return { seedNet, seedBest: seedCandidate(seedNet, data, tol) };
}

/** A polished interpolator from the seed search and its F*. */
interface SeedCandidate {
  net: Network;
  cond: number | null;
  fStar: number;
}

/** What the result of a solve records besides the column generation's own output. */
interface SolveSettings {
  /** The cold search's network (searchStart), or null. */
  seedNet: Network | null;
  /** Its flattest merged and polished interpolator, or null. */
  seedBest: SeedCandidate | null;
  gap: number;
  seed: number;
  tol: number;
  warm: readonly Float64Array[];
  warmAt: 'first' | 'last';
  cellLimit: number;
  gridPoints: number;
  /** Seconds since the solve started. */
  seconds: () => number;
}

/** The interpolator of a finished column generation: its atoms polished and balanced, and the certificate of F_min's bracket. */
function flattestResult(
  act: Activation,
  data: Dataset,
  cg: ColumnGenerationResult,
  o: SolveSettings,
): FlattestInterpolator {
  const { n, d } = data;
  const { lambda } = cg;
  const certified = certifyBound(act, data, cg, o.gridPoints, o.cellLimit);
  let rho = certified.rho;
  const method = certified.method;
  let ly = 0;
  for (let i = 0; i < n; i++) ly += lambda[i] * data.y[i];
  const { chosen, fromSeed } = chooseNetwork(lpAtoms(cg, act, d), cg.lp.value, data, o);
  const { net: polished, cond } = chosen;
  const net = balance(polished, data);
  const maxResidual = checkInterpolates(net, data, 'construct flattest', o.tol);
  const upper = invariantFlatness(net, data).value;
  // ρ = ∞: no pricing ran at the final λ (its first solve was cut by the time budget): no bound.
  if (!Number.isFinite(rho)) rho = 0;
  const lower = rho > 0 ? Math.max(0, ly / rho) : 0;
  const certificate: FlattestCertificate = {
    lower,
    upper,
    certified: method === 'exact-arcs' || method === 'grid-refined' || method === 'cell-enumeration',
    cells: arrangementCells(n, d),
    cellLimit: o.cellLimit,
    start: warmStartKind(o.warm, o.warmAt),
    warmAtoms: countWarmAtoms(net, o.warm),
    gap: upper > 0 ? Math.max(0, (upper - lower) / upper) : 0,
    atoms: liveNeurons(net),
    lpSolves: cg.lpSolves,
    source: fromSeed ? 'search' : 'lp',
    seedFStar: o.seedNet ? invariantFlatness(o.seedNet, data).value : null,
    seconds: o.seconds(),
    method,
    rho,
    lpValue: cg.lp.value,
    rounds: cg.rounds,
    dictionary: cg.K,
    targetGap: o.gap,
    stopped: cg.stopped,
  };
  return {
    net,
    construction: {
      kind: 'flattest',
      width: net.m,
      maxResidual,
      tol: o.tol,
      cond,
      seed: o.seed,
      balanced: true,
      certificate,
    },
    certificate,
  };
}

/**
 * The LP's atoms polished, or the seed search's best merged network when it is flatter. An LP far above
 * the seed's interpolator is not polished (the polish moves F* at the tolerance's scale, and at
 * n = 2000 a basis of n atoms costs a dense n×n least squares and more); the seed's interpolator wins
 * only by more than rounding (the choice must not flip across backends).
 */
function chooseNetwork(
  atoms: Network,
  lpValue: number,
  data: Dataset,
  o: SolveSettings,
): { chosen: { net: Network; cond: number | null }; fromSeed: boolean } {
  const { seedBest } = o;
  const lpLoses = seedBest !== null && lpValue > seedBest.fStar * (1 + LP_LOSES);
  const lpNet = lpLoses ? null : polish(atoms, data, o.tol);
  const lpUpper =
    lpNet && interpolates(lpNet.net, data, o.tol) ? invariantFlatness(lpNet.net, data).value : Number.POSITIVE_INFINITY;
  const fromSeed = seedBest !== null && seedBest.fStar < lpUpper * (1 - SEED_MARGIN);
  const chosen = fromSeed || !lpNet ? seedBest : lpNet;
  if (!chosen) throw new Error('construct flattest: neither the LP nor the seed gave a network');
  return { chosen, fromSeed };
}

function interpolates(net: Network, data: Dataset, tol: number): boolean {
  return loss(net, data).maxResidual <= tol;
}

/**
 * The seed search's network as an interpolator: its near-parallel neurons merged at each cosine of
 * MERGE_COSINES (with and without the stray neurons), polished onto the interpolation set and compared
 * on the portable backend (the choice must not depend on the GEMM), the flattest that interpolates (the
 * unmerged network's polish is a Gauss–Newton problem on all its neurons: tens of seconds at
 * n = 1000, and a cluster merged is flatter). Null when none interpolates.
 */
function seedCandidate(seedNet: Network, data: Dataset, tol: number): SeedCandidate | null {
  let best: SeedCandidate | null = null;
  const starts = MERGE_COSINES.flatMap((c) => [mergeNeurons(seedNet, c), mergeNeurons(seedNet, c, STRAY_SHARE)]);
  for (const start of starts) {
    // Polished past the tolerance: a seed that recovers an exact interpolator should reach it, not stop near it.
    const p = onPortableBackend(() => polish(start, data, SEED_POLISH * tol));
    const fStar = onPortableBackend(() =>
      interpolates(p.net, data, tol) ? invariantFlatness(p.net, data).value : null,
    );
    if (fStar === null) continue;
    if (!best || fStar < best.fStar) best = { ...p, fStar };
  }
  return best;
}

/** The warm-start directions as the column generation takes them: in the first LP, or added last as unit directions. */
function warmPlacement(
  warm: Float64Array[],
  warmAt: 'first' | 'last',
): { initial: Float64Array[]; late: Float64Array[] } {
  return {
    initial: warmAt === 'first' ? warm : [],
    late: warmAt === 'last' ? warm.map(unitDirection).filter((u): u is Float64Array => u !== null) : [],
  };
}

/** How the solve started: cold, or warm with the warm-start directions first or last. */
function warmStartKind(warm: readonly Float64Array[], warmAt: 'first' | 'last'): FlattestCertificate['start'] {
  if (warm.length === 0) return 'cold';
  return warmAt === 'first' ? 'warm' : 'warm-last';
}

/**
 * The bound ρ(λ) at the returned λ, certified where the dimension allows: on the grid for d = 3 (the
 * loop's best bound may come from an ascent estimate), cell by cell for a small arrangement at d > 3.
 */
function certifyBound(
  act: Activation,
  data: Dataset,
  cg: ColumnGenerationResult,
  gridPoints: number,
  cellLimit: number,
): { rho: number; method: FlattestCertificate['method'] } {
  const { n, d } = data;
  const q = squaredNorms(data);
  if (d === 3) {
    const sup = gridSup3d(act, { n, d, X: data.X, q }, cg.lambda, gridPoints);
    return { rho: Math.max(cg.rho, sup.rho), method: 'grid-refined' };
  }
  if (d > 3) {
    // ρ(λ) exact, the bound certified.
    const ex = enumeratedSup(act, { n, d, X: data.X, q }, cg.lambda, cellLimit);
    if (ex.kind === 'exact') return { rho: Math.max(cg.rho, ex.rho), method: 'cell-enumeration' };
  }
  return { rho: cg.rho, method: cg.method };
}

/**
 * The network of the LP's basic solution: atoms s_k = c_k / g(v_k) on unit directions v_k. (The last LP
 * may predate directions added after it: only its own rows carry a c_k.)
 */
function lpAtoms(cg: ColumnGenerationResult, act: Activation, d: number): Network {
  const c = cg.lp.c;
  let cMax = 0;
  for (let k = 0; k < c.length; k++) cMax = Math.max(cMax, Math.abs(c[k]));
  const idx: number[] = [];
  for (let k = 0; k < c.length; k++) if (Math.abs(c[k]) > 1e-12 * cMax) idx.push(k);
  if (idx.length === 0) throw new Error('construct flattest: the LP returned no atoms for a non-zero y');
  const m = idx.length;
  const W = new Float64Array(m * d);
  const a = new Float64Array(m);
  idx.forEach((k, j) => {
    W.set(cg.V.subarray(k * d, (k + 1) * d), j * d);
    a[j] = cg.lp.c[k] / cg.g[k];
  });
  return createNetwork(act, a, W, d);
}

function warmDirections(nets: readonly Network[], d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const net of nets) {
    if (net.d !== d) {
      throw new InputError(`construct flattest: a warm-start network has d = ${net.d}, the data have d = ${d}`);
    }
    for (let j = 0; j < net.m; j++) if (net.a[j] !== 0) out.push(net.W.slice(j * d, (j + 1) * d));
  }
  return out;
}

function unitDirection(v: Float64Array): Float64Array | null {
  let s = 0;
  for (const x of v) s += x * x;
  return s > 0 && Number.isFinite(s) ? v.map((x) => x / Math.sqrt(s)) : null;
}

/** Live neurons of net whose direction is one of the warm-start directions (cosine > 1 − 1e-9). */
function countWarmAtoms(net: Network, warm: readonly Float64Array[]): number {
  const d = net.d;
  const units = warm.map(unitDirection).filter((u): u is Float64Array => u !== null);
  let c = 0;
  for (let j = 0; j < net.m; j++) {
    if (net.a[j] === 0) continue;
    const w = unitDirection(net.W.slice(j * d, (j + 1) * d));
    if (w && units.some((u) => u.reduce((s, x, k) => s + x * w[k], 0) > 1 - 1e-9)) c++;
  }
  return c;
}

function liveNeurons(net: Network): number {
  let c = 0;
  for (let j = 0; j < net.m; j++) if (net.a[j] !== 0) c++;
  return c;
}

/**
 * Bring the LP's atoms to the interpolation tolerance: least squares for the masses on the fixed
 * support (the LP is only feasible to HiGHS's tolerance, ~1e-9 relative), repeated as iterative
 * refinement; then damped Gauss–Newton (which also moves the directions, minimally) if needed.
 */
function polish(net0: Network, data: Dataset, tol: number): { net: Network; cond: number | null } {
  let net = net0;
  let cond: number | null = null;
  const { n, d, X } = data;
  const Phi = featureMatrix(net.act, X, n, d, net.W, net.m);
  for (let pass = 0; pass < 3; pass++) {
    const { r, maxResidual } = loss(net, data);
    if (maxResidual <= tol) break;
    let delta: Float64Array;
    try {
      const ls = solveLeastSquares(Phi, n, net.m, r, { maxCond: 1e14 });
      delta = ls.x;
      cond = ls.cond;
    } catch {
      break;
    }
    const a = net.a.slice();
    for (let j = 0; j < net.m; j++) a[j] -= delta[j];
    const cand = { ...net, a };
    if (loss(cand, data).maxResidual < maxResidual) net = cand;
    else break;
  }
  const st = { mu: 1e-6 };
  for (let it = 0; it < 50 && loss(net, data).maxResidual > tol; it++) {
    const r = gaussNewtonStep(net, data, st);
    if (!r) break;
    net = r.net;
  }
  return { net, cond };
}

/** y ≡ 0 is interpolated by the zero function: one dead neuron, F* = 0, an exact (trivial) bracket. */
function zeroInterpolator(
  data: Dataset,
  act: Activation,
  tol: number,
  gap: number,
  seed: number,
  seconds: number,
): FlattestInterpolator {
  const W = new Float64Array(data.d);
  W[0] = 1;
  const net = createNetwork(act, new Float64Array(1), W, data.d);
  const certificate: FlattestCertificate = {
    lower: 0,
    upper: 0,
    certified: true,
    cells: arrangementCells(data.n, data.d),
    cellLimit: CELL_ENUMERATION_LIMIT,
    start: 'cold',
    warmAtoms: 0,
    gap: 0,
    atoms: 0,
    lpSolves: 0,
    source: 'lp',
    seedFStar: null,
    seconds,
    method: 'trivial',
    rho: 0,
    lpValue: 0,
    rounds: 0,
    dictionary: 0,
    targetGap: gap,
    stopped: 'gap',
  };
  return {
    net,
    construction: { kind: 'flattest', width: 1, maxResidual: 0, tol, cond: null, seed, balanced: true, certificate },
    certificate,
  };
}
