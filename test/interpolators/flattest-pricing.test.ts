/**
 * The batched pricing of the convex flattest solver against independent oracles: the one-direction
 * reference evaluation, the exact d = 2 arc enumeration, a brute-force grid of S², random search for the
 * cell optimum, the known index space of a multi-index target, and the LP's own optimum before and after
 * inactive rows are taken out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { squaredNorms } from '../../src/data/dataset.js';
import { makeDataset } from '../../src/data/generate.js';
import { batchAscend, batchRatios } from '../../src/interpolators/flattest/batch-ascent.js';
import { arrangementCells, enumeratedSup } from '../../src/interpolators/flattest/cell-enumeration.js';
import { solveCellOptimum } from '../../src/interpolators/flattest/cell-optimum.js';
import {
  cellOptimum,
  cellSlopes,
  pushInto,
  sidesOf,
  walkCells,
} from '../../src/interpolators/flattest/cell-pricing.js';
import { Dictionary } from '../../src/interpolators/flattest/dictionary.js';
import { DictionaryLp } from '../../src/interpolators/flattest/dictionary-lp.js';
import { loadHighsSolver } from '../../src/interpolators/flattest/highs-loader.js';
import { evalDirection, type PricingData } from '../../src/interpolators/flattest/pricing.js';
import {
  dominantSubspace,
  spectralStarts,
  weightedSecondMoment,
} from '../../src/interpolators/flattest/spectral-starts.js';
import { signedDataDirections } from '../../src/interpolators/flattest/sphere.js';
import { exactSup2d, fibonacciSphere } from '../../src/interpolators/flattest/sphere-sup.js';
import { makeActivation } from '../../src/model/activations.js';
import { initBackend } from '../../src/node/backend.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { randomData } from '../helpers.js';

beforeAll(async () => {
  // FLATLAB_BACKEND picks the GEMM the batched pricing runs on (native addon or the portable kernels).
  await initBackend();
});

const ACTS = [makeActivation('relu'), makeActivation({ name: 'leaky-relu', alpha: 0.2 }), makeActivation('abs')];

function pricingData(n: number, d: number, seed: number): { pd: PricingData; lambda: Float64Array } {
  const data = randomData(n, d, seed);
  const lambda = new Rng(seed + 100).fillNormal(new Float64Array(n));
  return { pd: { n, d, X: data.X, q: squaredNorms(data) }, lambda };
}

function randomUnits(S: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const V = rng.fillNormal(new Float64Array(S * d));
  for (let s = 0; s < S; s++) {
    let t = 0;
    for (let k = 0; k < d; k++) t += V[s * d + k] ** 2;
    for (let k = 0; k < d; k++) V[s * d + k] /= Math.sqrt(t);
  }
  return V;
}

describe('batchRatios', () => {
  it.each(ACTS.map((a) => [a.label, a] as const))(
    '%s: equals the one-direction evaluation for 300 directions to 1e-12',
    (_, act) => {
      const { pd, lambda } = pricingData(120, 7, 1);
      const V = randomUnits(300, 7, 2);
      const { ratio, g } = batchRatios(act, pd, lambda, V, 300);
      for (let s = 0; s < 300; s++) {
        const ref = evalDirection(act, pd, lambda, V.subarray(s * 7, (s + 1) * 7));
        expect(Math.abs(ratio[s] - ref.ratio)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.ratio));
        expect(Math.abs(g[s] - ref.g)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.g));
      }
    },
  );
});

describe('batchAscend', () => {
  it('never lowers R, returns unit directions with the ratio it reports', () => {
    const act = ACTS[0];
    const { pd, lambda } = pricingData(200, 10, 3);
    const V0 = randomUnits(50, 10, 4);
    const r0 = batchRatios(act, pd, lambda, V0, 50).ratio;
    const { V, ratio } = batchAscend(act, pd, lambda, V0, 50);
    for (let s = 0; s < 50; s++) {
      const v = V.subarray(s * 10, (s + 1) * 10);
      let nn = 0;
      for (const x of v) nn += x * x;
      expect(Math.abs(nn - 1)).toBeLessThan(1e-12);
      expect(ratio[s]).toBeGreaterThanOrEqual(r0[s]);
      expect(Math.abs(evalDirection(act, pd, lambda, v).ratio - ratio[s])).toBeLessThanOrEqual(1e-12 * ratio[s]);
    }
  });

  it.each(ACTS.map((a) => [a.label, a] as const))(
    '%s, d = 2: from 64 starts it reaches the exact sup of the arc enumeration to 1e-9',
    (_, act) => {
      const { pd, lambda } = pricingData(40, 2, 5);
      const exact = exactSup2d(act, pd, lambda).rho;
      const V0 = randomUnits(64, 2, 6);
      const best = Math.max(...batchAscend(act, pd, lambda, V0, 64).ratio);
      expect(best).toBeLessThanOrEqual(exact * (1 + 1e-12));
      expect(best).toBeGreaterThan(exact * (1 - 1e-9));
    },
  );

  it('d = 3: from 128 starts it reaches the max of a 400,000-point brute-force grid of S²', () => {
    const act = ACTS[1];
    const { pd, lambda } = pricingData(30, 3, 7);
    const G = 400_000;
    const grid = fibonacciSphere(G);
    let gridMax = 0;
    for (let k = 0; k < G; k++)
      gridMax = Math.max(gridMax, evalDirection(act, pd, lambda, grid.subarray(3 * k, 3 * k + 3)).ratio);
    const best = Math.max(...batchAscend(act, pd, lambda, randomUnits(128, 3, 8), 128).ratio);
    expect(best).toBeGreaterThanOrEqual(gridMax * (1 - 1e-9));
    // The grid's spacing (~0.0056 rad) bounds how far above the grid max the true sup can be.
    expect(best).toBeLessThan(gridMax * 1.01);
  });
});

describe('solveCellOptimum', () => {
  it('maximizes |vᵀa|/√(vᵀMv): no one of 20,000 random unit vectors does better', () => {
    const d = 6;
    const rng = new Rng(9);
    const B = rng.fillNormal(new Float64Array(d * d));
    const M = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) M[i * d + j] += B[i * d + k] * B[j * d + k];
    const a = rng.fillNormal(new Float64Array(d));
    const f = (v: Float64Array): number => {
      let va = 0;
      let vmv = 0;
      for (let i = 0; i < d; i++) {
        va += v[i] * a[i];
        for (let j = 0; j < d; j++) vmv += v[i] * M[i * d + j] * v[j];
      }
      return Math.abs(va) / Math.sqrt(vmv);
    };
    const u = solveCellOptimum(M.slice(), a, d);
    expect(u).not.toBeNull();
    const fu = f(u as Float64Array);
    const V = randomUnits(20_000, d, 10);
    for (let s = 0; s < 20_000; s++) expect(f(V.subarray(s * d, (s + 1) * d))).toBeLessThanOrEqual(fu * (1 + 1e-9));
  });

  it('returns null for a zero matrix', () => {
    expect(solveCellOptimum(new Float64Array(9), new Float64Array([1, 0, 0]), 3)).toBeNull();
  });
});

/** Does direction v lie in the open cell with these sides? */
function inCell(pd: PricingData, v: Float64Array, side: Int8Array): boolean {
  const s = sidesOf(pd, v);
  for (let i = 0; i < pd.n; i++) if (s[i] !== side[i]) return false;
  return true;
}

describe('cellOptimum: the exact sup of R over one cell of the arrangement', () => {
  it.each(ACTS.map((a) => [a.label, a] as const))(
    '%s: no one of 4,000 random points of the same cell does better, and the push into the cell attains it to 1e-6',
    (_, act) => {
      const { pd, lambda } = pricingData(40, 4, 21);
      const rng = new Rng(22);
      for (let trial = 0; trial < 6; trial++) {
        const v = randomUnits(1, 4, 30 + trial);
        const side = sidesOf(pd, v);
        const c = cellOptimum(pd, cellSlopes(act), lambda, side);
        expect(c).not.toBeNull();
        const opt = c as NonNullable<typeof c>;
        let sampled = 0;
        for (let s = 0; s < 4000; s++) {
          const u = v.map((x) => x + 0.5 * rng.uniform() * rng.normal());
          if (inCell(pd, u, side)) sampled = Math.max(sampled, evalDirection(act, pd, lambda, u).ratio);
        }
        expect(sampled).toBeGreaterThan(0);
        expect(sampled).toBeLessThanOrEqual(opt.value * (1 + 1e-9));
        // Pushed off its active hyperplanes (onto the c₋ side, which does not raise T), the optimum is a
        // direction whose own evaluation reaches the cell's sup.
        const w = pushInto(pd, opt.u, side, opt.active, null);
        expect(w).not.toBeNull();
        expect(evalDirection(act, pd, lambda, w as Float64Array).ratio).toBeGreaterThan(opt.value * (1 - 1e-6));
      }
    },
  );

  it('d = 3: the max of the cell optima over the cells of a 40,000-point grid equals the grid-refined sup', () => {
    const act = ACTS[0];
    const { pd, lambda } = pricingData(12, 3, 23);
    const grid = fibonacciSphere(40_000);
    const seen = new Set<string>();
    let best = 0;
    for (let k = 0; k < 40_000; k++) {
      const side = sidesOf(pd, grid.subarray(3 * k, 3 * k + 3));
      const key = side.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      best = Math.max(best, cellOptimum(pd, cellSlopes(act), lambda, side)?.value ?? 0);
    }
    // n = 12 planes through 0 in R³ cut S² into n(n − 1) + 2 = 134 cells (general position); the grid
    // misses only the smallest.
    expect(seen.size).toBeLessThanOrEqual(134);
    expect(seen.size).toBeGreaterThan(120);
    let gridMax = 0;
    for (let k = 0; k < 40_000; k++)
      gridMax = Math.max(gridMax, evalDirection(act, pd, lambda, grid.subarray(3 * k, 3 * k + 3)).ratio);
    const asc = Math.max(...batchAscend(act, pd, lambda, randomUnits(256, 3, 24), 256, { iters: 400 }).ratio);
    expect(best).toBeGreaterThanOrEqual(Math.max(gridMax, asc) * (1 - 1e-9));
    expect(best).toBeLessThan(Math.max(gridMax, asc) * (1 + 1e-6));
  });

  it('walkCells never returns less than its start and is bit-identical on a rerun', () => {
    const { pd, lambda } = pricingData(150, 8, 25);
    for (const act of ACTS) {
      const V = randomUnits(5, 8, 26);
      for (let s = 0; s < 5; s++) {
        const v = V.slice(s * 8, (s + 1) * 8);
        const w = walkCells(act, pd, lambda, v);
        const w2 = walkCells(act, pd, lambda, v);
        expect(w).not.toBeNull();
        const r = w as NonNullable<typeof w>;
        expect(r.ratio).toBeGreaterThanOrEqual(evalDirection(act, pd, lambda, v).ratio);
        expect(Math.abs(evalDirection(act, pd, lambda, r.v).ratio - r.ratio)).toBeLessThanOrEqual(1e-12 * r.ratio);
        expect(Array.from(w2?.v ?? [])).toEqual(Array.from(r.v));
      }
    }
  });
});

describe('enumeratedSup: ρ(λ) over every cell of a small arrangement', () => {
  it('counts 2 Σ_{j<d} C(n − 1, j) cells', () => {
    expect(arrangementCells(12, 3)).toBe(134);
    expect(arrangementCells(10, 4)).toBe(2 * (1 + 9 + 36 + 84));
    expect(arrangementCells(3, 5)).toBe(8);
  });

  it.each(ACTS.map((a) => [a.label, a] as const))(
    '%s, d = 4: at least the best of 512 ascents and of 100,000 random directions, and attained to 1e-5 by its direction',
    (_, act) => {
      const { pd, lambda } = pricingData(14, 4, 27);
      const ex = enumeratedSup(act, pd, lambda);
      expect(ex.kind).toBe('exact');
      const rho = ex.kind === 'exact' ? ex.rho : 0;
      expect(ex.cells).toBe(arrangementCells(14, 4));
      const asc = Math.max(...batchAscend(act, pd, lambda, randomUnits(512, 4, 28), 512, { iters: 400 }).ratio);
      const V = randomUnits(100_000, 4, 29);
      const sampled = Math.max(...batchRatios(act, pd, lambda, V, 100_000).ratio);
      expect(rho).toBeGreaterThanOrEqual(Math.max(asc, sampled) * (1 - 1e-9));
      const best = ex.kind === 'exact' ? ex.best : null;
      expect(best).not.toBeNull();
      expect(evalDirection(act, pd, lambda, best as Float64Array).ratio).toBeGreaterThan(rho * (1 - 1e-5));
    },
  );

  it('refuses above the limit, with the count', () => {
    const { pd, lambda } = pricingData(200, 6, 30);
    const ex = enumeratedSup(ACTS[0], pd, lambda, 1000);
    expect(ex).toEqual({ kind: 'too-many', cells: arrangementCells(200, 6), limit: 1000 });
  });
});

describe('spectral starts', () => {
  it('dominantSubspace finds the two largest |eigenvalues| of a diagonal matrix (one of them negative)', () => {
    const d = 8;
    const M = new Float64Array(d * d);
    const diag = [0.5, -7, 1, 0.2, 5, -0.1, 2, 0.3];
    diag.forEach((x, i) => {
      M[i * d + i] = x;
    });
    const U = dominantSubspace(M, d, 2, new Rng(11), 60);
    // The span must be span(e₁, e₄): the mass of both rows on those coordinates is 1.
    for (let j = 0; j < 2; j++) expect(U[j * d + 1] ** 2 + U[j * d + 4] ** 2).toBeCloseTo(1, 8);
  });

  it('on y = relu(u₁ᵀx) + relu(u₂ᵀx) the dominant 2-subspace of Σ y_i (x_i x_iᵀ − I) holds both index directions', () => {
    const data = makeDataset({ d: 20, n: 4000, r: 2, links: 'relu', index: 'random', seed: 12 });
    const pd = { n: data.n, d: data.d, X: data.X, q: squaredNorms(data) };
    const U = dominantSubspace(weightedSecondMoment(pd, data.y), data.d, 2, new Rng(13), 60);
    const idx = data.target?.U as number[][];
    for (const u of idx) {
      // ‖P u‖² for the projection P onto the span of U's two rows (1 when u lies in it).
      let p2 = 0;
      for (let j = 0; j < 2; j++) p2 += u.reduce((s, x, k) => s + x * U[j * data.d + k], 0) ** 2;
      expect(p2).toBeGreaterThan(0.8);
    }
    // The starts include ± the subspace's directions and Σ y_i x_i, all unit vectors.
    const starts = spectralStarts(pd, data.y, 2, 8, new Rng(14));
    expect(starts.length).toBe(2 * 3 + 8);
    for (const v of starts) expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
  });
});

describe('Dictionary: inactive rows leave the LP without moving its optimum', () => {
  it('same LP value after pruning, no simplex iteration to re-solve, and violated removed rows come back', async () => {
    const highs = await loadHighsSolver();
    const act = ACTS[0];
    const data = makeDataset({ d: 5, n: 60, r: 1, links: 'relu', index: 'random', seed: 14 });
    const pd = { n: data.n, d: data.d, X: data.X, q: squaredNorms(data) };
    const lp = new DictionaryLp(highs, data.y);
    try {
      const dict = new Dictionary(act, pd, lp);
      const dirs = signedDataDirections(pd, false);
      const V = randomUnits(400, 5, 15);
      for (let s = 0; s < 400; s++) dirs.push(V.slice(s * 5, (s + 1) * 5));
      dict.add(dirs);
      let sol = lp.solve();
      const value = sol.value;
      let dropped = 0;
      for (let r = 0; r < 4; r++) {
        dropped += dict.prune(sol.c, sol.activity, data.n);
        sol = lp.solve();
      }
      expect(dropped).toBeGreaterThan(0);
      expect(dict.rows.length).toBe(lp.size);
      expect(Math.abs(sol.value - value)).toBeLessThanOrEqual(1e-9 * value);
      expect(sol.iterations).toBe(0);
      // A λ that violates everything (scaled up) finds every removed direction with a non-zero feature.
      const big = sol.lambda.map((x) => 1e6 * x);
      const outside = dict.violatedOutside(big, 1e-6);
      expect(outside.length).toBeGreaterThan(0);
      expect(outside.length).toBeLessThanOrEqual(dict.K - dict.rows.length);
    } finally {
      lp.dispose();
    }
  });
});
