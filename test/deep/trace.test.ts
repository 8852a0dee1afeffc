import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mlpTrace } from '../../src/flatness/mlp-trace.js';
import { traceParts } from '../../src/flatness/trace.js';
import { mlpDataOf } from '../../src/io/mlp-state-dict.js';
import type { ActivationSpec } from '../../src/model/activations.js';
import { mlpForward, mlpFromNetwork, mlpParamCount } from '../../src/model/mlp.js';
import { mlpCurvatureProduct } from '../../src/model/mlp-hvp.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import {
  mlpBalance,
  mlpInvariantFlatness,
  mlpPathNorm,
  mlpRandomFactors,
  mlpRescale,
  mlpUniformFactors,
} from '../../src/symmetry/mlp-balance.js';
import { pathNorm } from '../../src/symmetry/rescale.js';
import { randomData, randomNet, relErr } from '../helpers.js';
import { randomMlp, randomMlpData, taylorTrace } from './fixtures.js';

const ACTS: ActivationSpec[] = [
  { name: 'relu' },
  { name: 'leaky-relu', alpha: 0.1 },
  { name: 'relu-pow', p: 2 },
  { name: 'tanh' },
];
const SHAPES = [
  [5, 7, 6],
  [4, 6, 5, 4],
];

describe('deep trace against second-order forward mode (an independent oracle)', () => {
  for (const act of ACTS)
    for (const hidden of SHAPES)
      for (const c of [1, 3])
        it(`${act.name} ${hidden.join('-')}-${c} with biases: trace and GN part within 1e-10`, () => {
          const net = randomMlp([...hidden, c], act, true, 11 + c);
          const data = randomMlpData(25, hidden[0], c, 5);
          const t = mlpTrace(net, data);
          const o = taylorTrace(net, data);
          expect(relErr(t.trace, o.trace)).toBeLessThan(1e-10);
          expect(relErr(t.traceGaussNewton, o.gaussNewton)).toBeLessThan(1e-10);
          const byLayer = t.layers.reduce((s, x) => s + x.gaussNewton + x.residual, 0);
          expect(relErr(byLayer, t.trace)).toBeLessThan(1e-13);
          if (act.name === 'relu' || act.name === 'leaky-relu') expect(t.traceResidual).toBe(0);
        });
});

describe('deep curvature-vector products', () => {
  for (const act of [ACTS[0], ACTS[2], ACTS[3]])
    it(`${act.name}: the diagonals of the Hessian and GN products sum to the exact trace parts`, () => {
      const net = randomMlp([4, 5, 3, 2], act, true, 3);
      const data = randomMlpData(15, 4, 2, 4);
      const P = mlpParamCount(net);
      let h = 0;
      let g = 0;
      let r = 0;
      for (let p = 0; p < P; p++) {
        const e = new Float64Array(P);
        e[p] = 1;
        h += mlpCurvatureProduct(net, data, e, 'hessian')[p];
        g += mlpCurvatureProduct(net, data, e, 'gauss-newton')[p];
        r += mlpCurvatureProduct(net, data, e, 'residual')[p];
      }
      const t = mlpTrace(net, data);
      expect(relErr(h, t.trace)).toBeLessThan(1e-12);
      expect(relErr(g, t.traceGaussNewton)).toBeLessThan(1e-12);
      expect(Math.abs(r - t.traceResidual)).toBeLessThan(1e-12 * Math.abs(t.trace));
    });
});

describe('two layers, no bias, one output: the deep code gives the two-layer numbers', () => {
  for (const act of [ACTS[0], ACTS[2]])
    it(`${act.name}: trace parts, F* and path norm agree to 1e-12`, () => {
      const net = randomNet(act, 9, 6, 2);
      const data = randomData(30, 6, 3);
      const deep = mlpFromNetwork(net);
      const t = mlpTrace(deep, mlpDataOf(data));
      const p = traceParts(net, data);
      expect(relErr(t.trace, p.trace)).toBeLessThan(1e-12);
      expect(relErr(t.traceGaussNewton, p.traceGaussNewton)).toBeLessThan(1e-12);
      expect(Math.abs(t.traceResidual - p.traceResidual)).toBeLessThan(1e-12 * Math.abs(p.trace));
      expect(
        relErr(mlpInvariantFlatness(deep, mlpDataOf(data)).value, invariantFlatness(net, data).value),
      ).toBeLessThan(1e-12);
      expect(relErr(mlpPathNorm(deep), pathNorm(net))).toBeLessThan(1e-12);
    });
});

describe('F* of deep networks, a geometric program', () => {
  for (const act of [ACTS[0], ACTS[1], ACTS[2]])
    it(`${act.name}: converges, the balanced point's GN trace is F*, no orbit point of 1000 is below, f unchanged`, () => {
      const net = randomMlp([5, 7, 6, 3], act, true, 21);
      const data = randomMlpData(30, 5, 3, 22);
      const inv = mlpInvariantFlatness(net, data);
      expect(inv.certificate.converged).toBe(true);
      expect(inv.certificate.gradientNorm).toBeLessThan(1e-12);
      const { net: bal } = mlpBalance(net, data);
      expect(relErr(mlpTrace(bal, data).traceGaussNewton, inv.value)).toBeLessThan(1e-12);
      const f0 = mlpForward(net, data.X, data.n);
      const f1 = mlpForward(bal, data.X, data.n);
      let num = 0;
      let den = 0;
      for (let t = 0; t < f0.length; t++) {
        num += (f0[t] - f1[t]) ** 2;
        den += f0[t] ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-12);
      for (let s = 0; s < 1000; s++) {
        const r = mlpRescale(net, mlpRandomFactors(net, 1, s));
        expect(mlpTrace(r, data).traceGaussNewton).toBeGreaterThanOrEqual(inv.value * (1 - 1e-12));
      }
    });

  it('F* is the same number at every point of the orbit (property)', () => {
    const net = randomMlp([4, 6, 5, 4, 2], { name: 'relu' }, true, 31);
    const data = randomMlpData(20, 4, 2, 32);
    const ref = mlpInvariantFlatness(net, data).value;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0, max: 2, noNaN: true }), (seed, range) => {
        const r = mlpRescale(net, mlpRandomFactors(net, range, seed));
        expect(relErr(mlpInvariantFlatness(r, data).value, ref)).toBeLessThan(1e-10);
        expect(relErr(mlpPathNorm(r), mlpPathNorm(net))).toBeLessThan(1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('weights ×1e−200 on one layer and ×1e200 on the next (an orbit move) give the same F*', () => {
    const net = randomMlp([4, 5, 6, 2], { name: 'relu' }, true, 51);
    const data = randomMlpData(20, 4, 2, 52);
    const f = mlpUniformFactors(net, 1);
    f[0].fill(1e-200);
    const far = mlpRescale(net, f);
    expect(Math.abs(far.W[0][0])).toBeLessThan(1e-150);
    const ref = mlpInvariantFlatness(net, data);
    const got = mlpInvariantFlatness(far, data);
    expect(relErr(got.value, ref.value)).toBeLessThan(1e-10);
    expect(relErr(mlpTrace(mlpRescale(far, got.factors), data).traceGaussNewton, ref.value)).toBeLessThan(1e-10);
  });

  it('a neuron with no incoming curvature is reported and pruned; F* is the infimum', () => {
    const net = randomMlp([3, 4, 4, 1], { name: 'leaky-relu', alpha: 0.2 }, true, 41);
    // Hidden neuron 0 of layer 2 feeds nothing: its incoming mass is 0, its outgoing mass is not.
    const W3 = net.W[2];
    W3[0] = 0;
    const data = randomMlpData(20, 3, 1, 42);
    const inv = mlpInvariantFlatness(net, data);
    expect(inv.dead).toContainEqual({ layer: 2, neuron: 0, kind: 'unbounded' });
    expect(inv.traceAtFactors).toBeGreaterThan(inv.value);
    // Shrinking that neuron's factor drives the trace down to F*.
    const f = inv.factors.map((x) => x.slice());
    f[1][0] = 1e-8;
    expect(relErr(mlpTrace(mlpRescale(net, f), data).traceGaussNewton, inv.value)).toBeLessThan(1e-9);
  });
});
