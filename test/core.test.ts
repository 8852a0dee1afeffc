import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { hessianTrace, traceParts } from '../src/flatness/trace.js';
import { dataPass, denseHessian, forward, gradient, hvp, type Network } from '../src/model/network.js';
import { Rng } from '../src/rng/xoshiro.js';
import { balance, invariantFlatness } from '../src/symmetry/invariant.js';
import { neuronMasses, pathNorm, randomFactors, rescale } from '../src/symmetry/rescale.js';
import { randomData, randomNet, relErr } from './helpers.js';

const ACTS = [
  { spec: { name: 'relu' as const }, k: 1 },
  { spec: { name: 'relu-pow' as const, p: 2 }, k: 2 },
  { spec: { name: 'relu-pow' as const, p: 3 }, k: 3 },
];

function withLabels(data: Dataset, net: Network): Dataset {
  return { ...data, y: forward(net, data.X, data.n) };
}

/** Hessian trace by central differences of the exact gradient, one coordinate at a time. */
function fdTrace(net: Network, data: Dataset, h = 1e-5): number {
  let tr = 0;
  const shift = (p: number, eps: number): Network => {
    const a = net.a.slice();
    const W = net.W.slice();
    if (p < net.m) a[p] += eps;
    else W[p - net.m] += eps;
    return { ...net, a, W };
  };
  for (let p = 0; p < net.m * (net.d + 1); p++) {
    const gp = gradient(shift(p, h), data);
    const gm = gradient(shift(p, -h), data);
    const dp = p < net.m ? gp.ga[p] - gm.ga[p] : gp.gW[p - net.m] - gm.gW[p - net.m];
    tr += dp / (2 * h);
  }
  return tr;
}

describe('exact Hessian trace (closed form) vs oracles', () => {
  for (const { spec, k } of ACTS) {
    it(`matches the finite-difference trace away from interpolation, k = ${k}`, () => {
      const data = randomData(30, 4, 11 + k);
      const net = randomNet(spec, 5, 4, 7 + k);
      const exact = hessianTrace(net, data);
      expect(relErr(exact, fdTrace(net, data))).toBeLessThan(1e-6);
      // and the residual part is really exercised for k ≥ 2
      if (k >= 2) expect(Math.abs(traceParts(net, data).traceResidual)).toBeGreaterThan(1e-3);
    });
    it(`matches the finite-difference trace at an interpolator, k = ${k}`, () => {
      const net = randomNet(spec, 5, 4, 3 + k);
      const data = withLabels(randomData(30, 4, 21 + k), net);
      const parts = traceParts(net, data);
      expect(parts.loss).toBeLessThan(1e-28);
      expect(Math.abs(parts.traceResidual)).toBeLessThan(1e-12 * parts.trace);
      expect(relErr(parts.trace, fdTrace(net, data))).toBeLessThan(1e-6);
    });
    it(`dense Hessian trace equals the closed form, k = ${k}`, () => {
      const data = randomData(40, 5, 31 + k);
      const net = randomNet(spec, 6, 5, 41 + k);
      const H = denseHessian(net, data);
      const P = net.m * (net.d + 1);
      let tr = 0;
      for (let p = 0; p < P; p++) tr += H[p * P + p];
      expect(relErr(tr, hessianTrace(net, data))).toBeLessThan(1e-10);
    });
    it(`HVP equals the finite difference of the gradient and the dense Hessian, k = ${k}`, () => {
      const data = randomData(25, 4, 51 + k);
      const net = randomNet(spec, 5, 4, 61 + k);
      const rng = new Rng(5);
      const va = rng.fillNormal(new Float64Array(net.m));
      const vW = rng.fillNormal(new Float64Array(net.m * net.d));
      const { ha, hW } = hvp(net, data, va, vW);
      const h = 1e-6;
      const step = (s: number): Network => {
        const a = net.a.map((x, i) => x + s * va[i]);
        const W = net.W.map((x, i) => x + s * vW[i]);
        return { ...net, a, W };
      };
      const gp = gradient(step(h), data);
      const gm = gradient(step(-h), data);
      const fd = [...gp.ga.map((x, i) => (x - gm.ga[i]) / (2 * h)), ...gp.gW.map((x, i) => (x - gm.gW[i]) / (2 * h))];
      const hv = [...ha, ...hW];
      const scale = Math.max(...hv.map(Math.abs));
      for (let i = 0; i < hv.length; i++) expect(Math.abs(hv[i] - fd[i]) / scale).toBeLessThan(1e-6);
      const H = denseHessian(net, data);
      const P = hv.length;
      const v = [...va, ...vW];
      for (let p = 0; p < P; p++) {
        let s = 0;
        for (let q = 0; q < P; q++) s += H[p * P + q] * v[q];
        expect(Math.abs(s - hv[p]) / scale).toBeLessThan(1e-12);
      }
    });
  }
  it('gradient equals finite differences of the loss', () => {
    const data = randomData(20, 3, 1);
    const net = randomNet('relu-pow', 4, 3, 2);
    const g = gradient(net, data);
    const h = 1e-6;
    for (let j = 0; j < net.m; j++) {
      const a1 = net.a.slice();
      a1[j] += h;
      const a2 = net.a.slice();
      a2[j] -= h;
      const fd = (gradient({ ...net, a: a1 }, data).loss - gradient({ ...net, a: a2 }, data).loss) / (2 * h);
      expect(relErr(fd, g.ga[j])).toBeLessThan(1e-6);
    }
  });
  it('a gradient into lent arrays is the same bits as into fresh ones, in those arrays; a lent array of the wrong length is not used', () => {
    const data = randomData(30, 4, 3);
    const net = randomNet('relu', 5, 4, 4);
    const fresh = gradient(net, data);
    const other = randomNet('relu', 5, 4, 5);
    const lent = gradient(other, data); // arrays full of another network's numbers
    const again = gradient(net, data, lent);
    expect(again.ga).toBe(lent.ga);
    expect(again.gW).toBe(lent.gW);
    expect(again.r).toBe(lent.r);
    expect(Array.from(again.ga)).toEqual(Array.from(fresh.ga));
    expect(Array.from(again.gW)).toEqual(Array.from(fresh.gW));
    expect(Array.from(again.r)).toEqual(Array.from(fresh.r));
    expect(again.loss).toBe(fresh.loss);
    const short = new Float64Array(3);
    const g = gradient(net, data, { gW: short });
    expect(g.gW).not.toBe(short);
    expect(Array.from(g.gW)).toEqual(Array.from(fresh.gW));
  });
});
it("traceParts' parts are the same bits as dataPass's into fresh arrays and stay unchanged by later traces (its residual array is reused, its A, B, C are not)", () => {
  const data = randomData(30, 4, 6);
  const net = randomNet('relu-pow', 5, 4, 7);
  const first = traceParts(net, data);
  const kept = { A: Array.from(first.A), B: Array.from(first.B), C: Array.from(first.C), trace: first.trace };
  const other = traceParts(randomNet('relu-pow', 5, 4, 8), data); // reuses the residual array
  expect(other.trace).not.toBe(first.trace);
  expect(Array.from(first.A)).toEqual(kept.A);
  expect(Array.from(first.B)).toEqual(kept.B);
  expect(Array.from(first.C)).toEqual(kept.C);
  const again = traceParts(net, data);
  expect(again.trace).toBe(kept.trace);
  const direct = dataPass(net, data, { trace: true });
  expect(Array.from(again.A)).toEqual(Array.from(direct.A ?? []));
  expect(Array.from(again.B)).toEqual(Array.from(direct.B ?? []));
  expect(Array.from(again.C)).toEqual(Array.from(direct.C ?? []));
  expect(again.loss).toBe(direct.loss);
  expect(again.maxResidual).toBe(direct.maxResidual);
});

describe('rescaling symmetry (property tests)', () => {
  const data = randomData(40, 5, 99);
  for (const { spec, k } of ACTS) {
    const net = randomNet(spec, 6, 5, 100 + k);
    const interp = withLabels(data, net);
    const f0 = forward(net, data.X, data.n);
    const fStar0 = invariantFlatness(net, interp).value;
    it(`leaves f unchanged, keeps F* and path norm fixed, and F ≥ F* (k = ${k})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.double({ min: 0, max: 2, noNaN: true }),
          (seed, range) => {
            const c = randomFactors(net.m, range, seed);
            const moved = rescale(net, c);
            const f1 = forward(moved, data.X, data.n);
            const fScale = Math.max(...f0.map(Math.abs));
            for (let i = 0; i < data.n; i++) expect(Math.abs(f1[i] - f0[i]) / fScale).toBeLessThan(1e-12);
            const inv = invariantFlatness(moved, interp);
            expect(relErr(inv.value, fStar0)).toBeLessThan(1e-9);
            expect(relErr(pathNorm(moved), pathNorm(net))).toBeLessThan(1e-12);
            const F = inv.parts.traceGaussNewton;
            expect(F).toBeGreaterThanOrEqual(inv.value * (1 - 1e-12));
          },
        ),
        { numRuns: 40 },
      );
    });
    it(`balance reaches F = F* with kA_j = B_j (k = ${k})`, () => {
      const moved = rescale(net, randomFactors(net.m, 1.5, 3));
      const b = balance(moved, interp);
      const parts = traceParts(b, interp);
      expect(relErr(parts.trace, fStar0)).toBeLessThan(1e-9);
      for (let j = 0; j < net.m; j++) expect(relErr(k * parts.A[j], parts.B[j])).toBeLessThan(1e-9);
      const sm = neuronMasses(b);
      const s0 = neuronMasses(net);
      for (let j = 0; j < net.m; j++) expect(relErr(sm[j], s0[j])).toBeLessThan(1e-12);
    });
  }
  it('a global factor of 100 changes the trace by orders of magnitude (Dinh et al.)', () => {
    const net = randomNet('relu', 6, 5, 7);
    const interp = withLabels(data, net);
    const F0 = hessianTrace(net, interp);
    const F1 = hessianTrace(rescale(net, 100), interp);
    expect(F1 / F0).toBeGreaterThan(1000);
  });
  it('refuses non-homogeneous activations with a clear error', () => {
    const net = randomNet('tanh', 3, 5, 1);
    expect(() => rescale(net, 2)).toThrow(/homogeneous/);
    expect(() => invariantFlatness(net, data)).toThrow(/homogeneous/);
  });
});

describe('seeded randomness', () => {
  it('same seed gives bit-identical streams; different seeds differ', () => {
    const a = new Rng(42).fillNormal(new Float64Array(100));
    const b = new Rng(42).fillNormal(new Float64Array(100));
    const c = new Rng(43).fillNormal(new Float64Array(100));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });
  it('normal draws have mean 0 and variance 1', () => {
    const v = new Rng(0).fillNormal(new Float64Array(200000));
    let s = 0;
    let s2 = 0;
    for (const x of v) {
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / v.length)).toBeLessThan(0.01);
    expect(Math.abs(s2 / v.length - 1)).toBeLessThan(0.02);
  });
});

describe('portable logarithm (cross-engine reproducibility of normal draws)', () => {
  it('agrees with Math.log to within 1 ulp over many magnitudes', async () => {
    const { portableLog } = await import('../src/rng/xoshiro.js');
    const rng = new Rng(7);
    for (let t = 0; t < 20000; t++) {
      const x = rng.uniform() * 10 ** (rng.int(40) - 30) + 1e-300;
      const ref = Math.log(x);
      const got = portableLog(x);
      expect(Math.abs(got - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2.3e-16 + 5e-324);
    }
    expect(portableLog(1)).toBe(0);
    expect(portableLog(Math.E)).toBeCloseTo(1, 15);
  });
});
