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

/** A singular or ill-conditioned system; `cond` is the estimated 1-norm condition number (∞ if singular). */
export class IllConditionedError extends InputError {
  override name = 'IllConditionedError';
  constructor(
    message: string,
    readonly cond: number,
  ) {
    super(message);
  }
}

export interface SolveOptions {
  /** Prefix of error messages, e.g. "memorizer: the 200×200 system σ(XWᵀ)". */
  what?: string;
  /** Refuse systems whose estimated condition number exceeds this (default 1e12). */
  maxCond?: number;
}

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
export function estimateInverseNorm1(n: number, solve: (x: Float64Array) => void, solveT: (x: Float64Array) => void): number {
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
function getBlock(A: Float64Array, ld: number, r0: number, r1: number, c0: number, c1: number, out: Float64Array): Float64Array {
  const w = c1 - c0;
  for (let i = r0; i < r1; i++) out.set(A.subarray(i * ld + c0, i * ld + c1), (i - r0) * w);
  return out;
}

function setBlock(A: Float64Array, ld: number, r0: number, r1: number, c0: number, src: Float64Array, w: number): void {
  for (let i = r0; i < r1; i++) A.set(src.subarray((i - r0) * w, (i - r0 + 1) * w), i * ld + c0);
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
  let bufC = new Float64Array(0);
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
        const l = (lu[o + j] *= inv);
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
    // A22 ← A22 − L21 U12: the O(n³) part, through the backend's GEMM.
    const rows = n - k1;
    const kb = k1 - k0;
    if (bufL.length < rows * kb) bufL = new Float64Array(rows * kb);
    if (bufU.length < kb * rows) bufU = new Float64Array(kb * rows);
    if (bufC.length < rows * rows) bufC = new Float64Array(rows * rows);
    const L21 = getBlock(lu, n, k1, n, k0, k1, bufL.subarray(0, rows * kb));
    const U12 = getBlock(lu, n, k0, k1, k1, n, bufU.subarray(0, kb * rows));
    const C = getBlock(lu, n, k1, n, k1, n, bufC.subarray(0, rows * rows));
    be.gemm(false, false, rows, rows, kb, -1, L21, U12, 1, C);
    setBlock(lu, n, k1, n, k1, C, rows);
  }
  let cond = Number.POSITIVE_INFINITY;
  if (!singular) {
    const f = { n, lu, piv, cond: 0 };
    const ainv = estimateInverseNorm1(n, (x) => luSolveInPlace(f, x, false), (x) => luSolveInPlace(f, x, true));
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
      const xi = (x[i] /= lu[i * n + i]);
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
 */
export function solveSquare(A: Float64Array, n: number, b: Float64Array, opts?: SolveOptions): { x: Float64Array; cond: number } {
  const f = luFactor(A, n);
  checkCond(f.cond, opts, `${n}×${n}`);
  return { x: luSolve(f, b), cond: f.cond };
}

// ───────────────────────────── Householder QR ─────────────────────────────

export interface QRFactors {
  readonly rows: number;
  readonly cols: number;
  /** R in the upper triangle, Householder vectors (v₀ = 1 implied) below the diagonal. */
  readonly qr: Float64Array;
  readonly tau: Float64Array;
  /** Estimated 1-norm condition number of R (= of A up to a factor √cols); ∞ if R has a zero pivot. */
  readonly cond: number;
}

/**
 * A = Q R for A rows×cols with rows ≥ cols (A not modified). Blocked Householder with the compact WY
 * form (I − V T Vᵀ), so the trailing update is two GEMMs per block.
 */
export function qrFactor(A: Float64Array, rows: number, cols: number): QRFactors {
  if (A.length !== rows * cols) throw new Error(`qrFactor: expected ${rows}×${cols} entries, got ${A.length}`);
  if (rows < cols) throw new Error(`qrFactor: needs rows ≥ cols (got ${rows}×${cols})`);
  const qr = A.slice();
  const tau = new Float64Array(cols);
  const be = getBackend();
  const ld = cols;
  for (let k0 = 0; k0 < cols; k0 += NB) {
    const k1 = Math.min(cols, k0 + NB);
    const kb = k1 - k0;
    for (let j = k0; j < k1; j++) {
      // Reflector for column j, rows j..rows: H = I − τ v vᵀ maps x to β e₁, β = −sign(x₀)‖x‖.
      let s = 0;
      for (let i = j + 1; i < rows; i++) s += qr[i * ld + j] ** 2;
      const x0 = qr[j * ld + j];
      if (s === 0) {
        tau[j] = 0; // already upper triangular in this column (H = I)
      } else {
        const nrm = Math.hypot(x0, Math.sqrt(s));
        const beta = x0 >= 0 ? -nrm : nrm;
        const scale = 1 / (x0 - beta);
        for (let i = j + 1; i < rows; i++) qr[i * ld + j] *= scale;
        tau[j] = (beta - x0) / beta;
        qr[j * ld + j] = beta;
      }
      // Apply H to the remaining panel columns j+1..k1.
      const tj = tau[j];
      if (tj !== 0) {
        for (let c = j + 1; c < k1; c++) {
          let dot = qr[j * ld + c];
          for (let i = j + 1; i < rows; i++) dot += qr[i * ld + j] * qr[i * ld + c];
          dot *= tj;
          qr[j * ld + c] -= dot;
          for (let i = j + 1; i < rows; i++) qr[i * ld + c] -= dot * qr[i * ld + j];
        }
      }
    }
    if (k1 === cols) break;
    // Compact WY: H_k0 ⋯ H_k1−1 = I − V T Vᵀ with T upper triangular (LAPACK xLARFT, forward).
    const mr = rows - k0;
    const V = new Float64Array(mr * kb);
    for (let i = 0; i < mr; i++) {
      for (let c = 0; c < kb; c++) {
        const gi = i + k0;
        const gc = c + k0;
        V[i * kb + c] = gi === gc ? 1 : gi > gc ? qr[gi * ld + gc] : 0;
      }
    }
    const VtV = new Float64Array(kb * kb);
    be.gemm(true, false, kb, kb, mr, 1, V, V, 0, VtV);
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
    // Trailing C ← Qᵀ C = (I − V Tᵀ Vᵀ) C.
    const nc = cols - k1;
    const C = getBlock(qr, ld, k0, rows, k1, cols, new Float64Array(mr * nc));
    const Wt = new Float64Array(kb * nc);
    be.gemm(true, false, kb, nc, mr, 1, V, C, 0, Wt);
    // Wt ← Tᵀ Wt (Tᵀ lower triangular: go bottom-up so rows are still unmodified when read).
    for (let r = kb - 1; r >= 0; r--) {
      const o = r * nc;
      for (let c = 0; c < nc; c++) {
        let s = 0;
        for (let t = 0; t <= r; t++) s += T[t * kb + r] * Wt[t * nc + c];
        Wt[o + c] = s;
      }
    }
    be.gemm(false, false, mr, nc, kb, -1, V, Wt, 1, C);
    setBlock(qr, ld, k0, rows, k1, C, nc);
  }
  let cond = Number.POSITIVE_INFINITY;
  let zero = false;
  for (let j = 0; j < cols; j++) if (qr[j * ld + j] === 0) zero = true;
  if (!zero) {
    let rnorm = 0;
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i <= j; i++) s += Math.abs(qr[i * ld + j]);
      if (s > rnorm) rnorm = s;
    }
    const f = { rows, cols, qr };
    const rinv = estimateInverseNorm1(cols, (x) => rSolve(f, x, false), (x) => rSolve(f, x, true));
    cond = rnorm * rinv;
    if (!Number.isFinite(cond)) cond = Number.POSITIVE_INFINITY;
  }
  return { rows, cols, qr, tau, cond };
}

/** x ← R⁻¹ x (or R⁻ᵀ x), x of length cols. */
function rSolve(f: Pick<QRFactors, 'cols' | 'qr'>, x: Float64Array, trans: boolean): void {
  const { cols: n, qr } = f;
  if (!trans) {
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      const o = i * n;
      for (let t = i + 1; t < n; t++) s -= qr[o + t] * x[t];
      x[i] = s / qr[o + i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = (x[i] /= qr[i * n + i]);
      const o = i * n;
      for (let t = i + 1; t < n; t++) x[t] -= qr[o + t] * xi;
    }
  }
}

/** b ← Qᵀ b (b of length rows). */
function applyQt(f: QRFactors, b: Float64Array): void {
  const { rows, cols: ld, qr, tau } = f;
  for (let j = 0; j < ld; j++) {
    if (tau[j] === 0) continue;
    let s = b[j];
    for (let i = j + 1; i < rows; i++) s += qr[i * ld + j] * b[i];
    s *= tau[j];
    b[j] -= s;
    for (let i = j + 1; i < rows; i++) b[i] -= s * qr[i * ld + j];
  }
}

/** b ← Q b (reflectors applied in reverse order). */
function applyQ(f: QRFactors, b: Float64Array): void {
  const { rows, cols: ld, qr, tau } = f;
  for (let j = ld - 1; j >= 0; j--) {
    if (tau[j] === 0) continue;
    let s = b[j];
    for (let i = j + 1; i < rows; i++) s += qr[i * ld + j] * b[i];
    s *= tau[j];
    b[j] -= s;
    for (let i = j + 1; i < rows; i++) b[i] -= s * qr[i * ld + j];
  }
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = A[i * cols + j];
  return T;
}

/**
 * Least squares (rows ≥ cols): x minimizing ‖A x − b‖₂, or, for rows < cols, the minimum-norm x with
 * A x = b (QR of Aᵀ; x lies in the row space of A). A must have full rank (refused otherwise, with the
 * condition estimate). A is rows×cols row-major.
 */
export function solveLeastSquares(
  A: Float64Array, rows: number, cols: number, b: Float64Array, opts?: SolveOptions,
): { x: Float64Array; cond: number } {
  if (b.length !== rows) throw new Error(`solveLeastSquares: right-hand side has length ${b.length}, expected ${rows}`);
  if (rows >= cols) {
    const f = qrFactor(A, rows, cols);
    checkCond(f.cond, opts, `${rows}×${cols}`);
    const c = b.slice();
    applyQt(f, c);
    const x = c.slice(0, cols);
    rSolve(f, x, false);
    return { x, cond: f.cond };
  }
  return solveMinNorm(A, rows, cols, b, opts);
}

/** Minimum-norm solution of the under-determined system A x = b (A rows×cols, rows ≤ cols, full row rank). */
export function solveMinNorm(
  A: Float64Array, rows: number, cols: number, b: Float64Array, opts?: SolveOptions,
): { x: Float64Array; cond: number } {
  if (rows > cols) throw new Error(`solveMinNorm: needs rows ≤ cols (got ${rows}×${cols})`);
  if (b.length !== rows) throw new Error(`solveMinNorm: right-hand side has length ${b.length}, expected ${rows}`);
  // Aᵀ = Q R ⇒ A = Rᵀ Qᵀ; with x = Q [z; 0]: Rᵀ z = b.
  const f = qrFactor(transpose(A, rows, cols), cols, rows);
  checkCond(f.cond, opts, `${rows}×${cols}`);
  const z = b.slice();
  rSolve(f, z, true);
  const x = new Float64Array(cols);
  x.set(z);
  applyQ(f, x);
  return { x, cond: f.cond };
}

// ───────────────────────────── Cholesky ─────────────────────────────

export interface CholeskyFactors {
  readonly n: number;
  /** L lower triangular with A = L Lᵀ (upper triangle zero). */
  readonly L: Float64Array;
  readonly cond: number;
}

/** A = L Lᵀ for symmetric positive definite A (only the lower triangle of A is read). */
export function cholesky(A: Float64Array, n: number, opts?: SolveOptions): CholeskyFactors {
  if (A.length !== n * n) throw new Error(`cholesky: expected ${n}×${n} entries, got ${A.length}`);
  const L = new Float64Array(n * n);
  // Row-oriented (Cholesky–Banachiewicz): each entry is a dot product of two contiguous row prefixes.
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let j = 0; j <= i; j++) {
      const oj = j * n;
      let s = A[oi + j];
      for (let t = 0; t < j; t++) s -= L[oi + t] * L[oj + t];
      if (i === j) {
        if (!(s > 0)) {
          const what = opts?.what ?? `the ${n}×${n} matrix`;
          throw new IllConditionedError(
            `${what} is not positive definite (pivot ${i} is ${s.toExponential(2)}; estimated condition number ∞)`,
            Number.POSITIVE_INFINITY,
          );
        }
        L[oi + i] = Math.sqrt(s);
      } else {
        L[oi + j] = s / L[oj + j];
      }
    }
  }
  // Symmetric A: ‖A‖₁ from the lower triangle mirrored.
  let anorm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(i >= j ? A[i * n + j] : A[j * n + i]);
    if (s > anorm) anorm = s;
  }
  const f = { n, L, cond: 0 };
  const inv = estimateInverseNorm1(n, (x) => cholSolveInPlace(f, x), (x) => cholSolveInPlace(f, x));
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
    const xi = (x[i] /= L[i * n + i]);
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

/** Solve the symmetric positive definite system A x = b, refusing ill-conditioned A. */
export function solveSPD(A: Float64Array, n: number, b: Float64Array, opts?: SolveOptions): { x: Float64Array; cond: number } {
  const f = cholesky(A, n, opts);
  checkCond(f.cond, opts, `${n}×${n}`);
  return { x: choleskySolve(f, b), cond: f.cond };
}
