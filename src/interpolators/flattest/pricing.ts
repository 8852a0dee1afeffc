/**
 * Pricing for the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10): for a dual
 * vector λ, the ratio R(v) = |Σ_i λ_i σ(vᵀx_i)| / g(v) over unit directions v, with
 *   g(v) = 2 √( (1/n) Σ_i σ(vᵀx_i)² · (1/n) Σ_i σ′(vᵀx_i)² q_i ),   q_i = ‖x_i‖²,
 * the per-unit-mass F* of a neuron with direction v. ρ(λ) = sup_v R(v) gives the weak-duality bound
 * F_min ≥ λᵀy / ρ(λ); a direction with R(v) > 1 is a column that lowers the dictionary LP.
 *
 * This file evaluates R one direction at a time (the reference evaluation, used to re-check candidates
 * and by the d = 2 enumeration); batch-ascent.ts evaluates and ascends many directions at once.
 */
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
