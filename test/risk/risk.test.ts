import { describe, expect, it } from 'vitest';
import { reluPowHermite } from '../../src/data/links.js';
import { gaussianExpectation, gaussLegendre } from '../../src/data/quadrature.js';
import { absMoment } from '../../src/data/special.js';
import type { TargetSpec } from '../../src/data/target.js';
import { evaluateTarget, makeTarget, targetMoments } from '../../src/data/targets.js';
import { InputError } from '../../src/errors.js';
import type { ActivationSpec } from '../../src/model/activations.js';
import { createNetwork, forward, type Network } from '../../src/model/network.js';
import { exactRisk } from '../../src/risk/exact.js';
import { pairMoment, reluPowGaussian } from '../../src/risk/gaussian-kernels.js';
import { datasetRisk, populationRisk, zeroPredictorRisk } from '../../src/risk/index.js';
import { monteCarloRisk } from '../../src/risk/montecarlo.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { rescale } from '../../src/symmetry/rescale.js';
import '../../src/linalg/index.js';

function student(act: ActivationSpec, m: number, target: TargetSpec, seed: number, align = 0.8): Network {
  const d = target.d;
  const rng = new Rng(seed);
  const a = rng.fillNormal(new Float64Array(m));
  const W = rng.fillNormal(new Float64Array(m * d), 1 / Math.sqrt(d));
  // Tilt some neurons towards the index directions so the cross terms are far from 0.
  for (let j = 0; j < Math.min(m, target.r); j++) for (let q = 0; q < d; q++) W[j * d + q] += align * target.U[j][q];
  return createNetwork(act, a, W, d);
}

/**
 * Independent oracle for d = 2: E h(x) in polar coordinates, (1/2π)∫dθ ∫ρ e^{−ρ²/2} h(ρ e_θ) dρ, with the
 * angle split where any w_jᵀx or u_lᵀx changes sign (so every panel integrates a smooth function).
 */
function polarRisk(net: Network, t: TargetSpec): number {
  const cuts = [0, 2 * Math.PI];
  const addCut = (vx: number, vy: number) => {
    for (const s of [Math.PI / 2, -Math.PI / 2]) {
      let th = Math.atan2(vy, vx) + s;
      th = ((th % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      cuts.push(th);
    }
  };
  for (let j = 0; j < net.m; j++) addCut(net.W[2 * j], net.W[2 * j + 1]);
  for (const u of t.U) addCut(u[0], u[1]);
  cuts.sort((a, b) => a - b);
  const gl = gaussLegendre(24);
  const thetas: number[] = [];
  const tw: number[] = [];
  for (let c = 0; c + 1 < cuts.length; c++) {
    const w = cuts[c + 1] - cuts[c];
    if (w < 1e-15) continue;
    for (let p = 0; p < 3; p++) {
      const a = cuts[c] + (p * w) / 3;
      for (let i = 0; i < 24; i++) {
        thetas.push(a + ((w / 3) * (gl.nodes[i] + 1)) / 2);
        tw.push((w / 3 / 2) * gl.weights[i]);
      }
    }
  }
  const rs: number[] = [];
  const rw: number[] = [];
  for (let p = 0; p < 14; p++) {
    for (let i = 0; i < 24; i++) {
      const r = p + (gl.nodes[i] + 1) / 2;
      rs.push(r);
      rw.push(0.5 * gl.weights[i] * r * Math.exp((-r * r) / 2));
    }
  }
  const N = thetas.length * rs.length;
  const X = new Float64Array(2 * N);
  let idx = 0;
  for (const th of thetas)
    for (const r of rs) {
      X[idx++] = r * Math.cos(th);
      X[idx++] = r * Math.sin(th);
    }
  const f = forward(net, X, N);
  const fs = evaluateTarget(t, X, N);
  let s = 0;
  let k = 0;
  for (let a = 0; a < thetas.length; a++)
    for (let b = 0; b < rs.length; b++, k++) s += tw[a] * rw[b] * (f[k] - fs[k]) ** 2;
  return s / (2 * Math.PI);
}

describe('Gaussian kernels', () => {
  it('E[relu^a(s) relu^b(t)] equals the Hermite series Σ e_n(a) e_n(b) ρ^n (closed forms and quadrature)', () => {
    for (const [a, b] of [
      [1, 1],
      [2, 2],
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 1],
      [1, 3],
      [3, 3],
    ]) {
      for (const rho of [-0.6, -0.2, 0.1, 0.45, 0.6]) {
        let series = 0;
        for (let n = 0; n <= 120; n++) series += reluPowHermite(a, n) * reluPowHermite(b, n) * rho ** n;
        expect(Math.abs(pairMoment(a, b, rho) - series), `a=${a} b=${b} ρ=${rho}`).toBeLessThan(
          1e-12 * Math.max(1, absMoment(a + b)),
        );
      }
      expect(pairMoment(a, b, 1)).toBeCloseTo(absMoment(a + b) / 2, 12);
      expect(Math.abs(pairMoment(a, b, -1))).toBeLessThan(1e-14);
    }
  });

  it('E[relu^k(μ + sZ)] matches quadrature', () => {
    for (const k of [0, 1, 2, 3, 5]) {
      for (const [mu, s] of [
        [0.3, 1],
        [-1.2, 0.4],
        [2, 0.05],
        [-3, 0.5],
        [0, 1],
      ]) {
        const q = gaussianExpectation((z) => (mu + s * z > 0 ? (k === 0 ? 1 : (mu + s * z) ** k) : 0), {
          kinks: [-mu / s],
          limit: 14,
        });
        expect(Math.abs(reluPowGaussian(k, mu, s) - q), `k=${k} μ=${mu} s=${s}`).toBeLessThan(
          1e-13 * Math.max(1, Math.abs(q)),
        );
      }
    }
  });
});

const ACTS: ActivationSpec[] = [
  { name: 'relu' },
  { name: 'relu-pow', p: 2 },
  { name: 'abs' },
  { name: 'leaky-relu', alpha: 0.2 },
  { name: 'square' },
];
const TARGETS = ['relu+abs', 'linear+hermite:0.3,0.5,-0.4,0.6', 'tanh+sign', 'relu-pow:2+relu', 'relu-pow:1.5+abs'];

describe('exact population risk', () => {
  it('equals a 2-D polar quadrature oracle (d = 2) to 1e-9 relative, every student × link family', () => {
    for (const links of TARGETS) {
      const t = makeTarget({ d: 2, r: 2, links, coeffs: [1, -0.7], seed: 4 });
      ACTS.forEach((act, i) => {
        const net = student(act, 3, t, 10 + i);
        const ex = exactRisk(net, t).value;
        const oracle = polarRisk(net, t);
        expect(oracle).toBeGreaterThan(0.01);
        expect(Math.abs(ex - oracle) / oracle, `${act.name} vs ${links}: ${ex} vs ${oracle}`).toBeLessThan(1e-9);
      });
    }
  });

  it('agrees with Monte Carlo within 3 standard errors (d = 10, random students, k = 1 and 2)', () => {
    const cases: [ActivationSpec, string, number][] = [
      [{ name: 'relu' }, 'relu+abs', 1],
      [{ name: 'relu' }, 'relu+abs', 2],
      [{ name: 'relu' }, 'hermite:0,0.5,0,1+linear', 3],
      [{ name: 'relu' }, 'tanh+relu', 4],
      [{ name: 'relu-pow', p: 2 }, 'relu+abs', 5],
      [{ name: 'relu-pow', p: 2 }, 'relu-pow:2+relu', 6],
      [{ name: 'relu-pow', p: 2 }, 'hermite:0,0,1,0.5+sign', 7],
    ];
    for (const [act, links, seed] of cases) {
      const t = makeTarget({ d: 10, r: 2, links, seed });
      const net = student(act, 6, t, 100 + seed);
      const ex = populationRisk(net, t);
      expect(ex.method).toBe('exact');
      expect(ex.stderr).toBe(0);
      const mc = populationRisk(net, t, { method: 'montecarlo', samples: 80_000, seed });
      expect(mc.method).toBe('montecarlo');
      expect(mc.samples).toBe(80_000);
      expect(
        Math.abs(ex.value - mc.value),
        `${act.name} vs ${links}: exact ${ex.value}, MC ${mc.value} ± ${mc.stderr}`,
      ).toBeLessThan(3 * mc.stderr);
    }
  });

  it('is invariant under rescaling (exact to 1e-10; Monte Carlo with the same seed to 1e-10)', () => {
    const t = makeTarget({ d: 8, r: 2, links: 'relu+tanh', seed: 2 });
    for (const act of [{ name: 'relu' }, { name: 'relu-pow', p: 2 }] as ActivationSpec[]) {
      const net = student(act, 5, t, 3);
      const rng = new Rng(9);
      const c = Float64Array.from({ length: 5 }, () => 10 ** (3 * (2 * rng.uniform() - 1)));
      const moved = rescale(net, c);
      const a = populationRisk(net, t).value;
      const b = populationRisk(moved, t).value;
      expect(Math.abs(a - b) / a).toBeLessThan(1e-10);
      const ma = monteCarloRisk(net, t, { samples: 5000, seed: 1 }).value;
      const mb = monteCarloRisk(moved, t, { samples: 5000, seed: 1 }).value;
      expect(Math.abs(ma - mb) / ma).toBeLessThan(1e-10);
    }
  });

  it('the teacher network has zero risk; the zero network has risk E f*²', () => {
    const t = makeTarget({ d: 20, r: 3, links: 'relu', coeffs: [1, -2, 0.5], seed: 1 });
    const W = Float64Array.from(t.U.flat());
    const teacher = createNetwork('relu', Float64Array.from(t.kind === 'sum' ? t.coeffs : []), W, 20);
    const second = zeroPredictorRisk(t);
    expect(exactRisk(teacher, t).value).toBeLessThan(1e-13 * second);
    const zero = createNetwork('relu', new Float64Array(3), W, 20);
    expect(populationRisk(zero, t).value).toBeCloseTo(second, 12);
    expect(second).toBeCloseTo(targetMoments(t).secondMoment, 15);
    // abs = relu(t) + relu(−t): a relu student represents an abs target exactly
    const ta = makeTarget({ d: 5, r: 1, links: 'abs', seed: 2 });
    const u = ta.U[0];
    const twin = createNetwork('relu', Float64Array.from([1, 1]), Float64Array.from([...u, ...u.map((v) => -v)]), 5);
    expect(populationRisk(twin, ta).value).toBeLessThan(1e-13);
  });
});

describe('method selection and Monte Carlo', () => {
  it("'auto' falls back to Monte Carlo (with the reason) for multi-index targets, other laws and tanh students", () => {
    const multi = makeTarget({ d: 6, r: 2, links: 'product', seed: 1 });
    const sphere = makeTarget({ d: 6, r: 2, links: 'relu', input: { law: 'sphere' }, seed: 1 });
    const gauss = makeTarget({ d: 6, r: 2, links: 'relu', seed: 1 });
    const relu = student({ name: 'relu' }, 4, gauss, 1);
    const tanh = student({ name: 'tanh' }, 4, gauss, 1);
    const r1 = populationRisk(relu, multi, { samples: 4096 });
    expect(r1.method).toBe('montecarlo');
    expect(r1.note).toMatch(/multi-index/);
    expect(populationRisk(relu, sphere, { samples: 4096 }).note).toMatch(/Gaussian inputs/);
    expect(populationRisk(tanh, gauss, { samples: 4096 }).note).toMatch(/degree 1 or 2/);
    expect(() => populationRisk(tanh, gauss, { method: 'exact' })).toThrow(InputError);
    expect(() => populationRisk(relu, makeTarget({ d: 7, r: 1, links: 'relu' }))).toThrow(/dimension mismatch/);
    expect(() => populationRisk(relu, gauss, { method: 'magic' as 'auto' })).toThrow(/auto, exact, montecarlo/);
    expect(datasetRisk(relu, { d: 6, n: 1, X: new Float64Array(6), y: new Float64Array(1) })).toBeNull();
  });

  it('Monte Carlo is seeded, independent of the chunk size, and its stderr is sd/√N', () => {
    const t = makeTarget({ d: 6, r: 2, links: 'max', seed: 3 });
    const net = student({ name: 'relu' }, 4, t, 2);
    const a = monteCarloRisk(net, t, { samples: 10_000, seed: 5, chunk: 4096 });
    const b = monteCarloRisk(net, t, { samples: 10_000, seed: 5, chunk: 999 });
    expect(Math.abs(a.value - b.value) / a.value).toBeLessThan(1e-12);
    expect(monteCarloRisk(net, t, { samples: 10_000, seed: 5 })).toEqual(a);
    expect(monteCarloRisk(net, t, { samples: 10_000, seed: 6 }).value).not.toBe(a.value);
    // 4× the samples halves the standard error.
    const four = monteCarloRisk(net, t, { samples: 40_000, seed: 5 });
    expect(four.stderr / a.stderr).toBeGreaterThan(0.4);
    expect(four.stderr / a.stderr).toBeLessThan(0.6);
    expect(() => monteCarloRisk(net, t, { samples: 1 })).toThrow(/samples must be an integer/);
  });
});
