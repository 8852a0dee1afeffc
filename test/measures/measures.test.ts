import { describe, expect, it } from 'vitest';
import { traceParts } from '../../src/flatness/trace.js';
import { symmetricEigen } from '../../src/measures/dense-eig.js';
import { distanceToInit, fisherRaoNorm, relativeFlatness, spectralNorm } from '../../src/measures/norms.js';
import { gaussNewtonOperator } from '../../src/measures/operators.js';
import { computeAllMeasures, getMeasure, MEASURE_NAMES, MEASURES } from '../../src/measures/registry.js';
import { ascentSharpness, averageSharpness, pacBayesFlatness } from '../../src/measures/sharpness.js';
import { denseHessian, forward, packParams } from '../../src/model/network.js';
import { randomData, randomNet, relErr } from '../helpers.js';

const P2 = { name: 'relu-pow' as const, p: 2 };

describe('norm-based measures against independent oracles', () => {
  for (const act of ['relu' as const, P2, { name: 'relu-pow' as const, p: 3 }]) {
    it(`relative flatness = Σ_{s,s'} ⟨w_s,w_s'⟩ Tr H_{w_s,w_s'} from the dense Hessian (${JSON.stringify(act)})`, () => {
      const m = 5;
      const d = 4;
      const data = randomData(30, d, 1);
      const net = randomNet(act, m, d, 2);
      const H = denseHessian(net, data);
      const P = m * (d + 1);
      let kappa = 0;
      for (let s = 0; s < m; s++) {
        for (let t = 0; t < m; t++) {
          let ip = 0;
          let tr = 0;
          for (let k = 0; k < d; k++) {
            ip += net.W[s * d + k] * net.W[t * d + k];
            tr += H[(m + s * d + k) * P + (m + t * d + k)];
          }
          kappa += ip * tr;
        }
      }
      expect(relErr(relativeFlatness(net, data), kappa)).toBeLessThan(1e-11);
    });

    it(`Fisher–Rao norm² = θᵀ (JᵀJ/n) θ via the Gauss–Newton operator (${JSON.stringify(act)})`, () => {
      const data = randomData(25, 4, 3);
      const net = randomNet(act, 6, 4, 4);
      const theta = packParams(net);
      const Gt = gaussNewtonOperator(net, data).matvec(theta);
      let q = 0;
      for (let i = 0; i < theta.length; i++) q += theta[i] * Gt[i];
      expect(relErr(fisherRaoNorm(net, data) ** 2, q)).toBeLessThan(1e-12);
    });
  }

  it('spectral norm = √(λ_max(WᵀW)) from a dense eigendecomposition', () => {
    const net = randomNet('relu', 9, 7, 5);
    const WtW = new Float64Array(49);
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++) for (let r = 0; r < 9; r++) WtW[i * 7 + j] += net.W[r * 7 + i] * net.W[r * 7 + j];
    const top = symmetricEigen(WtW, 7).values[6];
    expect(relErr(spectralNorm(net), Math.sqrt(top))).toBeLessThan(1e-12);
  });

  it('distance to init: direct formula, and a clear error on a shape mismatch', () => {
    const a = randomNet('relu', 3, 2, 1);
    const b = randomNet('relu', 3, 2, 2);
    const ta = packParams(a);
    const tb = packParams(b);
    const direct = Math.sqrt(ta.reduce((s, x, i) => s + (x - tb[i]) ** 2, 0));
    expect(distanceToInit(a, b)).toBeCloseTo(direct, 14);
    expect(() => distanceToInit(a, randomNet('relu', 4, 2, 1))).toThrow(/initial model has shape m = 4/);
  });
});

describe('perturbation measures against second-order expansions at an interpolator', () => {
  // labels = the network's own outputs: L = 0, ∇L = 0, so L(θ+δ) ≈ ½ δᵀHδ for small δ.
  const X = randomData(40, 4, 7).X;
  const net = randomNet(P2, 5, 4, 8);
  const data = { n: 40, d: 4, X, y: forward(net, X, 40) };
  const H = denseHessian(net, data);
  const spec = symmetricEigen(H, 25).values;
  const trace = traceParts(net, data).trace;

  it('worst-case sharpness ≈ ρ² λ_max / 2 for small ρ (projected ascent finds the top direction)', () => {
    const rho = 1e-3;
    const r = ascentSharpness(net, data, { rho, steps: 40, restarts: 2, seed: 1, adaptive: false });
    expect(relErr(r.value, (rho * rho * spec[24]) / 2)).toBeLessThan(0.01);
    // never above the bound it estimates (up to third-order terms)
    expect(r.value).toBeLessThanOrEqual(((rho * rho * spec[24]) / 2) * 1.01);
  });

  it('average sharpness ≈ σ² Tr H / 2 for small σ (within 3 Monte Carlo standard errors)', () => {
    const sigma = 1e-4;
    const r = averageSharpness(net, data, { sigma, samples: 400, seed: 2, adaptive: false });
    expect(Math.abs(r.value - (sigma * sigma * trace) / 2)).toBeLessThan(3 * r.stderr + 1e-3 * r.value);
  });

  it('PAC-Bayes: σ* meets the target, and 1/σ*² ≈ Tr H /(2·target) for a small target', () => {
    const target = 1e-8;
    const r = pacBayesFlatness(net, data, { target, samples: 400, steps: 50, seed: 3 });
    expect(r.bracketed).toBe(true);
    expect(relErr(r.value, trace / (2 * target))).toBeLessThan(0.1);
    const looser = pacBayesFlatness(net, data, { target: 1e-6, samples: 400, steps: 50, seed: 3 });
    expect(looser.value).toBeLessThan(r.value);
  });

  it('adaptive sharpness equals plain sharpness when every |θ_i| = 1 (then δ = |θ|∘ε = ε)', () => {
    const ones = randomNet('relu', 3, 2, 9);
    const signs = { ...ones, a: ones.a.map(Math.sign), W: ones.W.map(Math.sign) };
    const d2 = randomData(20, 2, 10);
    // restarts: 0, so both use only the (identical) gradient-direction start
    const plain = ascentSharpness(signs, d2, { rho: 0.1, steps: 10, restarts: 0, seed: 4, adaptive: false });
    const adapt = ascentSharpness(signs, d2, { rho: 0.1, steps: 10, restarts: 0, seed: 4, adaptive: true });
    expect(adapt.value).toBeGreaterThan(0);
    expect(adapt.value).toBe(plain.value);
  });
});

describe('measure registry', () => {
  it('names are unique and stable; every entry has a reference and a declared invariance', () => {
    expect(new Set(MEASURE_NAMES).size).toBe(MEASURE_NAMES.length);
    for (const name of [
      'trace',
      'gauss_newton_trace',
      'invariant_flatness',
      'top_hessian_eigenvalue',
      'worst_case_sharpness',
      'average_sharpness',
      'adaptive_sharpness',
      'pac_bayes_flatness',
      'relative_flatness',
      'fisher_rao_norm',
      'path_norm',
      'frobenius_norm',
      'spectral_norm',
      'distance_to_init',
      'param_count',
    ]) {
      const m = getMeasure(name);
      expect(m.reference.length).toBeGreaterThan(5);
      expect(typeof m.invariant).toBe('boolean');
    }
    expect(() => getMeasure('sharpness')).toThrow(/unknown measure "sharpness" \(allowed: trace/);
  });

  it('computeAllMeasures: one value per name, same seed ⇒ identical values, unavailable ones skipped with a reason', () => {
    const data = randomData(20, 3, 1);
    const net = randomNet('relu', 4, 3, 2);
    const a = computeAllMeasures(net, data, { seed: 7 });
    const b = computeAllMeasures(net, data, { seed: 7 });
    expect(Object.keys(a.values)).toEqual([...MEASURE_NAMES]);
    expect(a.values).toEqual(b.values);
    expect(a.values.distance_to_init).toBeNull();
    expect(a.skipped.distance_to_init).toMatch(/initial model/);
    expect(a.values.trace).toBeCloseTo(traceParts(net, data).trace, 12);
    for (const [k, v] of Object.entries(a.values)) if (k !== 'distance_to_init') expect(Number.isFinite(v)).toBe(true);
    const withInit = computeAllMeasures(net, data, { seed: 7, init: randomNet('relu', 4, 3, 3) });
    expect(withInit.values.distance_to_init).toBeGreaterThan(0);
    const tanh = computeAllMeasures(randomNet('tanh', 4, 3, 2), data, { seed: 7 });
    expect(tanh.values.invariant_flatness).toBeNull();
    expect(tanh.skipped.path_norm).toMatch(/homogeneous/);
    expect(Number.isFinite(tanh.values.adaptive_sharpness)).toBe(true);
  });

  it('rejects bad options with the field name and range', () => {
    const data = randomData(10, 2, 1);
    const net = randomNet('relu', 2, 2, 2);
    expect(() => computeAllMeasures(net, data, { seed: 0, options: { rho: -1 } })).toThrow(
      /rho must be a number in \[0, 1000000\]/,
    );
    expect(() => computeAllMeasures(net, data, { seed: -1 })).toThrow(/seed must be a non-negative integer/);
    expect(() => computeAllMeasures(net, data, { seed: 0 }, ['nope'])).toThrow(/unknown measure/);
  });

  it('every registered measure is listed (registry size)', () => {
    expect(MEASURES.length).toBeGreaterThanOrEqual(15);
  });
});
