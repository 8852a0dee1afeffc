import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/measures/dense-eig.js';
import { makeActivation } from '../../src/model/activations.js';
import { denseHessian } from '../../src/model/network.js';
import { buildInterpolator, fitOf, studyActivation, studyData, topEigenvalue } from '../../src/studies/common.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { ALGORITHMS, algoDefaults, parseTrainConfig } from '../../src/training/params.js';
import { randomData, randomNet, relErr } from '../helpers.js';

/** Largest |eigenvalue| of a dense symmetric matrix by the cyclic Jacobi method (independent oracle). */
function jacobiMaxAbsEig(H: Float64Array, P: number): number {
  const { values } = symmetricEigen(H, P);
  return Math.max(Math.abs(values[0]), Math.abs(values[P - 1]));
}

describe('study trials', () => {
  it('topEigenvalue (power iteration on Hessian-vector products) matches the dense Hessian spectrum', () => {
    for (const act of ['relu', { name: 'relu-pow', p: 2 }] as const) {
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

  it('the per-algorithm default hyperparameters the studies use are valid training configs for every algorithm, degree and small n', () => {
    for (const algo of ALGORITHMS) {
      for (const k of [1, 2]) {
        for (const n of [8, 20, 500]) {
          const h = algoDefaults(algo, { k, n, searchPlan: false });
          const c = parseTrainConfig({ algo, width: 10, ...h });
          expect(c.batch).toBeLessThanOrEqual(n);
          if (k === 2 && algo !== 'adam' && algo !== 'flattest')
            expect(c.lr).toBeLessThan(algoDefaults(algo, { k: 1, n, searchPlan: false }).lr as number);
        }
      }
    }
    expect(algoDefaults('flattest', { k: 2, n: 100, searchPlan: false })).toMatchObject({
      optimizer: 'adam',
      lr: 0.02,
      lambda: 3e-3,
      lambdaFinal: 1e-6,
    });
    expect(makeActivation('relu').degree).toBe(1);
  });
});
