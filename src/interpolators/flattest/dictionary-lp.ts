/**
 * The dictionary LP of the convex flattest-interpolator problem (docs/math.md#convex-flattest, §10), solved by HiGHS
 * (WebAssembly, so it runs in Node and in the browser). For directions v_1..v_K with normalized features
 * φ̃_k = σ(X v_k)/g(v_k), the primal is min ‖c‖₁ s.t. Σ_k c_k φ̃_k = y (c_k = s_k g(v_k)); we hand
 * HiGHS its dual
 *
 *   max λᵀy   s.t.   −1 ≤ φ̃_kᵀλ ≤ 1   (k = 1..K),   λ ∈ Rⁿ,
 *
 * one ranged row per direction, so that column generation in the primal is row generation here: new
 * directions are appended with `addRows` and HiGHS re-solves from the previous basis (which stays dual
 * feasible), typically in a few simplex iterations. The row duals are the primal solution c (checked in
 * the tests against Σ_k c_k φ̃_k = y), and a basic solution has at most n non-zero c_k.
 */
import type { Highs, Model } from 'highs';
import { InputError } from '../../errors.js';

export interface LpSolution {
  /** Optimal value λᵀy (= ‖c‖₁ at the optimum, strong duality on the dictionary). */
  value: number;
  /** Dual vector λ (length n). */
  lambda: Float64Array;
  /** Primal coefficients c_k on the normalized directions (length K, in the LP's current row order). */
  c: Float64Array;
  /** Row activities φ̃_kᵀλ (in [−1, 1] up to HiGHS's feasibility tolerance). */
  activity: Float64Array;
  /** Simplex iterations of this solve. */
  iterations: number;
}

/**
 * |λ_i| is boxed by this multiple of the scale of y: harmless at any real optimum (a primal-feasible
 * dictionary keeps λ bounded) and it keeps the first LPs bounded if the initial directions do not yet
 * span y. A λ at the box is reported as `boxed` so the caller knows the dictionary still needs columns.
 */
const LAMBDA_BOX = 1e8;

/** No time limit (HiGHS accepts only finite option values). */
const NO_TIME_LIMIT = 1e20;

/** HiGHS basis status codes (highs.constants.basisStatus): at lower bound, basic, at upper bound. */
const AT_LOWER = 0;
const BASIC = 1;
const AT_UPPER = 2;

export class DictionaryLp {
  private readonly model: Model;
  private rows = 0;
  readonly n: number;
  private readonly box: number;

  constructor(
    private readonly highs: Highs,
    y: Float64Array,
  ) {
    this.n = y.length;
    let scale = 0;
    for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
    this.box = LAMBDA_BOX * Math.max(1, scale);
    const n = this.n;
    this.model = highs.createModel();
    // Presolve off: every solve after the first starts from the previous basis (a few dual simplex steps).
    // Devex dual edge weights: on these dense rows a steepest-edge update costs an extra FTRAN per
    // iteration, which costs more than the extra iterations Devex needs.
    this.model.options.set({ output_flag: false, presolve: 'off', simplex_dual_edge_weight_strategy: 1 });
    this.model.passModel({
      numCols: n,
      numRows: 0,
      sense: highs.constants.objectiveSense.maximize,
      colCost: Float64Array.from(y),
      colLower: new Float64Array(n).fill(-this.box),
      colUpper: new Float64Array(n).fill(this.box),
      rowLower: new Float64Array(0),
      rowUpper: new Float64Array(0),
      matrix: {
        format: 'csr',
        numRows: 0,
        numCols: n,
        starts: new Int32Array([0]),
        indices: new Int32Array(0),
        values: new Float64Array(0),
      },
    });
  }

  get size(): number {
    return this.rows;
  }

  /**
   * Remove rows (strictly increasing positions). Rows whose slack is basic (c_k = 0) leave the basis
   * valid, so the next solve still starts from it; an inactive row's removal does not move the optimum.
   */
  deleteRows(positions: readonly number[]): void {
    if (positions.length === 0) return;
    this.model.deleteRows({ kind: 'set', indices: Int32Array.from(positions) });
    this.rows -= positions.length;
  }

  /**
   * Start the next solve from the basis in which the given rows (LP positions, n of them) are the
   * active constraints: every λ_i basic, row k at its upper bound when c_k ≥ 0 and at its lower bound
   * otherwise, all other rows basic. With c the solution of Σ_k c_k φ̃_k = y on those rows (e.g. the
   * memorizer's, on the data directions) this basis is dual feasible, so the dual simplex starts at the
   * value ‖c‖₁ instead of building the basis one λ_i at a time (~n extra iterations from the slack basis).
   */
  crashBasis(rows: readonly number[], c: Float64Array): void {
    const colStatus = new Int32Array(this.n).fill(BASIC);
    const rowStatus = new Int32Array(this.rows).fill(BASIC);
    rows.forEach((r, j) => {
      rowStatus[r] = c[j] >= 0 ? AT_UPPER : AT_LOWER;
    });
    this.model.setBasis({ colStatus, rowStatus });
  }

  /** Append directions given by their normalized feature vectors (row-major count×n). */
  addRows(features: Float64Array, count: number): void {
    const n = this.n;
    if (count === 0) return;
    const starts = new Int32Array(count + 1);
    let nnz = 0;
    for (let p = 0; p < count * n; p++) if (features[p] !== 0) nnz++;
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let e = 0;
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < n; i++) {
        const v = features[k * n + i];
        if (v !== 0) {
          indices[e] = i;
          values[e] = v;
          e++;
        }
      }
      starts[k + 1] = e;
    }
    this.model.addRows({
      lower: new Float64Array(count).fill(-1),
      upper: new Float64Array(count).fill(1),
      matrix: { format: 'csr', numRows: count, numCols: n, starts, indices, values },
    });
    this.rows += count;
  }

  /**
   * Solve from the current basis. With `timeLimit` (seconds) a solve that runs out of time returns its
   * last iterate marked `interrupted`: the dual simplex keeps c dual feasible — Σ_k c_k φ̃_k = y with the
   * signs of its bounds — so c is an interpolating measure and ‖c‖₁ an upper bound on the LP value,
   * while λ is not feasible and certifies nothing. Without a limit HiGHS runs to optimality.
   */
  solve(timeLimit = Number.POSITIVE_INFINITY): LpSolution & { boxed: boolean; interrupted: boolean } {
    const before = Number(this.model.info.get('simplex_iteration_count'));
    // HiGHS's time limit is cumulative over a model's runs: restart its clock for this solve.
    this.model.zeroAllClocks();
    this.model.options.set({ time_limit: Number.isFinite(timeLimit) ? Math.max(timeLimit, 1e-3) : NO_TIME_LIMIT });
    this.model.run();
    const status = this.model.getModelStatus();
    const interrupted = status === this.highs.constants.modelStatus.timeLimit;
    if (!interrupted && status !== this.highs.constants.modelStatus.optimal) {
      throw new InputError(`flattest (convex): the dictionary LP ended with HiGHS status ${status}, not optimal`);
    }
    const sol = this.model.getSolution();
    const lambda = Float64Array.from(sol.colValue);
    let boxed = false;
    for (let i = 0; i < lambda.length; i++) if (Math.abs(lambda[i]) >= 0.999 * this.box) boxed = true;
    const iterations = Number(this.model.info.get('simplex_iteration_count'));
    const c = Float64Array.from(sol.rowDual);
    let l1 = 0;
    for (let k = 0; k < c.length; k++) l1 += Math.abs(c[k]);
    return {
      value: interrupted ? l1 : this.model.getObjectiveValue(),
      lambda,
      c,
      activity: Float64Array.from(sol.rowValue),
      iterations: Number.isFinite(iterations - before) ? Math.max(0, iterations - before) : 0,
      boxed,
      interrupted,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
