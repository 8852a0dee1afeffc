import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import '../../src/linalg/index.js';
import {
  CHOLESKY_BLOCKED_MIN_N,
  cholesky,
  IllConditionedError,
  luFactor,
  qrFactor,
  qrR,
  solveLeastSquares,
  solveMinNorm,
  solveSPD,
  solveSquare,
} from '../../src/linalg/solve.js';
import { Rng } from '../../src/rng/xoshiro.js';

function randn(rows: number, cols: number, seed: number): Float64Array {
  return new Rng(seed).fillNormal(new Float64Array(rows * cols));
}
function matvec(A: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += A[i * cols + j] * x[j];
    y[i] = s;
  }
  return y;
}
function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
/** Exact 1-norm condition number via the explicit inverse (oracle for the estimator). */
function exactCond1(A: Float64Array, n: number): number {
  const f = luFactor(A, n);
  const norm = (M: Float64Array) => {
    let mx = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(M[i * n + j]);
      mx = Math.max(mx, s);
    }
    return mx;
  };
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const { x } = solveSquare(A, n, e, { maxCond: Number.POSITIVE_INFINITY });
    for (let i = 0; i < n; i++) inv[i * n + j] = x[i];
  }
  void f;
  return norm(A) * norm(inv);
}

describe('LU with partial pivoting', () => {
  it('solves a small system with a known solution (needs pivoting: zero leading entry)', () => {
    const A = Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 0]);
    const xTrue = Float64Array.from([1, -2, 3]);
    const { x } = solveSquare(A, 3, matvec(A, 3, 3, xTrue));
    expect(maxAbsDiff(x, xTrue)).toBeLessThan(1e-14);
  });
  for (const n of [7, 50, 130]) {
    it(`recovers x from A x for random A (n = ${n}, crosses block boundaries)`, () => {
      const A = randn(n, n, n);
      const xTrue = randn(n, 1, n + 1);
      const { x, cond } = solveSquare(A, n, matvec(A, n, n, xTrue));
      expect(maxAbsDiff(x, xTrue)).toBeLessThan(1e-9);
      expect(cond).toBeGreaterThan(1);
    });
  }
  it('estimates the condition number within a factor 3 of the exact one', () => {
    for (const n of [10, 60]) {
      const A = randn(n, n, 100 + n);
      const est = luFactor(A, n).cond;
      const exact = exactCond1(A, n);
      expect(est).toBeLessThanOrEqual(exact * (1 + 1e-10));
      expect(est).toBeGreaterThan(exact / 3);
    }
  });
  it('refuses a singular matrix with a clear InputError', () => {
    const A = Float64Array.from([1, 2, 3, 2, 4, 6, 1, 0, 1]);
    expect(() => solveSquare(A, 3, new Float64Array(3), { what: 'test system' })).toThrow(
      /test system is (singular|ill-conditioned)/,
    );
    try {
      solveSquare(A, 3, new Float64Array(3));
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect(e).toBeInstanceOf(IllConditionedError);
    }
  });
  it('refuses an ill-conditioned matrix and names the estimated condition number', () => {
    // Hilbert matrix of order 12: κ₁ ≈ 4e16.
    const n = 12;
    const H = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = 1 / (i + j + 1);
    expect(() => solveSquare(H, n, new Float64Array(n).fill(1))).toThrow(
      /ill-conditioned \(estimated condition number \d\.\d\de\+1\d > 1\.00e\+12\)|singular/,
    );
  });
});

describe('Householder QR', () => {
  it('R from QR has |R_jj| equal to the Gram–Schmidt norms (AᵀA = RᵀR)', () => {
    const rows = 70;
    const cols = 55;
    const A = randn(rows, cols, 3);
    const R = qrR(qrFactor(A, rows, cols));
    // RᵀR = AᵀA is a basis-free check of R.
    let err = 0;
    let scale = 0;
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) {
        let ata = 0;
        for (let t = 0; t < rows; t++) ata += A[t * cols + i] * A[t * cols + j];
        let rtr = 0;
        for (let t = 0; t <= Math.min(i, j); t++) rtr += R[t * cols + i] * R[t * cols + j];
        err = Math.max(err, Math.abs(ata - rtr));
        scale = Math.max(scale, Math.abs(ata));
      }
    }
    expect(err / scale).toBeLessThan(1e-13);
  });
  it('least squares: the residual is orthogonal to the columns (normal equations)', () => {
    const rows = 120;
    const cols = 60;
    const A = randn(rows, cols, 5);
    const b = randn(rows, 1, 6);
    const { x } = solveLeastSquares(A, rows, cols, b);
    const r = matvec(A, rows, cols, x).map((v, i) => v - b[i]);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += A[i * cols + j] * r[i];
      expect(Math.abs(s)).toBeLessThan(1e-10);
    }
  });
  it('minimum-norm solution: solves A x = b and lies in the row space (x = Aᵀλ)', () => {
    const rows = 60;
    const cols = 150;
    const A = randn(rows, cols, 7);
    const b = randn(rows, 1, 8);
    const { x } = solveMinNorm(A, rows, cols, b);
    expect(maxAbsDiff(matvec(A, rows, cols, x), b)).toBeLessThan(1e-10);
    // Oracle: x = Aᵀ (A Aᵀ)⁻¹ b via Cholesky of the Gram matrix.
    const G = new Float64Array(rows * rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < rows; j++) {
        let s = 0;
        for (let t = 0; t < cols; t++) s += A[i * cols + t] * A[j * cols + t];
        G[i * rows + j] = s;
      }
    }
    const lam = solveSPD(G, rows, b).x;
    const xOracle = new Float64Array(cols);
    for (let t = 0; t < cols; t++) for (let i = 0; i < rows; i++) xOracle[t] += A[i * cols + t] * lam[i];
    expect(maxAbsDiff(x, xOracle)).toBeLessThan(1e-10);
    // and adding a null-space vector only increases the norm
    const nrm = (v: Float64Array) => Math.sqrt(v.reduce((s, u) => s + u * u, 0));
    expect(nrm(x)).toBeLessThanOrEqual(nrm(xOracle) * (1 + 1e-12));
  });
  it('refuses rank-deficient systems with the condition estimate', () => {
    const rows = 20;
    const cols = 40;
    const A = randn(rows, cols, 9);
    A.copyWithin(cols, 0, cols); // row 1 = row 0
    expect(() => solveMinNorm(A, rows, cols, new Float64Array(rows), { what: 'rf' })).toThrow(
      /rf is (ill-conditioned|singular)/,
    );
  });
});

describe('Cholesky', () => {
  it('L Lᵀ = A and solves a random SPD system', () => {
    const n = 40;
    const B = randn(n, n, 11);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let t = 0; t < n; t++) s += B[i * n + t] * B[j * n + t];
        A[i * n + j] = s;
      }
    }
    const f = cholesky(A, n);
    let err = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let t = 0; t <= j; t++) s += f.L[i * n + t] * f.L[j * n + t];
        err = Math.max(err, Math.abs(s - A[i * n + j]));
      }
    }
    expect(err).toBeLessThan(1e-10);
    const xTrue = randn(n, 1, 12);
    expect(maxAbsDiff(solveSPD(A, n, matvec(A, n, n, xTrue)).x, xTrue)).toBeLessThan(1e-12);
    expect(f.cond).toBeGreaterThan(1);
  });
  it('refuses an indefinite matrix', () => {
    const A = Float64Array.from([1, 2, 2, 1]);
    expect(() => cholesky(A, 2)).toThrow(/not positive definite/);
  });
  it(`blocked from order ${CHOLESKY_BLOCKED_MIN_N}: L Lᵀ = A, upper triangle zero, equal to the scalar recurrence to rounding`, () => {
    const n = CHOLESKY_BLOCKED_MIN_N + 101; // not a multiple of the block width
    const k = 30;
    const B = randn(n, k, 21);
    // A = B Bᵀ + I: SPD with condition number ≈ 1 + ‖B‖², built here without the solver's code.
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let t = 0; t < k; t++) s += B[i * k + t] * B[j * k + t];
        A[i * n + j] = s;
      }
    const f = cholesky(A, n);
    // Oracle: the textbook column-by-column recurrence (Cholesky–Crout), independent of the blocking.
    const O = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = A[j * n + j];
      for (let t = 0; t < j; t++) d -= O[j * n + t] ** 2;
      O[j * n + j] = Math.sqrt(d);
      for (let i = j + 1; i < n; i++) {
        let s = A[i * n + j];
        for (let t = 0; t < j; t++) s -= O[i * n + t] * O[j * n + t];
        O[i * n + j] = s / O[j * n + j];
      }
    }
    let upper = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper = Math.max(upper, Math.abs(f.L[i * n + j]));
    expect(upper).toBe(0);
    expect(maxAbsDiff(f.L, O)).toBeLessThan(1e-10);
    const xTrue = randn(n, 1, 22);
    expect(maxAbsDiff(solveSPD(A, n, matvec(A, n, n, xTrue)).x, xTrue)).toBeLessThan(1e-9);
    // An indefinite trailing entry is found in the blocked path too, with its pivot index.
    const bad = A.slice();
    bad[(n - 1) * n + (n - 1)] = -1;
    expect(() => cholesky(bad, n)).toThrow(new RegExp(`pivot ${n - 1} is`));
  });
});
