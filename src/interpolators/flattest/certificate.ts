/**
 * The certificate `construct flattest` records with its interpolator (docs/math.md#convex-flattest): a
 * leaf file, so the constructions' shared types can name it without importing the solver.
 */
export interface FlattestCertificate {
  /** Lower bound λᵀy / ρ(λ) on F_min (an estimate unless `certified`). */
  lower: number;
  /** F* of the returned interpolator (an upper bound on F_min). */
  upper: number;
  /** True when ρ(λ) was computed over the whole sphere (d = 2 exactly, d = 3 grid + refinement). */
  certified: boolean;
  /** Relative gap (upper − lower)/upper. */
  gap: number;
  /** Live neurons of the result (≤ n). */
  atoms: number;
  lpSolves: number;
  seconds: number;
  /** How ρ(λ) was obtained. */
  method: 'exact-arcs' | 'grid-refined' | 'multistart-ascent' | 'trivial';
  rho: number;
  /** Value of the last dictionary LP (before the polish). */
  lpValue: number;
  rounds: number;
  /** Directions in the final dictionary. */
  dictionary: number;
  /** The gap asked for. */
  targetGap: number;
  /**
   * Why column generation stopped: the gap was reached, the round or time limit, or the LP value stalled
   * (d ≥ 3: the multi-start pricing only finds marginal columns; the gap reported is then the honest one).
   */
  stopped: 'gap' | 'rounds' | 'time' | 'stalled';
}
