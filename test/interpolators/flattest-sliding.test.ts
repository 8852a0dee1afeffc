/**
 * Sliding atoms and the cold search seed of the convex flattest solver, against independent oracles: the
 * one-direction reference evaluation of the pricing ratio, the first-order change of the LP value when
 * an atom moves (finite differences of a re-solved LP), the network's own outputs and F* for merged
 * neurons, and the portable backend for the seeded solve.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { squaredNorms } from '../../src/data/dataset.js';
import { makeDataset } from '../../src/data/generate.js';
import { Dictionary } from '../../src/interpolators/flattest/dictionary.js';
import { DictionaryLp } from '../../src/interpolators/flattest/dictionary-lp.js';
import { loadHighsSolver } from '../../src/interpolators/flattest/highs-loader.js';
import { evalDirection, type PricingData } from '../../src/interpolators/flattest/pricing.js';
import { MERGE_COSINES, mergeNeurons } from '../../src/interpolators/flattest/search-seed.js';
import { slideAtoms } from '../../src/interpolators/flattest/sliding.js';
import { signedDataDirections, unit } from '../../src/interpolators/flattest/sphere.js';
import { type FlattestInterpolator, flattestConvex } from '../../src/interpolators/flattest-convex.js';
import { makeActivation } from '../../src/model/activations.js';
import { createNetwork, loss } from '../../src/model/network.js';
import { initBackend } from '../../src/node/backend.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { onPortable } from '../helpers.js';

beforeAll(async () => {
  await initBackend();
});

const relu = makeActivation('relu');

describe('sliding atoms', () => {
  const data = makeDataset({ d: 6, n: 40, r: 2, links: 'relu', index: 'random', seed: 11 });
  const pd: PricingData = { n: data.n, d: data.d, X: data.X, q: squaredNorms(data) };

  it('every slid atom has the ratio the reference evaluation gives, above the threshold, and at least its start', () => {
    const rng = new Rng(4);
    const lambda = rng.fillNormal(new Float64Array(data.n));
    const atoms: Float64Array[] = [];
    for (let k = 0; k < 20; k++) atoms.push(unit(rng.fillNormal(new Float64Array(data.d))) as Float64Array);
    const start = atoms.map((v) => evalDirection(relu, pd, lambda, v).ratio);
    const threshold = Math.min(...start);
    const slid = slideAtoms(relu, pd, lambda, atoms, threshold);
    expect(slid.length).toBeGreaterThan(0);
    for (let k = 1; k < slid.length; k++) expect(slid[k].ratio).toBeLessThanOrEqual(slid[k - 1].ratio);
    for (const c of slid) {
      const ref = evalDirection(relu, pd, lambda, c.v).ratio;
      expect(Math.abs(ref - c.ratio)).toBeLessThanOrEqual(1e-12 * ref);
      expect(c.ratio).toBeGreaterThan(threshold);
    }
    // Each atom moves up: the best slid ratio is at least the best start.
    expect(slid[0].ratio).toBeGreaterThanOrEqual(Math.max(...start));
  });

  it('moving an LP atom changes the re-solved LP value by −|c_j| times the change of its ratio, to first order', async () => {
    // The derivation of docs/math.md#sliding-atoms, checked by finite differences of a re-solved LP: the
    // memorizer's data directions and one extra direction, whose atom is then moved a little.
    const highs = await loadHighsSolver();
    const value = (extra: Float64Array): { value: number; c: number; lambda: Float64Array } => {
      const lp = new DictionaryLp(highs, data.y);
      try {
        const dict = new Dictionary(relu, pd, lp);
        dict.add([...signedDataDirections(pd, false), extra]);
        const sol = lp.solve();
        return { value: sol.value, c: sol.c[sol.c.length - 1], lambda: sol.lambda };
      } finally {
        lp.dispose();
      }
    };
    const rng = new Rng(9);
    const v = unit(rng.fillNormal(new Float64Array(data.d))) as Float64Array;
    const base = value(v);
    expect(Math.abs(base.c)).toBeGreaterThan(0);
    const dir = unit(rng.fillNormal(new Float64Array(data.d))) as Float64Array;
    const h = 1e-6;
    const moved = unit(v.map((x, k) => x + h * dir[k])) as Float64Array;
    const dR = evalDirection(relu, pd, base.lambda, moved).ratio - evalDirection(relu, pd, base.lambda, v).ratio;
    const dValue = value(moved).value - base.value;
    expect(Math.abs(dValue - -Math.abs(base.c) * dR)).toBeLessThanOrEqual(1e-3 * Math.abs(dValue) + 1e-11);
  });
});

describe('the seed search’s neurons merged', () => {
  it('copies of one direction merge into one neuron with the same outputs and F*; opposite signs stay apart', () => {
    const d = 4;
    const data = makeDataset({ d, n: 30, r: 1, links: 'relu', index: 'random', seed: 2 });
    // Neurons 0–2 share a direction (masses 1, 0.5, 2 at different norms); 3 has the opposite output sign.
    const v = [0.5, -0.5, 0.5, 0.5];
    const u = [0.1, 0.7, -0.7, 0.1];
    const W = Float64Array.from([...v.map((x) => 2 * x), ...v, ...v.map((x) => 4 * x), ...v]);
    const a = Float64Array.from([0.5, 0.5, 0.5, -0.3]);
    const W2 = Float64Array.from([...W, ...u]);
    const net = createNetwork(relu, Float64Array.from([...a, 1.5]), W2, d);
    const merged = mergeNeurons(net, MERGE_COSINES[MERGE_COSINES.length - 1]);
    expect(merged.m).toBe(3);
    const r0 = loss(net, data).r;
    const r1 = loss(merged, data).r;
    for (let i = 0; i < data.n; i++) expect(Math.abs(r1[i] - r0[i])).toBeLessThanOrEqual(1e-12);
    const f0 = invariantFlatness(net, data).value;
    const f1 = invariantFlatness(merged, data).value;
    // Same-sign copies of a direction add their masses: F* is unchanged; the opposite-sign neuron is kept.
    expect(Math.abs(f1 - f0)).toBeLessThanOrEqual(1e-12 * f0);
  });
});

describe('construct flattest with the cold search seed', () => {
  const data = makeDataset({ d: 8, n: 150, r: 2, links: 'relu', index: 'random', seed: 7 });
  const run = (): Promise<FlattestInterpolator> =>
    flattestConvex(data, { name: 'relu' }, { searchStart: true, maxRounds: 4 });

  it('interpolates, records the seed, and gives the same result on the selected and the portable backend', async () => {
    const a = await run();
    expect(loss(a.net, data).maxResidual).toBeLessThanOrEqual(a.construction.tol);
    expect(a.certificate.start).toBe('cold');
    expect(a.certificate.seedFStar).toBeGreaterThan(0);
    expect(['lp', 'search']).toContain(a.certificate.source);
    const b = await onPortable(run);
    expect(b.certificate.source).toBe(a.certificate.source);
    expect(b.certificate.atoms).toBe(a.certificate.atoms);
    expect(b.certificate.lpValue).toBe(a.certificate.lpValue);
    expect(Math.abs(b.certificate.upper - a.certificate.upper)).toBeLessThanOrEqual(1e-9 * a.certificate.upper);
  }, 300_000);
});
