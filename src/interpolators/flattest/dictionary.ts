/**
 * The directions column generation has found (docs/math.md#convex-flattest, §10), and which of them are
 * rows of the dictionary LP now. Every direction ever found stays in the dictionary; the LP holds only
 * the rows that can matter. A row whose dual c_k is 0 and whose constraint |φ̃_kᵀλ| ≤ 1 has been slack
 * for a few rounds is taken out (removing an inactive constraint leaves the LP's optimum optimal), which
 * keeps every simplex iteration at the cost of ~n rows instead of the ever-growing dictionary; a removed
 * direction that a later λ violates comes back (`violatedOutside`).
 */
import { IllConditionedError, solveSquare } from '../../linalg/solve.js';
import type { Activation } from '../../model/activations.js';
import { batchRatios } from './batch-ascent.js';
import type { DictionaryLp } from './dictionary-lp.js';
import { onPortableBackend } from './portable.js';
import type { PricingData } from './pricing.js';

/** A row leaves the LP after this many consecutive rounds with c_k = 0 and |φ̃_kᵀλ| < 1 − DROP_SLACK. */
const DROP_AGE = 3;
const DROP_SLACK = 0.05;

export class Dictionary {
  V: Float64Array;
  g: Float64Array;
  K = 0;
  /** Dictionary index of each LP row, in the LP's row order. */
  rows: number[] = [];
  private inLp: Uint8Array;
  private idle: number[] = [];
  constructor(
    private readonly act: Activation,
    private readonly pd: PricingData,
    private readonly lp: DictionaryLp,
  ) {
    this.V = new Float64Array(256 * pd.d);
    this.g = new Float64Array(256);
    this.inLp = new Uint8Array(256);
  }

  private push(v: Float64Array, g: number): number {
    const d = this.pd.d;
    if ((this.K + 1) * d > this.V.length) {
      const V = new Float64Array(this.V.length * 2);
      V.set(this.V);
      this.V = V;
      const gg = new Float64Array(this.g.length * 2);
      gg.set(this.g);
      this.g = gg;
      const il = new Uint8Array(this.inLp.length * 2);
      il.set(this.inLp);
      this.inLp = il;
    }
    this.V.set(v, this.K * d);
    this.g[this.K] = g;
    return this.K++;
  }

  direction(k: number): Float64Array {
    const d = this.pd.d;
    return this.V.subarray(k * d, (k + 1) * d);
  }

  /**
   * New unit directions: into the dictionary and the LP (those with g = 0 represent nothing and are
   * skipped). Returns the LP row position of each (−1 when skipped).
   */
  add(dirs: readonly Float64Array[]): number[] {
    const { n, d } = this.pd;
    const Vb = new Float64Array(dirs.length * d);
    dirs.forEach((v, c) => {
      Vb.set(v, c * d);
    });
    const { g } = batchRatios(this.act, this.pd, new Float64Array(n), Vb, dirs.length);
    const idx: number[] = [];
    const pos: number[] = [];
    for (let c = 0; c < dirs.length; c++) {
      if (g[c] > 0) {
        pos.push(this.rows.length + idx.length);
        idx.push(this.push(dirs[c], g[c]));
      } else pos.push(-1);
    }
    this.enter(idx);
    return pos;
  }

  /** Normalized features φ̃_k = σ(X v_k)/g(v_k) of dictionary entries (row-major count×n). */
  features(idx: readonly number[]): Float64Array {
    const { n, d, X } = this.pd;
    const F = new Float64Array(idx.length * n);
    idx.forEach((k, r) => {
      const inv = 1 / this.g[k];
      const o = k * d;
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let t = 0; t < d; t++) z += X[i * d + t] * this.V[o + t];
        F[r * n + i] = this.act.f(z) * inv;
      }
    });
    return F;
  }

  /** Dictionary entries (not in the LP) back into it. */
  enter(idx: readonly number[]): void {
    const F = this.features(idx);
    for (const k of idx) {
      this.inLp[k] = 1;
      this.rows.push(k);
      this.idle.push(0);
    }
    this.lp.addRows(F, idx.length);
  }

  /**
   * Start the LP's next solve from the basis whose active rows are the given n LP rows (dual feasible
   * with the signs of c, the solution of Σ_k c_k φ̃_k = y on them), when that system is well conditioned.
   */
  crash(positions: readonly number[], y: Float64Array): boolean {
    const n = this.pd.n;
    if (positions.length !== n) return false;
    const F = this.features(positions.map((r) => this.rows[r]));
    const A = new Float64Array(n * n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) A[i * n + k] = F[k * n + i];
    let c: Float64Array;
    try {
      // The basis takes c's signs: a c_k near 0 could flip under another GEMM's rounding.
      c = onPortableBackend(() => solveSquare(A, n, y).x);
    } catch (e) {
      if (e instanceof IllConditionedError) return false;
      throw e;
    }
    this.lp.crashBasis(positions, c);
    return true;
  }

  /**
   * After a solve (c and activities in the LP's row order): age the slack rows and remove those idle
   * for DROP_AGE rounds, but only while the LP has more than `keepRows` rows.
   */
  prune(c: Float64Array, activity: Float64Array, keepRows: number): number {
    const drop: number[] = [];
    for (let r = 0; r < this.rows.length; r++) {
      const slack = c[r] === 0 && Math.abs(activity[r]) < 1 - DROP_SLACK;
      this.idle[r] = slack ? this.idle[r] + 1 : 0;
    }
    if (this.rows.length <= keepRows) return 0;
    for (let r = 0; r < this.rows.length && this.rows.length - drop.length > keepRows; r++) {
      if (this.idle[r] >= DROP_AGE) drop.push(r);
    }
    if (drop.length === 0) return 0;
    this.lp.deleteRows(drop);
    const gone = new Set(drop);
    for (const r of drop) this.inLp[this.rows[r]] = 0;
    this.rows = this.rows.filter((_, r) => !gone.has(r));
    this.idle = this.idle.filter((_, r) => !gone.has(r));
    return drop.length;
  }

  /** Entries outside the LP whose constraint λ violates (ratio > 1 + tol), most violated first. */
  violatedOutside(lambda: Float64Array, tol: number): number[] {
    const d = this.pd.d;
    const out: number[] = [];
    for (let k = 0; k < this.K; k++) if (!this.inLp[k]) out.push(k);
    if (out.length === 0) return out;
    const V = new Float64Array(out.length * d);
    out.forEach((k, r) => {
      V.set(this.direction(k), r * d);
    });
    const { ratio } = batchRatios(this.act, this.pd, lambda, V, out.length);
    return out
      .map((k, r) => ({ k, r: ratio[r] }))
      .filter((e) => e.r > 1 + tol)
      .sort((u, w) => w.r - u.r)
      .map((e) => e.k);
  }
}
