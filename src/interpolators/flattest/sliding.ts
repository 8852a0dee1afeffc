/**
 * Sliding atoms (docs/math.md#sliding-atoms): after an LP, every active atom moves a few steps up its
 * own ratio R_λ(v) = |Σ_i λ_i σ(vᵀx_i)| / g(v) at the LP's dual λ — the gradient of the Lagrangian
 * Σ_k |c_k| + λᵀ(y − Σ_k c_k φ̃(v_k)) in v_j is −|c_j| ∇R_λ(v_j), so these moves are the joint descent
 * of the objective at fixed interpolation to first order (the nonconvex refinement of sliding
 * Frank–Wolfe / ADCG). The moved atoms join the LP beside the old ones, whose re-solve keeps each move
 * only as far as it lowers Σ|c| at exact interpolation (the masses are re-optimized), and rows left
 * slack are pruned by the dictionary. Unlike the pricing's multi-start, which ascends only the best
 * starts of a large pool, every atom moves, and only locally: no cell-optimum jumps, small angles.
 */
import type { Activation } from '../../model/activations.js';
import { batchAscend } from './batch-ascent.js';
import type { Candidate } from './multistart.js';
import type { PricingData } from './pricing.js';

/** Gradient steps per atom (adaptive angle from 0.2 rad, no cell-optimum jumps: a local move). */
export const SLIDE_STEPS = 6;

/** The moved atoms whose ratio exceeds `above` (columns that lower the LP), best first. */
export function slideAtoms(
  act: Activation,
  pd: PricingData,
  lambda: Float64Array,
  atoms: readonly Float64Array[],
  above: number,
): Candidate[] {
  const { d } = pd;
  const S = atoms.length;
  if (S === 0) return [];
  const V0 = new Float64Array(S * d);
  atoms.forEach((v, s) => {
    V0.set(v, s * d);
  });
  const { V, ratio } = batchAscend(act, pd, lambda, V0, S, { iters: SLIDE_STEPS, jumps: 0 });
  const out: Candidate[] = [];
  for (let s = 0; s < S; s++) if (ratio[s] > above) out.push({ v: V.slice(s * d, (s + 1) * d), ratio: ratio[s] });
  return out.sort((u, w) => w.ratio - u.ratio);
}
