import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { makeDataset } from '../../src/data/generate.js';
import { InputError } from '../../src/errors.js';
import { traceParts } from '../../src/flatness/trace.js';
import { linkRepresentation, memorizer, randomFeatures, teacherInterpolator } from '../../src/interpolators/index.js';
import { makeActivation } from '../../src/model/activations.js';
import { forward, loss } from '../../src/model/network.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { pathNorm } from '../../src/symmetry/rescale.js';
import { randomData, relErr } from '../helpers.js';

function l2(v: Float64Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('teacher interpolator', () => {
  it('represents a noiseless sum of ReLUs exactly with r neurons, and F* ≈ √d · P for n ≫ d', () => {
    const d = 20;
    const data = makeDataset({ d, n: 4000, r: 2, links: 'relu', coeffs: [1, -0.5], seed: 1 });
    const { net, construction } = teacherInterpolator(data, { name: 'relu' });
    expect(net.m).toBe(2);
    expect(construction.teacherNeurons).toBe(2);
    expect(construction.memorizingNeurons).toBe(0);
    expect(construction.maxResidual).toBeLessThanOrEqual(1e-8);
    expect(relErr(pathNorm(net), 1.5)).toBeLessThan(1e-12);
    // docs/math.md#invariant-flatness (§4): F* ≈ √d · P(θ) for Gaussian inputs with n ≫ d.
    const F = invariantFlatness(net, data).value;
    expect(relErr(F, Math.sqrt(d) * pathNorm(net))).toBeLessThan(0.05);
  });

  it('is written at the balanced point by default (trace = F*), and as (c_l, u_l) with balance: false', () => {
    const data = makeDataset({ d: 10, n: 300, r: 2, links: 'relu', coeffs: [2, 1], seed: 12 });
    const bal = teacherInterpolator(data, { name: 'relu' });
    expect(bal.construction.balanced).toBe(true);
    const parts = traceParts(bal.net, data);
    expect(relErr(parts.trace, invariantFlatness(bal.net, data).value)).toBeLessThan(1e-12);
    const raw = teacherInterpolator(data, { name: 'relu' }, { balance: false });
    expect(raw.construction.balanced).toBe(false);
    expect(Array.from(raw.net.a)).toEqual([2, 1]);
    const U = data.target?.kind === 'sum' ? data.target.U : [];
    expect(Array.from(raw.net.W.subarray(0, 10))).toEqual(U[0]);
    // same function either way
    const f1 = forward(bal.net, data.X, data.n);
    const f2 = forward(raw.net, data.X, data.n);
    for (let i = 0; i < data.n; i++) expect(Math.abs(f1[i] - f2[i])).toBeLessThan(1e-12);
  });

  it('fits label noise with n memorizing neurons and still interpolates', () => {
    const data = makeDataset({ d: 10, n: 60, r: 1, links: 'relu', noise: 0.3, seed: 2 });
    const { net, construction } = teacherInterpolator(data, { name: 'relu' });
    expect(construction.memorizingNeurons).toBe(60);
    expect(net.m).toBe(61);
    expect(loss(net, data).maxResidual).toBeLessThanOrEqual(1e-8);
    expect(construction.cond).toBeGreaterThan(1);
  });

  it('represents linear and abs links with two neurons for relu and leaky-relu students', () => {
    for (const links of ['linear', 'abs', 'relu']) {
      for (const act of [{ name: 'relu' as const }, { name: 'leaky-relu' as const, alpha: 0.2 }]) {
        const data = makeDataset({ d: 8, n: 50, r: 2, links, seed: 3 });
        const { net } = teacherInterpolator(data, act);
        expect(loss(net, data).maxResidual).toBeLessThanOrEqual(1e-10);
        expect(net.m).toBeLessThanOrEqual(4);
      }
    }
  });

  it('represents relu-pow links with a matching relu-pow student', () => {
    const data = makeDataset({ d: 6, n: 40, r: 2, links: 'relu-pow:2', seed: 4 });
    const { net } = teacherInterpolator(data, { name: 'relu-pow', p: 2 });
    expect(net.m).toBe(2);
    expect(loss(net, data).maxResidual).toBeLessThanOrEqual(1e-10);
  });

  it('link representations agree with the link pointwise (independent evaluation)', () => {
    const ts = [-2.5, -0.3, 0, 0.7, 3];
    const cases: [Parameters<typeof linkRepresentation>[0], (t: number) => number][] = [
      [{ name: 'relu' }, (t) => Math.max(t, 0)],
      [{ name: 'linear' }, (t) => t],
      [{ name: 'abs' }, (t) => Math.abs(t)],
    ];
    for (const alpha of [0, 0.1, 0.5]) {
      const act = makeActivation(alpha === 0 ? { name: 'relu' } : { name: 'leaky-relu', alpha });
      for (const [link, g] of cases) {
        const rep = linkRepresentation(link, act);
        expect(rep).not.toBeNull();
        for (const t of ts) {
          const v = (rep ?? []).reduce((s, term) => s + term.weight * act.f(term.sign * t), 0);
          expect(Math.abs(v - g(t))).toBeLessThan(1e-14);
        }
      }
    }
  });

  it('refuses unrepresentable targets and imported data with clear errors', () => {
    const tanh = makeDataset({ d: 5, n: 20, r: 1, links: 'tanh', seed: 5 });
    expect(() => teacherInterpolator(tanh, { name: 'relu' })).toThrow(
      /link 0 \(tanh\) is not representable exactly by a ReLU network/,
    );
    const abs = makeDataset({ d: 5, n: 20, r: 1, links: 'relu', seed: 5 });
    expect(() => teacherInterpolator(abs, { name: 'abs' })).toThrow(InputError);
    const multi = makeDataset({ d: 5, n: 20, r: 2, links: 'product', seed: 5 });
    expect(() => teacherInterpolator(multi, { name: 'relu' })).toThrow(
      /"product" link over 2 directions is not representable/,
    );
    const imported: Dataset = randomData(20, 5, 1);
    expect(() => teacherInterpolator(imported, { name: 'relu' })).toThrow(/has no "target"/);
  });

  it('pads to a requested width with dead neurons and refuses a too-small width', () => {
    const data = makeDataset({ d: 5, n: 30, r: 1, links: 'relu', seed: 6 });
    const base = teacherInterpolator(data, { name: 'relu' });
    const padded = teacherInterpolator(data, { name: 'relu' }, { width: 5 });
    expect(padded.net.m).toBe(5);
    expect(relErr(invariantFlatness(padded.net, data).value, invariantFlatness(base.net, data).value)).toBeLessThan(
      1e-12,
    );
    const noisy = makeDataset({ d: 5, n: 30, r: 1, links: 'relu', noise: 0.1, seed: 6 });
    expect(() => teacherInterpolator(noisy, { name: 'relu' }, { width: 10 })).toThrow(/needs width m ≥ 31/);
  });
});

describe('memorizer', () => {
  it('interpolates with w_j = x_j/‖x_j‖ (relu and relu², m = n)', () => {
    const data = makeDataset({ d: 15, n: 80, r: 2, links: 'relu', seed: 7 });
    for (const act of [{ name: 'relu' as const }, { name: 'relu-pow' as const, p: 2 }]) {
      const { net, construction } = memorizer(data, act);
      expect(net.m).toBe(80);
      expect(construction.maxResidual).toBeLessThanOrEqual(1e-8);
      // independent check of the residual with the network's forward pass
      const f = forward(net, data.X, data.n);
      for (let i = 0; i < data.n; i++) expect(Math.abs(f[i] - data.y[i])).toBeLessThanOrEqual(1e-8);
      // first layer rows are unit vectors along the data
      for (let t = 0; t < 15; t++)
        expect(Math.abs(net.W[t] * l2(data.X.subarray(0, 15)) - data.X[t])).toBeLessThan(1e-12);
    }
  });

  it('with extra width takes the minimum-norm second layer (norm ≤ the square solution)', () => {
    const data = randomData(40, 10, 8);
    const sq = memorizer(data, { name: 'relu' });
    const wide = memorizer(data, { name: 'relu' }, { width: 60, seed: 3 });
    expect(wide.net.m).toBe(60);
    expect(wide.construction.maxResidual).toBeLessThanOrEqual(1e-8);
    expect(l2(wide.net.a)).toBeLessThanOrEqual(l2(sq.net.a) * (1 + 1e-9));
    const again = memorizer(data, { name: 'relu' }, { width: 60, seed: 3 });
    expect(Buffer.from(again.net.a.buffer).equals(Buffer.from(wide.net.a.buffer))).toBe(true);
  });

  it('has a much larger F* than the teacher (non-generalizing) on the same data', () => {
    const data = makeDataset({ d: 30, n: 150, r: 1, links: 'relu', seed: 9 });
    const t = invariantFlatness(teacherInterpolator(data, { name: 'relu' }).net, data).value;
    const m = invariantFlatness(memorizer(data, { name: 'relu' }).net, data).value;
    expect(m).toBeGreaterThan(3 * t);
  });

  it('refuses m < n, duplicated points and zero points', () => {
    const data = randomData(20, 4, 10);
    expect(() => memorizer(data, { name: 'relu' }, { width: 10 })).toThrow(/needs width m ≥ n = 20.*got m = 10/);
    const X = data.X.slice();
    X.copyWithin(4, 0, 4); // x_1 = x_0: two identical equations
    expect(() => memorizer({ ...data, X }, { name: 'relu' })).toThrow(/(ill-conditioned|singular)/);
    const Z = data.X.slice();
    Z.fill(0, 8, 12);
    expect(() => memorizer({ ...data, X: Z }, { name: 'relu' })).toThrow(/x_2 is zero/);
  });
});

describe('random features', () => {
  it('interpolates with the minimum-norm a, deterministic in the seed', () => {
    const data = makeDataset({ d: 10, n: 50, r: 1, links: 'relu', noise: 0.1, seed: 11 });
    const r1 = randomFeatures(data, { name: 'relu' }, 120, 4);
    expect(r1.construction.maxResidual).toBeLessThanOrEqual(1e-8);
    expect(r1.net.m).toBe(120);
    const r2 = randomFeatures(data, { name: 'relu' }, 120, 4);
    expect(Buffer.from(r2.net.W.buffer).equals(Buffer.from(r1.net.W.buffer))).toBe(true);
    expect(Buffer.from(r2.net.a.buffer).equals(Buffer.from(r1.net.a.buffer))).toBe(true);
    const r3 = randomFeatures(data, { name: 'relu' }, 120, 5);
    expect(r3.net.W[0]).not.toBe(r1.net.W[0]);
    // Minimum norm ⇔ a lies in the row space of Φ = relu(X Wᵀ) ⇔ a ⟂ null(Φ): check against a random
    // null-space vector built by Gram–Schmidt (independent of the QR solver).
    const rng = new Rng(1);
    const { n, d } = data;
    const Phi = new Float64Array(n * 120);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 120; j++) {
        let z = 0;
        for (let t = 0; t < d; t++) z += data.X[i * d + t] * r1.net.W[j * d + t];
        Phi[i * 120 + j] = Math.max(z, 0);
      }
    }
    // v random, then remove its row-space component by Gram–Schmidt against the rows of Φ.
    const v = rng.fillNormal(new Float64Array(120));
    const rowsQ: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const q = Phi.slice(i * 120, (i + 1) * 120);
      for (const p of rowsQ) {
        const s = q.reduce((acc, x, k) => acc + x * p[k], 0);
        for (let k = 0; k < 120; k++) q[k] -= s * p[k];
      }
      const nq = l2(q);
      for (let k = 0; k < 120; k++) q[k] /= nq;
      rowsQ.push(q);
    }
    for (const p of rowsQ) {
      const s = v.reduce((acc, x, k) => acc + x * p[k], 0);
      for (let k = 0; k < 120; k++) v[k] -= s * p[k];
    }
    const dot = r1.net.a.reduce((acc, x, k) => acc + x * v[k], 0);
    expect(Math.abs(dot) / (l2(r1.net.a) * l2(v))).toBeLessThan(1e-9);
  });

  it('refuses m < n', () => {
    const data = randomData(30, 5, 12);
    expect(() => randomFeatures(data, { name: 'relu' }, 20, 0)).toThrow(/needs width m ≥ n = 30/);
  });
});
