import { describe, expect, it } from 'vitest';
import { traceParts } from '../../src/flatness/trace.js';
import {
  curvatureOperator,
  denseOperator,
  gaussNewtonOperator,
  hessianOperator,
  materialize,
  residualOperator,
} from '../../src/measures/operators.js';
import { denseHessian, gradient, packParams, unpackParams } from '../../src/model/network.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { randomData, randomNet, relErr } from '../helpers.js';
import { denseGaussNewton, matvecDense, maxAbs, maxAbsDiff } from './fixtures.js';

const ACTS = [
  { name: 'relu' as const },
  { name: 'relu-pow' as const, p: 2 },
  { name: 'relu-pow' as const, p: 3 },
  { name: 'tanh' as const },
];

describe('curvature operators', () => {
  for (const act of ACTS) {
    const label = JSON.stringify(act);
    const data = randomData(23, 4, 11);
    const net = randomNet(act, 5, 4, 12);
    const P = 5 * 5;
    const H = denseHessian(net, data);
    const G = denseGaussNewton(net, data);
    const R = H.map((h, i) => h - G[i]);
    const v = new Rng(3).fillNormal(new Float64Array(P));

    it(`Gauss–Newton product = dense JᵀJ/n (${label})`, () => {
      const gv = gaussNewtonOperator(net, data).matvec(v);
      expect(maxAbsDiff(gv, matvecDense(G, v))).toBeLessThan(1e-12 * Math.max(1, maxAbs(gv)));
    });

    it(`residual product = dense H − JᵀJ/n, and H = G + R (${label})`, () => {
      const rv = residualOperator(net, data).matvec(v);
      const hv = hessianOperator(net, data).matvec(v);
      const gv = gaussNewtonOperator(net, data).matvec(v);
      const scale = Math.max(1, maxAbs(hv));
      expect(maxAbsDiff(rv, matvecDense(R, v))).toBeLessThan(1e-12 * scale);
      expect(
        maxAbsDiff(
          hv,
          gv.map((g, i) => g + rv[i]),
        ),
      ).toBeLessThan(1e-12 * scale);
    });

    it(`exact diagonals = dense diagonals, and sum to the exact traces (${label})`, () => {
      const parts = traceParts(net, data);
      for (const [kind, M, tr] of [
        ['hessian', H, parts.trace],
        ['gauss-newton', G, parts.traceGaussNewton],
        ['residual', R, parts.traceResidual],
      ] as const) {
        const op = curvatureOperator(net, data, kind);
        const diag = op.exactDiagonal?.() as Float64Array;
        const denseDiag = Array.from({ length: P }, (_, i) => M[i * P + i]);
        expect(maxAbsDiff(diag, denseDiag)).toBeLessThan(1e-12 * Math.max(1, maxAbs(denseDiag)));
        expect(Math.abs((op.exactTrace?.() as number) - tr)).toBeLessThan(1e-15 * Math.max(1, Math.abs(tr)));
        // Against an independent oracle: the trace of the dense matrix built entry by entry.
        const denseTrace = denseDiag.reduce((s, x) => s + x, 0);
        expect(Math.abs((op.exactTrace?.() as number) - denseTrace)).toBeLessThan(1e-11 * Math.max(1, Math.abs(tr)));
        expect(Math.abs(diag.reduce((s, x) => s + x, 0) - tr)).toBeLessThan(1e-11 * Math.max(1, Math.abs(tr)));
      }
    });
  }

  it('Hessian product = central finite difference of the exact gradient (smooth activations)', () => {
    for (const act of ACTS.filter((a) => a.name !== 'relu')) {
      const data = randomData(23, 4, 21);
      const net = randomNet(act, 5, 4, 22);
      const P = 25;
      const v = new Rng(7).fillNormal(new Float64Array(P));
      const theta = packParams(net);
      const h = 1e-5;
      const grad = (sign: number): Float64Array => {
        const g = gradient(
          unpackParams(
            net,
            theta.map((t, i) => t + sign * h * v[i]),
          ),
          data,
        );
        const out = new Float64Array(P);
        out.set(g.ga, 0);
        out.set(g.gW, 5);
        return out;
      };
      const gp = grad(1);
      const gm = grad(-1);
      const fd = gp.map((x, i) => (x - gm[i]) / (2 * h));
      const hv = hessianOperator(net, data).matvec(v);
      expect(maxAbsDiff(hv, fd)).toBeLessThan(1e-6 * Math.max(1, maxAbs(hv)));
    }
  });

  it('residual part vanishes for ReLU (σ″ = 0) except the a–W cross block', () => {
    const data = randomData(30, 3, 1);
    const net = randomNet('relu', 4, 3, 2);
    const R = materialize(residualOperator(net, data));
    const P = 16;
    // W–W block is zero; a–W block is (1/n) Σ r σ′ x, non-zero away from interpolation.
    let ww = 0;
    let aw = 0;
    for (let p = 4; p < P; p++) for (let q = 4; q < P; q++) ww = Math.max(ww, Math.abs(R[p * P + q]));
    for (let p = 0; p < 4; p++) for (let q = 4; q < P; q++) aw = Math.max(aw, Math.abs(R[p * P + q]));
    expect(ww).toBe(0);
    expect(aw).toBeGreaterThan(1e-3);
  });

  it('materialized operators are symmetric; dense operator reproduces its matrix', () => {
    const data = randomData(20, 3, 5);
    const net = randomNet({ name: 'relu-pow', p: 2 }, 3, 3, 6);
    for (const kind of ['hessian', 'gauss-newton', 'residual'] as const) {
      const M = materialize(curvatureOperator(net, data, kind));
      const P = 12;
      let asym = 0;
      for (let i = 0; i < P; i++)
        for (let j = 0; j < P; j++) asym = Math.max(asym, Math.abs(M[i * P + j] - M[j * P + i]));
      expect(asym).toBeLessThan(1e-12 * Math.max(1, maxAbs(M)));
    }
    const H = denseHessian(net, data);
    const op = denseOperator(H, 12);
    expect(maxAbsDiff(materialize(op), H)).toBe(0);
    expect(relErr(op.exactTrace?.() as number, traceParts(net, data).trace)).toBeLessThan(1e-10);
  });

  it('bad inputs are InputErrors naming the problem', () => {
    const data = randomData(10, 3, 1);
    const net = randomNet('relu', 2, 4, 1);
    expect(() => hessianOperator(net, data)).toThrow(/dimension mismatch/);
    const ok = randomNet('relu', 2, 3, 1);
    expect(() => curvatureOperator(ok, data, 'fisher' as never)).toThrow(/operator must be one of/);
    expect(() => denseOperator(new Float64Array(5), 2)).toThrow(/dense operator/);
  });
});
