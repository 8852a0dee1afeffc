/**
 * The certificate `construct flattest` records with its interpolator (docs/math.md#convex-flattest): a
 * leaf file, so the constructions' shared types can name it without importing the solver.
 */
export interface FlattestCertificate {
  /**
   * λᵀy / ρ(λ): a lower bound on F_min when `certified`; otherwise an estimate (ρ is then a maximum over
   * the directions and cells the pricing visited, so λᵀy/ρ can exceed F_min).
   */
  lower: number;
  /** F* of the returned interpolator (an upper bound on F_min). */
  upper: number;
  /**
   * True when ρ(λ) was computed over the whole sphere: d = 2 exactly (arcs), d = 3 grid + refinement,
   * d ≥ 4 by enumerating every cell of the arrangement when it has at most `cellLimit` cells.
   */
  certified: boolean;
  /** 2 Σ_{j<d} C(n − 1, j): the cells of the data's hyperplane arrangement (general position), and the enumeration limit. */
  cells: number;
  cellLimit: number;
  /**
   * Where warm-start directions (a network's neurons, e.g. the teacher's) entered: nowhere ('cold'), the
   * first dictionary ('warm') or only the last LP after a cold search ('warm-last').
   */
  start: 'cold' | 'warm' | 'warm-last';
  /**
   * Live neurons of the result whose direction is a warm-start direction: equal to `atoms` when the result
   * is the warm interpolator itself, 0 when the solver found every atom (the source of the F_min value).
   */
  warmAtoms: number;
  /** Relative gap (upper − lower)/upper. */
  gap: number;
  /** Live neurons of the result (≤ n). */
  atoms: number;
  lpSolves: number;
  /**
   * Where the returned interpolator comes from: the last LP's atoms ('lp'), or the seed search's network,
   * merged and polished ('search'), when that is flatter.
   */
  source: 'lp' | 'search';
  /** F* of the cold gradient search that seeded the first dictionary (`searchStart`), null without one. */
  seedFStar: number | null;
  seconds: number;
  /** How ρ(λ) was obtained. */
  method: 'exact-arcs' | 'grid-refined' | 'cell-enumeration' | 'multistart-ascent' | 'trivial';
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
