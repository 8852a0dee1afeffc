import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/xoshiro.js';
import {
  benjaminiHochberg,
  decideLines,
  holm,
  type LineInput,
  type SeedTest,
  secondary,
  seedTest,
  tCdf,
  tQuantile,
} from '../../src/studies/inference/index.js';

// Oracle: scipy.stats.t (cdf, ppf) and scipy.stats.ttest_1samp(alternative='greater').
describe("Student's t", () => {
  it('the CDF matches scipy to 1e-10 at integer and fractional degrees of freedom', () => {
    const cases: [number, number, number][] = [
      [1.5, 4, 0.896],
      [-2.3, 7, 0.027495547602185796],
      [0.3, 1, 0.5927735790777423],
      [3.0, 2.5, 0.9637119522254841],
      [-0.7, 30, 0.24466022174983582],
      [10, 3, 0.9989358004707929],
    ];
    for (const [t, df, p] of cases) expect(Math.abs(tCdf(t, df) - p)).toBeLessThan(1e-10);
  });

  it('the quantiles match scipy to 1e-9', () => {
    const cases: [number, number, number][] = [
      [0.95, 4, 2.1318467863266495],
      [0.8, 4, 0.9409645772351816],
      [0.975, 2, 4.302652729749462],
      [0.05, 9, -1.8331129326562376],
      [0.999, 3, 10.214531852407383],
    ];
    for (const [p, df, q] of cases) expect(Math.abs(tQuantile(p, df) - q)).toBeLessThan(1e-9);
  });
});

describe('across-seed test', () => {
  it('gives scipy ttest_1samp greater p-value, its complement, the 95% interval and the MDE', () => {
    const r = seedTest([0.2, 0.5, -0.1, 0.4, 0.3]);
    expect(r.seeds).toBe(5);
    expect(r.t).toBeCloseTo(2.525343242128887, 10);
    expect(r.pHold).toBeCloseTo(0.0324929551710603, 10);
    expect(r.pFail).toBeCloseTo(1 - 0.0324929551710603, 10);
    const se = r.sd / Math.sqrt(5);
    expect(r.ci[0]).toBeCloseTo(r.mean - 2.7764451051977987 * se, 9);
    // (t_{0.95,4} + t_{0.80,4}) · se: 1.3742 sd for five seeds.
    expect(r.mde).toBeCloseTo((2.1318467863266495 + 0.9409645772351816) * se, 9);
  });

  it('identical summaries decide by their sign; fewer than two seeds give no test', () => {
    expect(seedTest([1, 1, 1]).pHold).toBe(0);
    expect(seedTest([-1, -1, -1]).pFail).toBe(0);
    expect(seedTest([0.5]).pHold).toBeNaN();
    expect(seedTest([Number.NaN, 2, 3, 4]).seeds).toBe(3);
  });

  it('has its nominal size under the null: about 5% of null lines reach p ≤ 0.05', () => {
    const rng = new Rng(7);
    let hits = 0;
    const reps = 4000;
    for (let i = 0; i < reps; i++) if (seedTest(Array.from({ length: 5 }, () => rng.normal())).pHold <= 0.05) hits++;
    expect(hits / reps).toBeGreaterThan(0.04);
    expect(hits / reps).toBeLessThan(0.06);
  });
});

const closeAll = (actual: readonly number[], expected: readonly number[]): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 14);
};

describe('multiplicity', () => {
  it('Holm against hand-computed values', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005, 3·0.01, 2·0.03, max(0.06, 1·0.04)
    const h = holm([0.01, 0.04, 0.03, 0.005]);
    closeAll(h, [0.03, 0.06, 0.06, 0.02]);
    // 2·0.5 = 1, then max(1, 0.6): the step-down keeps adjusted values monotone.
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    const withNaN = holm([0.01, Number.NaN, 0.02]);
    expect(withNaN[0]).toBeCloseTo(0.02, 14);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[2]).toBeCloseTo(0.02, 14);
  });

  it('Benjamini–Hochberg against hand-computed values', () => {
    // K p/j: 0.02, 0.02, 0.04, 0.04; running minimum from the largest
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    closeAll(q, [0.02, 0.04, 0.04, 0.02]);
    // 0.01·3/1 = 0.03, 0.02·3/2 = 0.03, 0.9·3/3 = 0.9
    const r = benjaminiHochberg([0.9, 0.02, 0.01]);
    closeAll(r, [0.9, 0.03, 0.03]);
  });
});

const planted = (seed: number, mean: number, sd: number, seeds = 5): SeedTest => {
  const rng = new Rng(seed);
  return seedTest(Array.from({ length: seeds }, () => mean + sd * rng.normal()));
};
const line = (label: string, ...tests: SeedTest[]): LineInput => ({
  label,
  parts: tests.map((test, i) => ({ name: `part ${i}`, test })),
  trials: 10,
  nonInterpolating: 0,
});
const fixed = (pHold: number, pFail: number): SeedTest => ({
  seeds: 5,
  mean: 0.1,
  sd: 1,
  t: 0,
  pHold,
  pFail,
  ci: [-1, 1],
  mde: 1,
});

describe('line and hypothesis decisions on planted per-seed data', () => {
  it('must hold: every line well above its margin on five seeds', () => {
    const r = decideLines([line('a', planted(1, 1, 0.2)), line('b', planted(2, 0.8, 0.2), planted(3, 0.5, 0.1))]);
    expect(r.lines.map((l) => l.status)).toEqual(['holds', 'holds']);
    expect(r.status).toBe('holds');
  });

  it('must fail: one line clearly below its margin fails the hypothesis', () => {
    const r = decideLines([line('a', planted(1, 1, 0.2)), line('b', planted(4, -1, 0.2))]);
    expect(r.lines.map((l) => l.status)).toEqual(['holds', 'does not hold']);
    expect(r.status).toBe('does not hold');
  });

  it('must be inconclusive: a noisy line centred on its margin, and a line with too few seeds', () => {
    const r = decideLines([line('a', planted(1, 1, 0.2)), line('b', planted(5, 0, 2))]);
    expect(r.lines[1].status).toBe('inconclusive');
    expect(r.status).toBe('inconclusive');
    const few = decideLines([line('a', planted(1, 1, 0.2, 2))]);
    expect(few.lines[0].reason).toMatch(/too few seeds/);
    expect(few.status).toBe('inconclusive');
  });

  it('a line that does not interpolate is inconclusive for that reason, whatever its numbers', () => {
    const r = decideLines([{ ...line('a', planted(1, 1, 0.2)), trials: 10, nonInterpolating: 3 }]);
    expect(r.lines[0].status).toBe('inconclusive');
    expect(r.lines[0].reason).toMatch(/does not interpolate \(3 of 10 trials\)/);
    expect(decideLines([{ ...line('a', planted(1, 1, 0.2)), trials: 10, nonInterpolating: 2 }]).status).toBe('holds');
  });

  it('a line outside the claim is listed and never decides', () => {
    const r = decideLines([
      line('a', planted(1, 1, 0.2)),
      { ...line('b', planted(4, -1, 0.2)), outside: 'generalizes' },
    ]);
    expect(r.lines[1].status).toBe('outside');
    expect(r.status).toBe('holds');
    expect(decideLines([{ ...line('b', planted(4, -1, 0.2)), outside: 'x' }]).status).toBe('inconclusive');
  });

  it('"does not hold" uses Holm across lines: a raw p = 0.03 fails alone but not among three lines', () => {
    expect(decideLines([line('a', fixed(0.97, 0.03))]).status).toBe('does not hold');
    const r = decideLines([line('a', fixed(0.97, 0.03)), line('b', fixed(0.6, 0.4)), line('c', fixed(0.5, 0.5))]);
    expect(r.lines[0].pFailHolm).toBeCloseTo(0.09, 14);
    expect(r.status).toBe('inconclusive');
  });

  it('a two-part line holds only when both parts hold, and its failure p is Bonferroni inside the line', () => {
    const r = decideLines([line('a', fixed(0.01, 0.99), fixed(0.2, 0.02))]);
    expect(r.lines[0].pHold).toBe(0.2);
    expect(r.lines[0].pFail).toBeCloseTo(0.04, 14);
    expect(r.lines[0].status).toBe('does not hold');
  });

  it('secondary endpoints carry BH q-values and a discovery flag at q = 0.1', () => {
    const s = secondary([
      { label: 'x', test: fixed(0.01, 0.99) },
      { label: 'y', test: fixed(0.04, 0.96) },
      { label: 'z', test: fixed(0.5, 0.5) },
    ]);
    expect(s.map((e) => e.q)).toEqual([0.03, 0.06, 0.5]);
    expect(s.map((e) => e.discovered)).toEqual([true, true, false]);
  });
});
