import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/measures/dense-eig.js';
import { lanczos, powerIteration, stochasticLanczosQuadrature } from '../../src/measures/lanczos.js';
import { countingOperator, denseOperator, gaussNewtonOperator, hessianOperator } from '../../src/measures/operators.js';
import { estimateTrace, hutchinson, hutchpp } from '../../src/measures/trace-estimators.js';
import { tridiagEigen } from '../../src/measures/tridiag.js';
import { dot, orthogonalizeAgainst, orthogonalizeRowsAgainst, orthonormalBasis } from '../../src/measures/vec.js';
import { denseHessian, forward } from '../../src/model/network.js';
import { deriveSeed, Rng } from '../../src/rng/xoshiro.js';
import { randomData, randomNet, relErr } from '../helpers.js';
import { matrixWithSpectrum, matvecDense, maxAbs } from './fixtures.js';

describe('eigensolvers', () => {
  it('Jacobi: A V = V Λ and VᵀV = I on a random symmetric matrix', () => {
    const n = 12;
    const rng = new Rng(1);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(A, n);
    for (let c = 0; c < n; c++) {
      const v = Float64Array.from({ length: n }, (_, k) => vectors[k * n + c]);
      const Av = matvecDense(A, v);
      for (let k = 0; k < n; k++) expect(Math.abs(Av[k] - values[c] * v[k])).toBeLessThan(1e-12);
      for (let c2 = 0; c2 < n; c2++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += v[k] * vectors[k * n + c2];
        expect(Math.abs(s - (c === c2 ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    for (let c = 1; c < n; c++) expect(values[c]).toBeGreaterThanOrEqual(values[c - 1]);
  });

  it('implicit QL on a tridiagonal matrix agrees with Jacobi, with correct eigenvectors', () => {
    const n = 30;
    const rng = new Rng(2);
    const alpha = rng.fillNormal(new Float64Array(n));
    const beta = rng.fillNormal(new Float64Array(n - 1));
    beta[10] = 0; // a decoupled block must be handled too
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = alpha[i];
      if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = beta[i];
    }
    const te = tridiagEigen(alpha, beta);
    const je = symmetricEigen(T, n);
    for (let i = 0; i < n; i++) expect(Math.abs(te.values[i] - je.values[i])).toBeLessThan(1e-12);
    for (let c = 0; c < n; c++) {
      const s = Float64Array.from({ length: n }, (_, r) => te.rows[r][c]);
      const Ts = matvecDense(T, s);
      for (let k = 0; k < n; k++) expect(Math.abs(Ts[k] - te.values[c] * s[k])).toBeLessThan(1e-12);
    }
    const last = tridiagEigen(alpha, beta, [n - 1]);
    for (let c = 0; c < n; c++)
      expect(Math.abs(Math.abs(last.rows[0][c]) - Math.abs(te.rows[n - 1][c]))).toBeLessThan(1e-13);
  });
});

describe('Lanczos and power iteration', () => {
  const cases = [
    { act: 'relu' as const, m: 10, d: 8, n: 60 },
    { act: { name: 'relu-pow' as const, p: 2 }, m: 8, d: 6, n: 40 },
    { act: { name: 'relu-pow' as const, p: 3 }, m: 6, d: 5, n: 30 },
  ];
  for (const c of cases) {
    it(`top-5 Hessian eigenvalues match a dense eigendecomposition ≤ 1e-8 (${JSON.stringify(c.act)})`, () => {
      const data = randomData(c.n, c.d, 7);
      const net = randomNet(c.act, c.m, c.d, 8);
      const P = c.m * (c.d + 1);
      const exact = Array.from(symmetricEigen(denseHessian(net, data), P).values)
        .reverse()
        .slice(0, 5);
      const op = countingOperator(hessianOperator(net, data));
      const res = lanczos(op, { k: 5, budget: P, seed: 3 });
      expect(res.matvecs).toBe(op.count());
      expect(res.matvecs).toBeLessThanOrEqual(P);
      expect(res.allConverged).toBe(true);
      for (let i = 0; i < 5; i++) expect(relErr(res.values[i], exact[i])).toBeLessThan(1e-8);
      // Ritz vectors satisfy their reported residuals.
      const rv = lanczos(hessianOperator(net, data), { k: 2, budget: P, seed: 3, vectors: true });
      const v = rv.vectors?.[0] as Float64Array;
      const Hv = hessianOperator(net, data).matvec(v);
      let r = 0;
      for (let i = 0; i < P; i++) r += (Hv[i] - rv.values[0] * v[i]) ** 2;
      expect(Math.sqrt(r)).toBeLessThan(1e-8 * Math.abs(rv.values[0]));
      // Most negative eigenvalue too (the residual part makes H indefinite away from interpolation).
      const low = lanczos(hessianOperator(net, data), { k: 1, budget: P, seed: 4, which: 'smallest' });
      const all = symmetricEigen(denseHessian(net, data), P).values;
      expect(Math.abs(low.values[0] - all[0])).toBeLessThan(1e-8 * maxAbs(all));
    });
  }

  it('finds repeated eigenvalues and the null space of a low-rank Gauss–Newton matrix (restarts)', () => {
    const data = randomData(4, 5, 1);
    const net = randomNet('relu', 4, 5, 2);
    const P = 24;
    const op = gaussNewtonOperator(net, data);
    const res = lanczos(op, { k: 6, budget: P, seed: 1 });
    const exact = Array.from(symmetricEigen(op.dense?.() as Float64Array, P).values).reverse();
    // rank ≤ n = 4: the 5th and 6th eigenvalues are 0
    expect(res.restarts).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) expect(Math.abs(res.values[i] - exact[i])).toBeLessThan(1e-10 * exact[0]);
  });

  it('power iteration converges to the eigenvalue of largest magnitude', () => {
    const eigs = [9, -4, 3, 2, 1, 0.5, 0.1, -0.2];
    const op = denseOperator(matrixWithSpectrum(eigs, 5), 8);
    const res = powerIteration(op, { budget: 500, seed: 1, tol: 1e-12 });
    expect(res.converged).toBe(true);
    expect(Math.abs(res.eigenvalue - 9)).toBeLessThan(1e-10);
    const short = powerIteration(op, { budget: 2, seed: 1 });
    expect(short.converged).toBe(false);
    expect(short.matvecs).toBe(2);
  });

  it('rejects bad k and budgets with InputErrors', () => {
    const op = denseOperator(matrixWithSpectrum([1, 2, 3], 1), 3);
    expect(() => lanczos(op, { k: 4, budget: 3, seed: 0 })).toThrow(/k must be an integer in \[1, 3\]/);
    expect(() => lanczos(op, { k: 2, budget: 1, seed: 0 })).toThrow(/budget must be an integer ≥ 2/);
    expect(() => hutchinson(op, { budget: 1, seed: 0 })).toThrow(/budget must be an integer ≥ 2/);
    expect(() => hutchpp(op, { budget: 3, seed: 0 })).toThrow(/budget must be an integer ≥ 4/);
    expect(() => hutchinson(op, { budget: 5, seed: 0, sampler: 'uniform' as never })).toThrow(/sampler must be one of/);
    expect(() => estimateTrace(op, 'xtrace' as never, { budget: 5, seed: 0 })).toThrow(/method must be one of/);
  });
});

describe('trace estimators', () => {
  const data = randomData(25, 5, 21);
  const net = randomNet({ name: 'relu-pow', p: 2 }, 6, 5, 22);
  const op = hessianOperator(net, data);
  const exact = op.exactTrace?.() as number;

  for (const sampler of ['rademacher', 'gaussian'] as const) {
    it(`Hutchinson (${sampler}) is unbiased: mean over 200 seeds within 3 standard errors; stderr calibrated`, () => {
      const est: number[] = [];
      const se: number[] = [];
      for (let s = 0; s < 200; s++) {
        const r = hutchinson(op, { budget: 10, seed: s, sampler });
        expect(r.matvecs).toBe(10);
        est.push(r.estimate);
        se.push(r.stderr);
      }
      const mean = est.reduce((a, b) => a + b, 0) / est.length;
      const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (est.length - 1));
      expect(Math.abs(mean - exact)).toBeLessThan((3 * sd) / Math.sqrt(est.length));
      // The per-run standard error matches the spread across runs (rms within 25%).
      const rmsSe = Math.sqrt(se.reduce((a, b) => a + b * b, 0) / se.length);
      expect(rmsSe / sd).toBeGreaterThan(0.75);
      expect(rmsSe / sd).toBeLessThan(1.25);
    });
  }

  it('same seed ⇒ bit-identical estimate; different seeds differ', () => {
    const a = hutchpp(op, { budget: 12, seed: 5 });
    const b = hutchpp(op, { budget: 12, seed: 5 });
    const c = hutchpp(op, { budget: 12, seed: 6 });
    expect(a.estimate).toBe(b.estimate);
    expect(a.estimate).not.toBe(c.estimate);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('Hutch++ is unbiased too (mean of 200 seeds within 3 standard errors)', () => {
    const est = Array.from({ length: 200 }, (_, s) => hutchpp(op, { budget: 9, seed: s }).estimate);
    const mean = est.reduce((a, b) => a + b, 0) / est.length;
    const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (est.length - 1));
    expect(Math.abs(mean - exact)).toBeLessThan((3 * sd) / Math.sqrt(est.length) + 1e-12 * Math.abs(exact));
  });

  function rmsError(
    o: typeof op,
    method: 'hutchinson' | 'hutchpp',
    budget: number,
    seeds: number,
    truth: number,
  ): number {
    let s = 0;
    for (let seed = 0; seed < seeds; seed++) s += (estimateTrace(o, method, { budget, seed }).estimate - truth) ** 2;
    return Math.sqrt(s / seeds);
  }

  it('Hutch++ beats Hutchinson at equal budget on a Hessian with a dominant top part', () => {
    // An interpolating network (labels = its own outputs): H = JᵀJ/n has rank ≤ n = 12 ≪ dim = 88,
    // plus a non-interpolating one whose spectrum is still dominated by a few large eigenvalues.
    const X = randomData(12, 7, 31).X;
    const teacher = randomNet('relu', 11, 7, 32);
    const interp = { n: 12, d: 7, X, y: forward(teacher, X, 12) };
    const hInterp = hessianOperator(teacher, interp);
    const trI = hInterp.exactTrace?.() as number;
    const errI = { hutch: rmsError(hInterp, 'hutchinson', 45, 30, trI), pp: rmsError(hInterp, 'hutchpp', 45, 30, trI) };
    expect(errI.pp).toBeLessThan(1e-9 * trI);
    expect(errI.hutch).toBeGreaterThan(1e-3 * trI);

    const noisy = { ...interp, y: interp.y.map((v, i) => v + 0.1 * Math.sin(i)) };
    const d40 = randomData(40, 7, 33);
    const hN = hessianOperator(teacher, { ...d40, y: d40.y.map((v) => 0.1 * v) });
    for (const o of [hessianOperator(teacher, noisy), hN]) {
      const tr = o.exactTrace?.() as number;
      const eh = rmsError(o, 'hutchinson', 90, 40, tr);
      const ep = rmsError(o, 'hutchpp', 90, 40, tr);
      expect(ep).toBeLessThan(0.5 * eh);
    }
  });

  it('Hutch++ error falls faster with budget than Hutchinson on a fast-decaying spectrum', () => {
    const eigs = Array.from({ length: 100 }, (_, i) => 100 * 0.8 ** i);
    const o = denseOperator(matrixWithSpectrum(eigs, 9), 100);
    const tr = eigs.reduce((a, b) => a + b, 0);
    const h = [24, 96].map((b) => rmsError(o, 'hutchinson', b, 40, tr));
    const p = [24, 96].map((b) => rmsError(o, 'hutchpp', b, 40, tr));
    expect(p[0]).toBeLessThan(h[0]);
    expect(p[1]).toBeLessThan(0.1 * h[1]);
    // Hutchinson: ~1/√s (×4 budget ⇒ ÷2); Hutch++ much faster here.
    expect(h[0] / h[1]).toBeLessThan(3);
    expect(p[0] / p[1]).toBeGreaterThan(5);
  });
});

describe('stochastic Lanczos quadrature', () => {
  const eigs = [-1, 0.5, 1, 2, 3, 5, 8, 13, 21, 34];
  const op = denseOperator(matrixWithSpectrum(eigs, 4), 10);

  it('with steps = dim the nodes are the eigenvalues and weights sum to 1', () => {
    const r = stochasticLanczosQuadrature(op, { probes: 3, steps: 10, seed: 1 });
    expect(r.matvecs).toBe(30);
    for (let l = 0; l < 3; l++) {
      expect(Math.abs(r.weights[l].reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      for (let i = 0; i < 10; i++) expect(Math.abs(r.nodes[l][i] - eigs[i])).toBeLessThan(1e-9);
    }
    // density integrates to 1 (trapezoid rule)
    let integral = 0;
    for (let g = 1; g < r.grid.length; g++)
      integral += 0.5 * (r.density[g] + r.density[g - 1]) * (r.grid[g] - r.grid[g - 1]);
    expect(Math.abs(integral - 1)).toBeLessThan(2e-3);
  });

  it('its trace estimate is unbiased (within 3 standard errors) and the weights average to 1/dim', () => {
    const r = stochasticLanczosQuadrature(op, { probes: 300, steps: 10, seed: 2 });
    const tr = eigs.reduce((a, b) => a + b, 0);
    expect(Math.abs(r.traceEstimate - tr)).toBeLessThan(3 * r.traceStderr);
    for (let i = 0; i < 10; i++) {
      const w = r.weights.reduce((a, ws) => a + ws[i], 0) / 300;
      expect(Math.abs(w - 0.1)).toBeLessThan(0.03);
    }
  });

  it('few steps on a Hessian: nodes stay inside the spectrum', () => {
    const data = randomData(30, 5, 3);
    const net = randomNet('relu', 6, 5, 4);
    const H = denseHessian(net, data);
    const spec = symmetricEigen(H, 36).values;
    const r = stochasticLanczosQuadrature(hessianOperator(net, data), { probes: 4, steps: 8, seed: 1, gridPoints: 50 });
    for (const t of r.nodes)
      for (const x of t) {
        expect(x).toBeGreaterThanOrEqual(spec[0] - 1e-10);
        expect(x).toBeLessThanOrEqual(spec[35] + 1e-10);
      }
    expect(r.grid.length).toBe(50);
  });
});

describe('Hutch++ deflation as a block', () => {
  it('orthogonalizeRowsAgainst gives, row by row, what orthogonalizeAgainst gives (to 1e-13), and rows ⟂ Q', () => {
    const dim = 37;
    const rng = new Rng(11);
    const Q = orthonormalBasis(Array.from({ length: 9 }, () => rng.fillNormal(new Float64Array(dim))));
    const rows = 13;
    const V = rng.fillNormal(new Float64Array(rows * dim));
    const ref = Array.from({ length: rows }, (_, l) => {
      const v = V.slice(l * dim, (l + 1) * dim);
      orthogonalizeAgainst(v, Q);
      return v;
    });
    orthogonalizeRowsAgainst(V, rows, Q);
    for (let l = 0; l < rows; l++) {
      const row = V.subarray(l * dim, (l + 1) * dim);
      for (let k = 0; k < dim; k++) expect(Math.abs(row[k] - ref[l][k])).toBeLessThan(1e-13);
      for (const q of Q) expect(Math.abs(dot(q, row))).toBeLessThan(1e-13);
    }
  });

  it('hutchpp equals a one-probe-at-a-time Hutch++ built here (same probes, scalar projection) to 1e-12', () => {
    const dim = 40;
    const A = matrixWithSpectrum(
      Array.from({ length: dim }, (_, i) => 1 / (1 + i) ** 2),
      4,
    );
    const op = denseOperator(A, dim);
    for (const [budget, seed] of [
      [12, 0],
      [30, 3],
    ]) {
      const got = hutchpp(op, { budget, seed });
      // Reference: Algorithm 1 of Meyer et al. with each deflated probe drawn and projected on its own.
      const rng = new Rng(deriveSeed(seed, 'hutchpp', 'rademacher'));
      const k = Math.floor(budget / 3);
      const S = Array.from({ length: k }, () => op.matvec(rng.fillRademacher(new Float64Array(dim))));
      const Q = orthonormalBasis(S);
      let t = 0;
      for (const q of Q) t += dot(q, op.matvec(q));
      let s = 0;
      for (let l = 0; l < budget - 2 * k; l++) {
        const v = rng.fillRademacher(new Float64Array(dim));
        orthogonalizeAgainst(v, Q);
        s += dot(v, op.matvec(v));
      }
      const ref = t + s / (budget - 2 * k);
      expect(Math.abs(got.estimate - ref)).toBeLessThan(1e-12 * Math.abs(ref));
    }
  });
});

describe('orthonormalBasis (block Gram–Schmidt)', () => {
  it('spans what the columns span: QᵀQ = I and Q Qᵀ c = c for every column, with dependent columns dropped', () => {
    const dim = 50;
    const rng = new Rng(21);
    const base = Array.from({ length: 30 }, () => rng.fillNormal(new Float64Array(dim)));
    // 70 columns over 3 blocks, rank 30: every column after the 30th is a combination of earlier ones.
    const cols = [...base];
    for (let c = 30; c < 70; c++) {
      const v = new Float64Array(dim);
      for (const b of base) {
        const w = rng.normal();
        for (let k = 0; k < dim; k++) v[k] += w * b[k];
      }
      cols.push(v);
    }
    cols.splice(40, 0, new Float64Array(dim)); // a zero column is skipped
    const Q = orthonormalBasis(cols);
    expect(Q.length).toBe(30);
    for (let i = 0; i < Q.length; i++)
      for (let j = 0; j < Q.length; j++) expect(Math.abs(dot(Q[i], Q[j]) - (i === j ? 1 : 0))).toBeLessThan(1e-13);
    for (const c of cols) {
      const r = c.slice();
      for (const q of Q) {
        const w = dot(q, c);
        for (let k = 0; k < dim; k++) r[k] -= w * q[k];
      }
      for (let k = 0; k < dim; k++) expect(Math.abs(r[k])).toBeLessThan(1e-11 * (1 + Math.abs(c[k])));
    }
  });
});
