/**
 * ρ(λ) = sup_v R(v) estimated for d ≥ 3 (docs/math.md#convex-flattest, §10), where the sphere cannot be
 * searched exhaustively: rank a pool of starts by one batched evaluation, then ascend from the best.
 * The pool: ±x_i/‖x_i‖, the LP's atoms and perturbed copies of them (the cells next to the current
 * solution), the second-moment directions of λ and of y (spectral-starts.ts: where the numerator's
 * Hermite expansion is large — the index space of a multi-index target, found without the teacher),
 * last round's best directions, seeded random directions, and random directions moved by three
 * cell-optimum jumps (consistent cells far from the data directions, where a ranking of raw starts
 * would never look).
 */
import type { Activation } from '../../model/activations.js';
import { Rng } from '../../rng/xoshiro.js';
import { batchAscend, batchRatios } from './batch-ascent.js';
import { walkCells } from './cell-pricing.js';
import type { PricingData } from './pricing.js';
import { spectralStarts } from './spectral-starts.js';
import { signedDataDirections, unit } from './sphere.js';

/** Ascents per pricing round: every local maximum above 1 can become a column. */
export const STARTS = 96;

/**
 * Ascended directions finished by exact cell walks (cell-pricing.ts), best first. The ascent crosses
 * many cells per step but stops on a cell boundary short of the cell's optimum; a walk started from a
 * random or data direction moves one cell at a time and stays far below the ascent (measured at
 * n = 1000, d = 50: mean ratio 4.6 against the ascent's 23), so the ascent seeds the walks.
 */
export const WALKS = 12;

/**
 * A cell solve costs O(n d²): the walks per round shrink as WALK_WORK / (n d²) (12 at n = 200, d = 20;
 * 3 at n = 300, d = 30; 1 above n d² = 480,000), so they never dominate a round at scale.
 */
const WALK_WORK = WALKS * 200 * 20 * 20;

export function walksFor(n: number, d: number): number {
  return Math.max(1, Math.min(WALKS, Math.floor(WALK_WORK / (n * d * d))));
}

/** Random starts moved by three cell-optimum jumps before the ranking. */
const JUMP_STARTS = 128;

/** Dominant eigen-directions of the second moments, and random mixtures of them. */
const SPECTRAL_DIRECTIONS = 6;
const SPECTRAL_MIXTURES = 64;

export interface Candidate {
  v: Float64Array;
  ratio: number;
}

export interface MultistartContext {
  act: Activation;
  pd: PricingData;
  /** The labels (for the label-weighted second moment). */
  y: Float64Array;
  /** σ(−t) = σ(t): ±v are the same column. */
  even: boolean;
}

/**
 * The largest ratio seen and the ascended directions, best first. `atoms` are the unit directions of the
 * LP's current atoms, `carry` last round's best.
 */
export function multistart(
  ctx: MultistartContext,
  lambda: Float64Array,
  atoms: readonly Float64Array[],
  carry: readonly Float64Array[],
  seed: number,
): { rho: number; best: Candidate[] } {
  const { act, pd, even } = ctx;
  const { n, d } = pd;
  const rng = new Rng(seed);
  const pool = signedDataDirections(pd, even);
  pool.push(...atoms, ...carry);
  pool.push(...spectralStarts(pd, lambda, SPECTRAL_DIRECTIONS, SPECTRAL_MIXTURES, rng));
  pool.push(...spectralStarts(pd, ctx.y, SPECTRAL_DIRECTIONS, SPECTRAL_MIXTURES, rng));
  const R = Math.max(64, 2 * d);
  for (let r = 0; r < R; r++) {
    const u = unit(rng.fillNormal(new Float64Array(d)));
    if (u) pool.push(u);
  }
  for (let k = 0; k < atoms.length && k < 5 * n; k++) {
    const v = atoms[k].slice();
    for (let t = 0; t < d; t++) v[t] += 0.3 * rng.normal();
    const u = unit(v);
    if (u) pool.push(u);
  }
  const Rj = new Float64Array(JUMP_STARTS * d);
  for (let r = 0; r < JUMP_STARTS; r++) Rj.set(unit(rng.fillNormal(new Float64Array(d))) ?? new Float64Array(d), r * d);
  const moved = batchAscend(act, pd, lambda, Rj, JUMP_STARTS, { iters: 3, jumps: 3 });
  for (let r = 0; r < JUMP_STARTS; r++) pool.push(moved.V.slice(r * d, (r + 1) * d));

  const P = new Float64Array(pool.length * d);
  pool.forEach((v, k) => {
    P.set(v, k * d);
  });
  const { ratio } = batchRatios(act, pd, lambda, P, pool.length);
  const order = Array.from(ratio.keys()).sort((a, b) => ratio[b] - ratio[a]);
  let rho = ratio[order[0]] ?? 0;
  for (let r = 0; r < JUMP_STARTS; r++) rho = Math.max(rho, moved.ratio[r]);
  const starts = Math.min(order.length, STARTS);
  const S0 = new Float64Array(starts * d);
  for (let s = 0; s < starts; s++) S0.set(P.subarray(order[s] * d, (order[s] + 1) * d), s * d);
  const asc = batchAscend(act, pd, lambda, S0, starts);
  const best: Candidate[] = [];
  for (let s = 0; s < starts; s++) {
    rho = Math.max(rho, asc.ratio[s]);
    best.push({ v: asc.V.slice(s * d, (s + 1) * d), ratio: asc.ratio[s] });
  }
  best.sort((a, b) => b.ratio - a.ratio);
  const walked: Candidate[] = [];
  for (const c of best.slice(0, walksFor(n, d))) {
    const w = walkCells(act, pd, lambda, c.v);
    if (w && w.ratio > c.ratio) walked.push({ v: w.v, ratio: w.ratio });
    if (w) rho = Math.max(rho, w.ratio);
  }
  const all = walked.concat(best).sort((a, b) => b.ratio - a.ratio);
  return { rho, best: all };
}
