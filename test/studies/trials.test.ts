import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../src/model/activations.js';
import { denseHessian } from '../../src/model/network.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import {
  buildInterpolator,
  fitOf,
  studyActivation,
  studyData,
  studyHyperparams,
  topEigenvalue,
} from '../../src/studies/common.js';
import { ALGORITHMS, parseTrainConfig } from '../../src/training/params.js';
import { randomData, randomNet, relErr } from '../helpers.js';

/** Largest |eigenvalue| of a dense symmetric matrix by the cyclic Jacobi method (independent oracle). */
function jacobiMaxAbsEig(H: Float64Array, P: number): number {
  const A = Float64Array.from(H);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < P; p++) for (let q = p + 1; q < P; q++) off += A[p * P + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < P; p++) {
      for (let q = p + 1; q < P; q++) {
        const apq = A[p * P + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * P + q] - A[p * P + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < P; k++) {
          const akp = A[k * P + p];
          const akq = A[k * P + q];
          A[k * P + p] = c * akp - s * akq;
          A[k * P + q] = s * akp + c * akq;
        }
        for (let k = 0; k < P; k++) {
          const apk = A[p * P + k];
          const aqk = A[q * P + k];
          A[p * P + k] = c * apk - s * aqk;
          A[q * P + k] = s * apk + c * aqk;
        }
      }
    }
  }
  let mx = 0;
  for (let i = 0; i < P; i++) mx = Math.max(mx, Math.abs(A[i * P + i]));
  return mx;
}

describe('study trials', () => {
  it('topEigenvalue (power iteration on Hessian-vector products) matches the dense Hessian spectrum', () => {
    for (const act of ['relu', { name: 'relu_pow', p: 2 }] as const) {
      const data = randomData(30, 4, 3);
      const net = randomNet(act, 6, 4, 5, 3);
      const P = net.m * (net.d + 1);
      const exact = jacobiMaxAbsEig(denseHessian(net, data), P);
      const est = topEigenvalue(net, data, 11, 300);
      expect(relErr(est, exact)).toBeLessThan(1e-3);
      // 30 iterations (the lazy run's setting) never overestimate, so 1/λ stays below the limit 2/λ_max.
      expect(topEigenvalue(net, data, 11)).toBeLessThanOrEqual(exact * (1 + 1e-9));
    }
  });

  it('lazy GD on a ReLU² student completes at its curvature-based rate (it diverged at a fixed rate)', () => {
    const p = { d: 10, n: 40, m: 40, activation: 'relu2' as const, target: 'matched', noise: 0 };
    for (const seed of [0, 1, 2]) {
      const data = studyData(p, seed);
      const act = studyActivation(p);
      const lazy = buildInterpolator('lazy', data, act, { m: p.m, steps: 200 }, seed);
      expect(fitOf(lazy.net, data).trainLoss).toBeLessThanOrEqual(1e-8);
      // Lazy interpolators stay near their large initialization: far sharper than the teacher.
      const teacher = buildInterpolator('teacher', data, act, { m: p.m }, seed);
      expect(invariantFlatness(lazy.net, data).value).toBeGreaterThan(100 * invariantFlatness(teacher.net, data).value);
    }
  });

  it('study hyperparameters are valid training configs for every algorithm, degree and small n', () => {
    for (const algo of ALGORITHMS) {
      for (const k of [1, 2]) {
        for (const n of [8, 20, 500]) {
          const h = studyHyperparams(algo, k, n);
          const c = parseTrainConfig({ algo, width: 10, ...h });
          expect(c.batch).toBeLessThanOrEqual(n);
          if (k === 2 && algo !== 'adam' && algo !== 'flattest')
            expect(c.lr).toBeLessThan(studyHyperparams(algo, 1, n).lr as number);
        }
      }
    }
    expect(studyHyperparams('flattest', 2, 100)).toMatchObject({
      optimizer: 'adam',
      lr: 0.02,
      lambda: 3e-3,
      lambdaFinal: 1e-6,
    });
    expect(makeActivation('relu').degree).toBe(1);
  });
});
