import { describe, expect, it } from 'vitest';
import { combine, verdictAlgorithms, verdictEstimators, verdictH1, verdictH4 } from '../../src/report/verdicts.js';
import { Rng } from '../../src/rng/xoshiro.js';
import { linearFit, powerLawFit, ranks, spearman, tQuantile975 } from '../../src/statistics/fits.js';

describe('statistics', () => {
  it('least squares recovers a known slope with a CI that covers it (and shrinks with data)', () => {
    // Coverage of the 95% interval over 400 independent data sets (small n, so the t quantile matters).
    let covered = 0;
    for (let s = 0; s < 400; s++) {
      const rng = new Rng(s);
      const x = Array.from({ length: 6 }, (_, i) => i);
      const f = linearFit(
        x,
        x.map((v) => 2 + 0.7 * v + 0.3 * rng.normal()),
      );
      if (f.ci[0] < 0.7 && f.ci[1] > 0.7) covered++;
    }
    expect(covered / 400).toBeGreaterThan(0.92);
    expect(covered / 400).toBeLessThan(0.98);
    // exact line: zero-width interval
    const g = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
    expect(g.slope).toBeCloseTo(2, 12);
    expect(g.ci[1] - g.ci[0]).toBeLessThan(1e-9);
    expect(powerLawFit([10, 100, 1000], [3, 30, 300]).slope).toBeCloseTo(1, 12);
  });

  it('a fit of fewer than two points has every statistic NaN and keeps its n', () => {
    for (const [x, y] of [
      [[], []],
      [[1], [2]],
    ] as [number[], number[]][]) {
      const f = linearFit(x, y);
      expect(f.n).toBe(x.length);
      for (const v of [f.slope, f.intercept, f.slopeStderr, f.ci[0], f.ci[1], f.r2]) expect(v).toBeNaN();
      expect(Object.keys(f)).toEqual(['slope', 'intercept', 'slopeStderr', 'ci', 'n', 'r2']);
    }
  });

  it('t quantiles match tables', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 2);
    expect(tQuantile975(1e6)).toBeCloseTo(1.96, 3);
  });

  it('Spearman: average ranks for ties, ±1 for monotone data, invariant under monotone maps', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ).rho,
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        x,
        x.map((v) => -v * v * v),
      ).rho,
    ).toBeCloseTo(-1, 12);
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(spearman(x, y).rho).toBeCloseTo(
      spearman(
        x.map((v) => v ** 3),
        y.map(Math.log),
      ).rho,
      12,
    );
  });
});

describe('verdicts on synthetic data (one that holds, one that does not)', () => {
  it('combine', () => {
    expect(combine(['holds', 'holds'])).toBe('holds');
    expect(combine(['holds', 'inconclusive'])).toBe('inconclusive');
    expect(combine(['inconclusive', 'does not hold'])).toBe('does not hold');
    expect(combine([])).toBe('inconclusive');
  });

  it('H1', () => {
    const good = {
      mode: 'global',
      fDecades: 6,
      lossRelSpread: 1e-30,
      fStarRelSpread: 1e-15,
      riskRelSpread: 1e-15,
      uShaped: true,
    };
    expect(verdictH1([good]).status).toBe('holds');
    expect(verdictH1([good, { ...good, fDecades: 0.5 }]).status).toBe('does not hold');
    expect(verdictH1([{ ...good, fStarRelSpread: 0.1 }]).status).toBe('does not hold');
    expect(verdictH1([]).status).toBe('inconclusive');
  });

  it('H4: F* ordering risk holds; raw F as good as F* does not', () => {
    const rng = new Rng(7);
    const pts = Array.from({ length: 30 }, (_, i) => ({
      fStar: i + 1,
      risk: (i + 1) * (1 + 0.1 * rng.uniform()),
      traceRescaled: 10 ** (4 * rng.uniform()),
    }));
    expect(verdictH4(pts, '').status).toBe('holds');
    expect(
      verdictH4(
        pts.map((p) => ({ ...p, traceRescaled: p.fStar })),
        '',
      ).status,
    ).toBe('does not hold');
    expect(
      verdictH4(
        pts.map((p) => ({ ...p, fStar: 10 ** (4 * rng.uniform()) })),
        '',
      ).status,
    ).not.toBe('holds');
  });

  it('algorithms and estimators', () => {
    const alg = [
      { algorithm: 'flattest', fStar: 3, interpolates: true },
      { algorithm: 'gd', fStar: 5, interpolates: true },
      { algorithm: 'sam', fStar: 4, interpolates: true },
    ];
    expect(verdictAlgorithms(alg, '').status).toBe('holds');
    expect(
      verdictAlgorithms(
        alg.map((a) => (a.algorithm === 'flattest' ? { ...a, fStar: 6 } : a)),
        '',
      ).status,
    ).toBe('does not hold');
    const est = [6, 12, 24, 48].flatMap((b) => [
      { method: 'hutchinson', budget: b, rmsRelError: 1 / Math.sqrt(b) },
      { method: 'hutchpp', budget: b, rmsRelError: 1 / b },
    ]);
    expect(verdictEstimators(est, '').status).toBe('holds');
    expect(
      verdictEstimators(
        est.map((e) => ({ ...e, method: e.method === 'hutchpp' ? 'hutchinson' : 'hutchpp' })),
        '',
      ).status,
    ).toBe('does not hold');
  });
});
