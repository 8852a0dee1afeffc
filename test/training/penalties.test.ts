import { describe, expect, it } from 'vitest';
import { traceParts } from '../../src/flatness/trace.js';
import { makeActivation } from '../../src/model/activations.js';
import { createNetwork, loss, unpackParams } from '../../src/model/network.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { invariantPenalty, penalizedGradient, traceGaussNewtonPenalty } from '../../src/training/penalties.js';
import { randomData, randomNet } from '../helpers.js';
import { fdGradient, maxAbs, maxAbsDiff, packed } from './oracle.js';

const cases = [
  { name: 'relu', spec: { name: 'relu' as const } },
  { name: 'abs', spec: { name: 'abs' as const } },
  { name: 'relu-pow p=2 (σ″ ≠ 0)', spec: { name: 'relu-pow' as const, p: 2 } },
  { name: 'abs-pow p=3', spec: { name: 'abs-pow' as const, p: 3 } },
];

describe('flatness penalties: closed-form gradients vs finite differences', () => {
  for (const c of cases) {
    it(`Gauss–Newton trace Σ(A+B), ${c.name}`, () => {
      const data = randomData(15, 4, 11);
      const net = randomNet(c.spec, 5, 4, 12);
      const pen = traceGaussNewtonPenalty(net, data);
      const parts = traceParts(net, data);
      expect(pen.value).toBeCloseTo(parts.traceGaussNewton, 12);
      const fd = fdGradient((th) => traceGaussNewtonPenalty(unpackParams(net, th), data).value, packed(net));
      const g = Float64Array.from([...pen.ga, ...pen.gW]);
      expect(maxAbsDiff(g, fd) / maxAbs(fd)).toBeLessThan(1e-6);
    });

    it(`invariant flatness F*, ${c.name}`, () => {
      const data = randomData(15, 4, 21);
      const net = randomNet(c.spec, 5, 4, 22);
      const pen = invariantPenalty(net, data);
      expect(pen.value).toBeCloseTo(invariantFlatness(net, data).value, 12);
      const fd = fdGradient((th) => invariantPenalty(unpackParams(net, th), data).value, packed(net));
      const g = Float64Array.from([...pen.ga, ...pen.gW]);
      expect(maxAbsDiff(g, fd) / maxAbs(fd)).toBeLessThan(1e-6);
    });
  }

  for (const c of cases)
    for (const kind of ['trace', 'invariant'] as const) {
      it(`the fused step direction of L + λΦ (${kind}, ${c.name}) is the finite-difference gradient, with L and Φ at θ`, () => {
        const data = randomData(17, 4, 51);
        const net = randomNet(c.spec, 5, 4, 52);
        const lambda = 0.37;
        const phi = (th: Float64Array) => {
          const x = unpackParams(net, th);
          return kind === 'trace' ? traceGaussNewtonPenalty(x, data).value : invariantPenalty(x, data).value;
        };
        const r = penalizedGradient(net, data, lambda, kind);
        expect(r.loss).toBeCloseTo(loss(net, data).loss, 14);
        expect(r.penalty).toBeCloseTo(phi(packed(net)), 12);
        const fd = fdGradient((th) => loss(unpackParams(net, th), data).loss + lambda * phi(th), packed(net));
        expect(maxAbsDiff(r.g, fd) / maxAbs(fd)).toBeLessThan(1e-6);
      });
    }

  it('F* penalty gradient is orthogonal to the rescaling orbit (F* is invariant)', () => {
    // d/dt F*(rescale(θ, e^{t v})) = 0: Σ_j v_j (−k a_j ∂a_j + w_j·∂w_j) = 0 for every v.
    const data = randomData(20, 3, 31);
    const net = randomNet('relu', 6, 3, 32);
    const pen = invariantPenalty(net, data);
    for (let j = 0; j < net.m; j++) {
      let s = -net.a[j] * pen.ga[j];
      for (let k = 0; k < 3; k++) s += net.W[j * 3 + k] * pen.gW[j * 3 + k];
      expect(Math.abs(s)).toBeLessThan(1e-10);
    }
  });

  it('a neuron with a = 0 contributes nothing to F* and gets a zero gradient', () => {
    const data = randomData(10, 3, 41);
    const base = randomNet('relu', 3, 3, 42);
    const a = base.a.slice();
    a[1] = 0;
    const net = createNetwork(makeActivation('relu'), a, base.W.slice(), 3);
    const pen = invariantPenalty(net, data);
    expect(pen.ga[1]).toBe(0);
    for (let k = 3; k < 6; k++) expect(pen.gW[k]).toBe(0);
    expect(Number.isFinite(pen.value)).toBe(true);
  });
});
