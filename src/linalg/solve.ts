/**
 * Dense solvers on row-major Float64Arrays: LU with partial pivoting (square systems), Householder QR
 * (least squares, and minimum-norm solutions of under-determined systems) and Cholesky.
 *
 * LU and QR are blocked: the panel is factored with level-2 loops and the O(n³) trailing update goes
 * through `getBackend().gemm`, so the native backend speeds them up too. Every factorization carries a
 * 1-norm condition estimate (Hager/Higham, as in LAPACK's xLACON) so that callers can refuse an
 * ill-conditioned system with a number instead of returning garbage.
 */
import { InputError } from '../errors.js';
import { getBackend } from './backend.js';

/**
 * A singular or ill-conditioned system; `cond` is the estimated 1-norm condition number (∞ if singular).
 *
 * @example
 * ```ts
 * import { IllConditionedError, solveSquare } from 'flatlab';
 *
 * try {
 *   solveSquare(Float64Array.of(1, 1, 1, 1), 2, Float64Array.of(1, 2));
 * } catch (e) {
 *   console.log(e instanceof IllConditionedError); // true: the matrix is singular
 * }
 * ```
 */
export class IllConditionedError extends InputError {
  override name = 'IllConditionedError';
  constructor(
    message: string,
    readonly cond: number,
  ) {
    super(message);
  }
}

/** Options of the dense solvers. */
export interface SolveOptions {
  /** Prefix of error messages, e.g. "memorizer: the 200×200 system σ(XWᵀ)". */
  what?: string;
  /** Refuse systems whose estimated condition number exceeds this (default 1e12). */
  maxCond?: number;
}

/** Default bound on the estimated condition number above which the solvers refuse a system (1e12). */
export const DEFAULT_MAX_COND = 1e12;
const NB = 48;

function fmtCond(c: number): string {
  return Number.isFinite(c) ? c.toExponential(2) : '∞';
}

function checkCond(cond: number, opts: SolveOptions | undefined, shape: string): void {
  const maxCond = opts?.maxCond ?? DEFAULT_MAX_COND;
  const what = opts?.what ?? `the ${shape} system`;
  if (!Number.isFinite(cond)) {
    throw new IllConditionedError(`${what} is singular (a zero pivot; estimated condition number ∞)`, cond);
  }
  if (cond > maxCond) {
    throw new IllConditionedError(
      `${what} is ill-conditioned (estimated condition number ${fmtCond(cond)} > ${fmtCond(maxCond)})`,
      cond,
    );
  }
}

/**
 * Estimate ‖M⁻¹‖₁ from solves with M and Mᵀ (Hager 1984, Higham 1988): a few solves, usually exact
 * within a factor 3. `solve`/`solveT` overwrite their argument with M⁻¹x / M⁻ᵀx.
 */
export function estimateInverseNorm1(
  n: number,
  solve: (x: Float64Array) => void,
  solveT: (x: Float64Array) => void,
): number {
  if (n === 0) return 0;
  const x = new Float64Array(n).fill(1 / n);
  let est = 0;
  let lastJ = -1;
  for (let iter = 0; iter < 5; iter++) {
    solve(x);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Math.abs(x[i]);
    if (!Number.isFinite(norm)) return Number.POSITIVE_INFINITY;
    if (iter > 0 && norm <= est) break;
    est = norm;
    for (let i = 0; i < n; i++) x[i] = x[i] >= 0 ? 1 : -1;
    solveT(x);
    let j = 0;
    for (let i = 1; i < n; i++) if (Math.abs(x[i]) > Math.abs(x[j])) j = i;
    if (j === lastJ) break;
    lastJ = j;
    x.fill(0);
    x[j] = 1;
  }
  // Higham's alternating-sign vector guards against the rare matrices that fool the iteration.
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (i % 2 === 0 ? 1 : -1) * (1 + (n > 1 ? i / (n - 1) : 0));
  solve(v);
  let alt = 0;
  for (let i = 0; i < n; i++) alt += Math.abs(v[i]);
  return Math.max(est, (2 * alt) / (3 * n));
}

function norm1(A: Float64Array, rows: number, cols: number): number {
  const s = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) s[j] += Math.abs(A[o + j]);
  }
  let mx = 0;
  for (let j = 0; j < cols; j++) if (s[j] > mx) mx = s[j];
  return mx;
}

/** Copy the block rows r0..r1, cols c0..c1 of A (ld columns) into a contiguous buffer. */
function getBlock(
  A: Float64Array,
  ld: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  out: Float64Array,
): Float64Array {
  const w = c1 - c0;
  for (let i = r0; i < r1; i++) out.set(A.subarray(i * ld + c0, i * ld + c1), (i - r0) * w);
  return out;
}

// ───────────────────────────── LU with partial pivoting ─────────────────────────────

export interface LUFactors {
  readonly n: number;
  /** L (unit lower, below the diagonal) and U (upper), packed; P A = L U. */
  readonly lu: Float64Array;
  /** Row interchanges: at step k, row k was swapped with row piv[k]. */
  readonly piv: Int32Array;
  /** Estimated 1-norm condition number κ₁(A) (∞ when a pivot is exactly zero). */
  readonly cond: number;
}

/** P A = L U of the n×n matrix A (not modified). */
export function luFactor(A: Float64Array, n: number): LUFactors {
  if (A.length !== n * n) throw new Error(`luFactor: expected ${n}×${n} = ${n * n} entries, got ${A.length}`);
  const anorm = norm1(A, n, n);
  const lu = A.slice();
  const piv = new Int32Array(n);
  let singular = false;
  const be = getBackend();
  let bufL = new Float64Array(0);
  let bufU = new Float64Array(0);
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    // Panel: unblocked right-looking elimination restricted to columns k0..k1 (rows swapped in full).
    for (let j = k0; j < k1; j++) {
      let p = j;
      let mx = Math.abs(lu[j * n + j]);
      for (let i = j + 1; i < n; i++) {
        const v = Math.abs(lu[i * n + j]);
        if (v > mx) {
          mx = v;
          p = i;
        }
      }
      piv[j] = p;
      if (p !== j) {
        const rj = lu.subarray(j * n, j * n + n);
        const tmp = rj.slice();
        rj.set(lu.subarray(p * n, p * n + n));
        lu.set(tmp, p * n);
      }
      const pv = lu[j * n + j];
      if (pv === 0) {
        singular = true;
        continue;
      }
      const inv = 1 / pv;
      for (let i = j + 1; i < n; i++) {
        const o = i * n;
        lu[o + j] *= inv;
        const l = lu[o + j];
        if (l !== 0) for (let c = j + 1; c < k1; c++) lu[o + c] -= l * lu[j * n + c];
      }
    }
    if (k1 === n) break;
    // U12 ← L11⁻¹ A12 (unit lower triangular solve within the block rows).
    for (let i = k0 + 1; i < k1; i++) {
      const oi = i * n;
      for (let t = k0; t < i; t++) {
        const l = lu[oi + t];
        if (l === 0) continue;
        const ot = t * n;
        for (let c = k1; c < n; c++) lu[oi + c] -= l * lu[ot + c];
      }
    }
    // A22 ← A22 − L21 U12: the O(n³) part, through the backend's GEMM. The update runs on whole rows
    // k1..n (contiguous, no copy) with U12 zero-padded on columns < k1, which leaves L's entries there
    // exactly unchanged: ≈ 1.5× the flops of the trailing block, but no O(n²) copy per block.
    const rows = n - k1;
    const kb = k1 - k0;
    if (bufL.length < rows * kb) bufL = new Float64Array(rows * kb);
    if (bufU.length < kb * n) bufU = new Float64Array(kb * n);
    const L21 = getBlock(lu, n, k1, n, k0, k1, bufL.subarray(0, rows * kb));
    const U12 = bufU.subarray(0, kb * n);
    U12.fill(0);
    for (let i = 0; i < kb; i++) U12.set(lu.subarray((k0 + i) * n + k1, (k0 + i + 1) * n), i * n + k1);
    be.gemm(false, false, rows, n, kb, -1, L21, U12, 1, lu.subarray(k1 * n, n * n));
  }
  let cond = Number.POSITIVE_INFINITY;
  if (!singular) {
    const f = { n, lu, piv, cond: 0 };
    const ainv = estimateInverseNorm1(
      n,
      (x) => luSolveInPlace(f, x, false),
      (x) => luSolveInPlace(f, x, true),
    );
    cond = anorm * ainv;
    if (!Number.isFinite(cond) || anorm === 0) cond = Number.POSITIVE_INFINITY;
  }
  return { n, lu, piv, cond };
}

/** x ← A⁻¹ x (or A⁻ᵀ x when trans), for one right-hand side. */
function luSolveInPlace(f: Pick<LUFactors, 'n' | 'lu' | 'piv'>, x: Float64Array, trans: boolean): void {
  const { n, lu, piv } = f;
  if (!trans) {
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      if (p !== k) {
        const t = x[k];
        x[k] = x[p];
        x[p] = t;
      }
    }
    for (let i = 1; i < n; i++) {
      let s = x[i];
      const o = i * n;
      for (let t = 0; t < i; t++) s -= lu[o + t] * x[t];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      const o = i * n;
      for (let t = i + 1; t < n; t++) s -= lu[o + t] * x[t];
      x[i] = s / lu[o + i];
    }
  } else {
    // Aᵀ = Uᵀ Lᵀ P: solve Uᵀ w = x, Lᵀ v = w, then undo the interchanges. Column sweeps keep rows contiguous.
    for (let i = 0; i < n; i++) {
      x[i] /= lu[i * n + i];
      const xi = x[i];
      const o = i * n;
      for (let t = i + 1; t < n; t++) x[t] -= lu[o + t] * xi;
    }
    for (let i = n - 1; i > 0; i--) {
      const xi = x[i];
      const o = i * n;
      for (let t = 0; t < i; t++) x[t] -= lu[o + t] * xi;
    }
    for (let k = n - 1; k >= 0; k--) {
      const p = piv[k];
      if (p !== k) {
        const t = x[k];
        x[k] = x[p];
        x[p] = t;
      }
    }
  }
}

/** Solve A x = b with the factors (b is not modified). */
export function luSolve(f: LUFactors, b: Float64Array): Float64Array {
  if (b.length !== f.n) throw new Error(`luSolve: right-hand side has length ${b.length}, expected ${f.n}`);
  const x = b.slice();
  luSolveInPlace(f, x, false);
  return x;
}

/**
 * Solve the square system A x = b (A n×n row-major). Throws IllConditionedError (an InputError) when A
 * is singular or its estimated condition number exceeds `maxCond`.
 *
 * @example
 * ```ts
 * import { solveSquare } from 'flatlab';
 *
 * const { x, cond } = solveSquare(Float64Array.of(2, 0, 0, 4), 2, Float64Array.of(2, 8));
 * console.log([...x], cond); // [1, 2] and a condition estimate near 2
 * ```
 */
export function solveSquare(
  A: Float64Array,
  n: number,
  b: Float64Array,
  opts?: SolveOptions,
): { x: Float64Array; cond: number } {
  const f = luFactor(A, n);
  checkCond(f.cond, opts, `${n}×${n}`);
  return { x: luSolve(f, b), cond: f.cond };
}

// ───────────────────────────── Householder QR ─────────────────────────────

export interface QRFactors {
  readonly rows: number;
  readonly cols: number;
  /**
   * The factors stored column by column (cols × rows, row j = column j of the factored matrix), so that
   * every Householder vector and every column of R is contiguous: R[i][j] = qrT[j·rows + i] for i ≤ j,
   * and v_j (v_j[j] = 1 implied) is qrT[j·rows + j+1 … j·rows + rows−1].
   */
  readonly qrT: Float64Array;
  readonly tau: Float64Array;
  /** Estimated 1-norm condition number of R (= of A up to a factor √cols); ∞ if R has a zero pivot. */
  readonly cond: number;
}

/**
 * A = Q R for A (rows × cols, rows ≥ cols) given column by column: `At` is Aᵀ, row-major cols × rows
 * (not modified). Blocked Householder with the compact WY form (I − V T Vᵀ), so the trailing update is
 * GEMMs through the backend; the panel works on contiguous columns.
 */
export function qrFactorColumns(At: Float64Array, rows: number, cols: number): QRFactors {
  if (At.length !== rows * cols) throw new Error(`qrFactor: expected ${rows}×${cols} entries, got ${At.length}`);
  if (rows < cols) throw new Error(`qrFactor: needs rows ≥ cols (got ${rows}×${cols})`);
  const q = At.slice();
  const tau = new Float64Array(cols);
  const be = getBackend();
  const ld = rows;
  for (let k0 = 0; k0 < cols; k0 += NB) {
    const k1 = Math.min(cols, k0 + NB);
    const kb = k1 - k0;
    for (let j = k0; j < k1; j++) {
      // Reflector for column j (entries j..rows): H = I − τ v vᵀ maps x to β e₁, β = −sign(x₀)‖x‖.
      const oj = j * ld;
      let s = 0;
      for (let i = j + 1; i < rows; i++) s += q[oj + i] * q[oj + i];
      const x0 = q[oj + j];
      if (s === 0) {
        tau[j] = 0; // already upper triangular in this column (H = I)
      } else {
        const nrm = Math.hypot(x0, Math.sqrt(s));
        const beta = x0 >= 0 ? -nrm : nrm;
        const scale = 1 / (x0 - beta);
        for (let i = j + 1; i < rows; i++) q[oj + i] *= scale;
        tau[j] = (beta - x0) / beta;
        q[oj + j] = beta;
      }
      const tj = tau[j];
      if (tj === 0) continue;
      // Apply H to the remaining panel columns.
      for (let c = j + 1; c < k1; c++) {
        const oc = c * ld;
        let dot = q[oc + j];
        for (let i = j + 1; i < rows; i++) dot += q[oj + i] * q[oc + i];
        dot *= tj;
        q[oc + j] -= dot;
        for (let i = j + 1; i < rows; i++) q[oc + i] -= dot * q[oj + i];
      }
    }
    if (k1 === cols) break;
    // Compact WY: H_k0 ⋯ H_k1−1 = I − V T Vᵀ, T upper triangular (LAPACK xLARFT, forward). Vt = Vᵀ,
    // kept full length (zeros before k0) so the trailing update below runs on whole stored columns.
    const Vt = new Float64Array(kb * ld);
    for (let c = 0; c < kb; c++) {
      const src = (k0 + c) * ld;
      Vt[c * ld + k0 + c] = 1;
      Vt.set(q.subarray(src + k0 + c + 1, src + ld), c * ld + k0 + c + 1);
    }
    const VtV = new Float64Array(kb * kb);
    be.gemm(false, true, kb, kb, ld, 1, Vt, Vt, 0, VtV);
    const T = new Float64Array(kb * kb);
    for (let i = 0; i < kb; i++) {
      const ti = tau[k0 + i];
      T[i * kb + i] = ti;
      // T[0:i, i] = −τ_i T[0:i, 0:i] (Vᵀ v_i)[0:i]
      for (let r = 0; r < i; r++) {
        let s = 0;
        for (let c = r; c < i; c++) s += T[r * kb + c] * VtV[c * kb + i];
        T[r * kb + i] = -ti * s;
      }
    }
    // Trailing columns k1..cols (stored as rows, Ct = Cᵀ): Qᵀ C = C − V Tᵀ Vᵀ C ⇔ Ct ← Ct − (Ct V) T Vᵀ.
    // Whole stored columns are contiguous, so no copy; the zero part of V leaves R's rows above k0 exact.
    const nc = cols - k1;
    const Ct = q.subarray(k1 * ld, cols * ld);
    const Y = new Float64Array(nc * kb);
    be.gemm(false, true, nc, kb, ld, 1, Ct, Vt, 0, Y);
    // Y ← Y T in place (T upper triangular: column c of the product uses columns ≤ c, so go right to left).
    for (let r = 0; r < nc; r++) {
      const o = r * kb;
      for (let c = kb - 1; c >= 0; c--) {
        let s = 0;
        for (let t = 0; t <= c; t++) s += Y[o + t] * T[t * kb + c];
        Y[o + c] = s;
      }
    }
    be.gemm(false, false, nc, ld, kb, -1, Y, Vt, 1, Ct);
  }
  let cond = Number.POSITIVE_INFINITY;
  let zero = false;
  for (let j = 0; j < cols; j++) if (q[j * ld + j] === 0) zero = true;
  if (!zero) {
    let rnorm = 0;
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i <= j; i++) s += Math.abs(q[j * ld + i]);
      if (s > rnorm) rnorm = s;
    }
    const f = { rows, cols, qrT: q };
    const rinv = estimateInverseNorm1(
      cols,
      (x) => rSolve(f, x, false),
      (x) => rSolve(f, x, true),
    );
    cond = rnorm * rinv;
    if (!Number.isFinite(cond)) cond = Number.POSITIVE_INFINITY;
  }
  return { rows, cols, qrT: q, tau, cond };
}

/** A = Q R for A rows×cols row-major (rows ≥ cols; A not modified). */
export function qrFactor(A: Float64Array, rows: number, cols: number): QRFactors {
  if (A.length !== rows * cols) throw new Error(`qrFactor: expected ${rows}×${cols} entries, got ${A.length}`);
  return qrFactorColumns(transpose(A, rows, cols), rows, cols);
}

/** R (cols × cols, upper triangular, row-major) of a QR factorization. */
export function qrR(f: QRFactors): Float64Array {
  const { rows, cols, qrT } = f;
  const R = new Float64Array(cols * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i <= j; i++) R[i * cols + j] = qrT[j * rows + i];
  return R;
}

/** x ← R⁻¹ x (or R⁻ᵀ x), x of length cols; column j of R is contiguous in qrT. */
function rSolve(f: Pick<QRFactors, 'rows' | 'cols' | 'qrT'>, x: Float64Array, trans: boolean): void {
  const { rows: ld, cols: n, qrT } = f;
  if (!trans) {
    for (let i = n - 1; i >= 0; i--) {
      const o = i * ld;
      x[i] /= qrT[o + i];
      const xi = x[i];
      for (let t = 0; t < i; t++) x[t] -= qrT[o + t] * xi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * ld;
      let s = x[i];
      for (let t = 0; t < i; t++) s -= qrT[o + t] * x[t];
      x[i] = s / qrT[o + i];
    }
  }
}

/** b ← Qᵀ b (b of length rows) when `transpose`, else b ← Q b (reflectors in reverse order). */
function applyQ(f: QRFactors, b: Float64Array, transpose: boolean): void {
  const { rows, cols, qrT, tau } = f;
  for (let k = 0; k < cols; k++) {
    const j = transpose ? k : cols - 1 - k;
    if (tau[j] === 0) continue;
    const o = j * rows;
    let s = b[j];
    for (let i = j + 1; i < rows; i++) s += qrT[o + i] * b[i];
    s *= tau[j];
    b[j] -= s;
    for (let i = j + 1; i < rows; i++) b[i] -= s * qrT[o + i];
  }
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = A[i * cols + j];
  return T;
}

/** A solver of A x = b for a rows×cols row-major A, returning x with A's estimated condition number. */
export type RectangularSolver = (
  A: Float64Array,
  rows: number,
  cols: number,
  b: Float64Array,
  opts?: SolveOptions,
) => { x: Float64Array; cond: number };

/**
 * Least squares (rows ≥ cols): x minimizing ‖A x − b‖₂, or, for rows < cols, the minimum-norm x with
 * A x = b (QR of Aᵀ; x lies in the row space of A). A must have full rank (refused otherwise, with the
 * condition estimate). A is rows×cols row-major.
 *
 * @example
 * ```ts
 * import { solveLeastSquares } from 'flatlab';
 *
 * // fit y = c to three points: the least-squares c is their mean
 * const { x } = solveLeastSquares(Float64Array.of(1, 1, 1), 3, 1, Float64Array.of(1, 2, 6));
 * console.log(x[0]); // 3 (up to rounding)
 * ```
 */
export const solveLeastSquares: RectangularSolver = (A, rows, cols, b, opts) => {
  if (b.length !== rows) throw new Error(`solveLeastSquares: right-hand side has length ${b.length}, expected ${rows}`);
  if (rows >= cols) {
    const f = qrFactor(A, rows, cols);
    checkCond(f.cond, opts, `${rows}×${cols}`);
    const c = b.slice();
    applyQ(f, c, true);
    const x = c.slice(0, cols);
    rSolve(f, x, false);
    return { x, cond: f.cond };
  }
  return solveMinNorm(A, rows, cols, b, opts);
};

/**
 * Minimum-norm solution of the under-determined system A x = b (A rows×cols, rows ≤ cols, full row rank).
 *
 * @example
 * ```ts
 * import { solveMinNorm } from 'flatlab';
 *
 * // one equation x1 + x2 = 2: the minimum-norm solution is (1, 1)
 * const { x } = solveMinNorm(Float64Array.of(1, 1), 1, 2, Float64Array.of(2));
 * console.log([...x]); // [1, 1] up to rounding
 * ```
 */
export const solveMinNorm: RectangularSolver = (A, rows, cols, b, opts) => {
  if (rows > cols) throw new Error(`solveMinNorm: needs rows ≤ cols (got ${rows}×${cols})`);
  if (A.length !== rows * cols) throw new Error(`solveMinNorm: expected ${rows}×${cols} entries, got ${A.length}`);
  if (b.length !== rows) throw new Error(`solveMinNorm: right-hand side has length ${b.length}, expected ${rows}`);
  // Aᵀ = Q R ⇒ A = Rᵀ Qᵀ; with x = Q [z; 0]: Rᵀ z = b. A row-major is Aᵀ column by column: no copy-transpose.
  const f = qrFactorColumns(A, cols, rows);
  checkCond(f.cond, opts, `${rows}×${cols}`);
  const z = b.slice();
  rSolve(f, z, true);
  const x = new Float64Array(cols);
  x.set(z);
  applyQ(f, x, false);
  return { x, cond: f.cond };
};

// ───────────────────────────── Cholesky ─────────────────────────────

export interface CholeskyFactors {
  readonly n: number;
  /** L lower triangular with A = L Lᵀ (upper triangle zero). */
  readonly L: Float64Array;
  readonly cond: number;
}

/** Orders from which `cholesky` runs blocked (below, the row loop, whose results it keeps bit for bit). */
export const CHOLESKY_BLOCKED_MIN_N = 512;
/** Block width of the blocked Cholesky: the trailing update is a GEMM with inner dimension CHOL_NB. */
const CHOL_NB = 96;

function notPositiveDefinite(n: number, i: number, s: number, opts: SolveOptions | undefined): never {
  const what = opts?.what ?? `the ${n}×${n} matrix`;
  throw new IllConditionedError(
    `${what} is not positive definite (pivot ${i} is ${s.toExponential(2)}; estimated condition number ∞)`,
    Number.POSITIVE_INFINITY,
  );
}

/**
 * Rows i0 ≤ i < i1 of the factor in columns k0 ≤ j < min(i + 1, k1), in place in the row-major n×n L
 * (Cholesky–Banachiewicz restricted to one column block: each entry is a dot product of two contiguous
 * row segments starting at k0; the columns before k0 were already subtracted by the trailing updates).
 */
function cholRows(L: Float64Array, n: number, i0: number, i1: number, k0: number, k1: number, opts?: SolveOptions) {
  for (let i = i0; i < i1; i++) {
    const oi = i * n;
    const jEnd = Math.min(i + 1, k1);
    for (let j = k0; j < jEnd; j++) {
      const oj = j * n;
      let s = L[oi + j];
      for (let t = k0; t < j; t++) s -= L[oi + t] * L[oj + t];
      if (i === j) {
        if (!(s > 0)) notPositiveDefinite(n, i, s, opts);
        L[oi + i] = Math.sqrt(s);
      } else {
        L[oi + j] = s / L[oj + j];
      }
    }
  }
}

/** A copy of A's lower triangle (the upper one zero): the work matrix the factor overwrites. */
function lowerTriangle(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) L.set(A.subarray(i * n, i * n + i + 1), i * n);
  return L;
}

/**
 * Right-looking blocked Cholesky (LAPACK's xPOTRF order): factor a CHOL_NB-wide diagonal block and the
 * panel under it with the row loop, then subtract the panel's outer product P Pᵀ from the trailing
 * matrix through the backend's GEMM, which carries ≈ all of the n³/3 flops (computing the full square
 * P Pᵀ doubles them, but a GEMM is an order of magnitude faster than the scalar loop).
 */
function choleskyBlocked(A: Float64Array, n: number, opts?: SolveOptions): Float64Array {
  const be = getBackend();
  const L = lowerTriangle(A, n);
  const P = new Float64Array((n - Math.min(CHOL_NB, n)) * CHOL_NB);
  const C = new Float64Array((n - Math.min(CHOL_NB, n)) ** 2);
  for (let k0 = 0; k0 < n; k0 += CHOL_NB) {
    const k1 = Math.min(n, k0 + CHOL_NB);
    const kb = k1 - k0;
    cholRows(L, n, k0, n, k0, k1, opts);
    const r = n - k1;
    if (r === 0) break;
    for (let i = 0; i < r; i++) P.set(L.subarray((k1 + i) * n + k0, (k1 + i) * n + k1), i * kb);
    be.gemm(false, true, r, r, kb, 1, P, P, 0, C);
    for (let i = 0; i < r; i++) {
      const oi = (k1 + i) * n + k1;
      const oc = i * r;
      for (let j = 0; j <= i; j++) L[oi + j] -= C[oc + j];
    }
  }
  return L;
}

/**
 * A = L Lᵀ for symmetric positive definite A (only the lower triangle of A is read). Blocked through the
 * backend's GEMM from order CHOLESKY_BLOCKED_MIN_N (the Gauss–Newton polish factors n×n kernels).
 */
export function cholesky(A: Float64Array, n: number, opts?: SolveOptions): CholeskyFactors {
  if (A.length !== n * n) throw new Error(`cholesky: expected ${n}×${n} entries, got ${A.length}`);
  let L: Float64Array;
  if (n >= CHOLESKY_BLOCKED_MIN_N) L = choleskyBlocked(A, n, opts);
  else {
    // The row loop over the whole matrix (one column block): the same operations as before blocking.
    L = lowerTriangle(A, n);
    cholRows(L, n, 0, n, 0, n, opts);
  }
  // Symmetric A: ‖A‖₁ from the lower triangle mirrored.
  let anorm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(i >= j ? A[i * n + j] : A[j * n + i]);
    if (s > anorm) anorm = s;
  }
  const f = { n, L, cond: 0 };
  const inv = estimateInverseNorm1(
    n,
    (x) => cholSolveInPlace(f, x),
    (x) => cholSolveInPlace(f, x),
  );
  return { n, L, cond: anorm * inv };
}

function cholSolveInPlace(f: Pick<CholeskyFactors, 'n' | 'L'>, x: Float64Array): void {
  const { n, L } = f;
  for (let i = 0; i < n; i++) {
    let s = x[i];
    const o = i * n;
    for (let t = 0; t < i; t++) s -= L[o + t] * x[t];
    x[i] = s / L[o + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    x[i] /= L[i * n + i];
    const xi = x[i];
    const o = i * n;
    for (let t = 0; t < i; t++) x[t] -= L[o + t] * xi;
  }
}

export function choleskySolve(f: CholeskyFactors, b: Float64Array): Float64Array {
  if (b.length !== f.n) throw new Error(`choleskySolve: right-hand side has length ${b.length}, expected ${f.n}`);
  const x = b.slice();
  cholSolveInPlace(f, x);
  return x;
}

/**
 * Solve the symmetric positive definite system A x = b, refusing ill-conditioned A.
 *
 * @example
 * ```ts
 * import { solveSPD } from 'flatlab';
 *
 * const { x } = solveSPD(Float64Array.of(4, 2, 2, 3), 2, Float64Array.of(6, 5));
 * console.log([...x]); // [1, 1] up to rounding
 * ```
 */
export function solveSPD(
  A: Float64Array,
  n: number,
  b: Float64Array,
  opts?: SolveOptions,
): { x: Float64Array; cond: number } {
  const f = cholesky(A, n, opts);
  checkCond(f.cond, opts, `${n}×${n}`);
  return { x: choleskySolve(f, b), cond: f.cond };
}
