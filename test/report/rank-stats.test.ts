import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/xoshiro.js';
import {
  granulatedKendall,
  kendallInterval,
  kendallTauB,
  type Labels,
  meanTauWithinGroups,
} from '../../src/statistics/rank-correlation.js';

function hasScipy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import scipy.stats'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const SCIPY = hasScipy();
if (!SCIPY) console.warn('rank-stats: python3 with scipy not found — the scipy.stats.kendalltau comparison is skipped');

describe('Kendall τ-b on hand-computed cases', () => {
  it('is ±1 for monotone data and unchanged by monotone maps', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(kendallTauB(x, x).tau).toBe(1);
    expect(kendallTauB(x, [...x].reverse()).tau).toBe(-1);
    const y = [3, 1, 4, 1, 5, 9];
    expect(kendallTauB(x, y).tau).toBe(
      kendallTauB(
        x.map((v) => Math.exp(v)),
        y.map((v) => v ** 3),
      ).tau,
    );
  });

  it('counts a tie in x once in the denominator: x = [1,2,2,3], y = [1,3,2,4] gives 5/√30', () => {
    // 6 pairs: 5 concordant, 1 tied in x (the two 2s), none tied in y.
    const k = kendallTauB([1, 2, 2, 3], [1, 3, 2, 4]);
    expect(k.concordant).toBe(5);
    expect(k.discordant).toBe(0);
    expect(k.tiesX).toBe(1);
    expect(k.tiesY).toBe(0);
    expect(k.tau).toBeCloseTo(5 / Math.sqrt(30), 15);
  });

  it('ties on both sides: x = [1,2,3,3,4], y = [2,1,3,4,4] gives (7 − 1)/√(9·9) = 2/3', () => {
    const k = kendallTauB([1, 2, 3, 3, 4], [2, 1, 3, 4, 4]);
    expect([k.concordant, k.discordant, k.tiesX, k.tiesY]).toEqual([7, 1, 1, 1]);
    expect(k.tau).toBeCloseTo(2 / 3, 15);
  });

  it('a 2×2 checkerboard of ties has τ = 0 (one concordant, one discordant pair)', () => {
    const k = kendallTauB([1, 1, 2, 2], [1, 2, 1, 2]);
    expect([k.concordant, k.discordant, k.tiesX, k.tiesY]).toEqual([1, 1, 2, 2]);
    expect(k.tau).toBe(0);
  });

  it('is NaN with no interval when a variable is constant or there are fewer than 2 points', () => {
    expect(kendallTauB([2, 2, 2, 2, 2, 2], [1, 2, 3, 4, 5, 6]).tau).toBeNaN();
    expect(kendallTauB([1, 2, 3, 4, 5, 6], [7, 7, 7, 7, 7, 7]).tau).toBeNaN();
    expect(kendallTauB([1], [1]).tau).toBeNaN();
    expect(kendallTauB([2, 2, 2, 2, 2, 2], [1, 2, 3, 4, 5, 6]).ci.every(Number.isNaN)).toBe(true);
  });

  it('drops pairs with a non-finite value', () => {
    const k = kendallTauB([1, 2, Number.NaN, 3, 4], [1, 2, 5, Number.POSITIVE_INFINITY, 3]);
    expect(k.n).toBe(3);
    expect(k.tau).toBe(1);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => kendallTauB([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('Kendall τ-b against scipy.stats.kendalltau (variant b)', () => {
  it.skipIf(!SCIPY)('agrees to 1e-12 on random data with and without ties', () => {
    const cases: { x: number[]; y: number[] }[] = [];
    for (let s = 0; s < 12; s++) {
      const rng = new Rng(7000 + s);
      const n = 5 + rng.int(60);
      // Even seeds: small integers (many ties on both sides); odd seeds: continuous, correlated.
      const x = Array.from({ length: n }, () => (s % 2 ? rng.normal() : rng.int(4)));
      const y = x.map((v) => (s % 2 ? 0.6 * v + rng.normal() : rng.int(3) + (v > 1 ? 1 : 0)));
      cases.push({ x, y });
    }
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-kendall-'));
    try {
      const file = join(dir, 'cases.json');
      writeFileSync(file, JSON.stringify(cases));
      const py = [
        'import json, sys',
        'from scipy.stats import kendalltau',
        'cases = json.load(open(sys.argv[1]))',
        "print(json.dumps([kendalltau(c['x'], c['y'], variant='b').statistic for c in cases]))",
      ].join('\n');
      const ref = JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8' })) as number[];
      expect(ref).toHaveLength(cases.length);
      cases.forEach((c, i) => {
        expect(Math.abs(kendallTauB(c.x, c.y).tau - ref[i])).toBeLessThan(1e-12);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the 95% interval of τ', () => {
  it('covers τ = (2/π) arcsin ρ in ≥ 92% of 300 bivariate-normal samples (n = 12, 30; ρ = 0, 0.5, 0.8)', () => {
    for (const n of [12, 30]) {
      for (const rho of [0, 0.5, 0.8]) {
        const truth = (2 / Math.PI) * Math.asin(rho);
        let covered = 0;
        const reps = 300;
        for (let s = 0; s < reps; s++) {
          const rng = new Rng(100000 * n + 1000 * rho + s);
          const x: number[] = [];
          const y: number[] = [];
          for (let i = 0; i < n; i++) {
            const u = rng.normal();
            x.push(u);
            y.push(rho * u + Math.sqrt(1 - rho * rho) * rng.normal());
          }
          const { ci } = kendallTauB(x, y);
          if (ci[0] <= truth && truth <= ci[1]) covered++;
        }
        expect(covered / reps, `n = ${n}, ρ = ${rho}`).toBeGreaterThanOrEqual(0.92);
        // Not vacuous: a 95% interval should not cover (nearly) always.
        expect(covered / reps, `n = ${n}, ρ = ${rho}`).toBeLessThan(0.99);
      }
    }
  });

  it('shrinks like 1/√n and is undefined below n = 5', () => {
    const w = (n: number): number => {
      const [lo, hi] = kendallInterval(0, n);
      return hi - lo;
    };
    expect(w(104) / w(404)).toBeCloseTo(2, 1);
    expect(kendallInterval(0.3, 4).every(Number.isNaN)).toBe(true);
    const [lo, hi] = kendallInterval(1, 20);
    expect(hi).toBeLessThanOrEqual(1);
    expect(lo).toBeGreaterThan(0.9);
  });
});

describe('mean τ within groups', () => {
  it('averages the groups with a defined τ: {+1, −1/3} → 1/3, skipping a singleton and an all-ties group', () => {
    // group a: (1,1) (2,2) → +1; group b: x = [1,2,3], y = [2,3,1] → pairs C, D, D → −1/3;
    // group c: one model; group d: constant measure.
    const m = [1, 2, 1, 2, 3, 5, 4, 4];
    const r = [1, 2, 2, 3, 1, 9, 1, 2];
    const k = ['a', 'a', 'b', 'b', 'b', 'c', 'd', 'd'];
    const g = meanTauWithinGroups(m, r, k);
    expect(g.groups).toBe(2);
    expect(g.skippedGroups).toBe(2);
    expect(g.tau).toBeCloseTo((1 - 1 / 3) / 2, 15);
    expect(meanTauWithinGroups([1, 2], [1, 2], ['a', 'b']).tau).toBeNaN();
  });
});

describe('granulated Kendall coefficient Ψ', () => {
  // A 2×2 grid over (width, seed): along width the two seed-groups disagree (τ = +1, −1 → ψ = 0);
  // along seed both width-groups agree (τ = +1, +1 → ψ = 1); Ψ = (0 + 1)/2.
  const grid: { l: Labels; m: number; r: number }[] = [
    { l: { width: 1, seed: 0 }, m: 1, r: 1 },
    { l: { width: 2, seed: 0 }, m: 2, r: 2 },
    { l: { width: 1, seed: 1 }, m: 3, r: 4 },
    { l: { width: 2, seed: 1 }, m: 4, r: 3 },
  ];
  const psiOf = (rows: typeof grid, axes = ['width', 'seed']) =>
    granulatedKendall(
      rows.map((g) => g.m),
      rows.map((g) => g.r),
      rows.map((g) => g.l),
      axes,
    );

  it('averages τ within one-axis groups, then over axes (hand-computed 2×2 grid: Ψ = 1/2)', () => {
    const g = psiOf(grid);
    expect(g.axes).toEqual([
      { axis: 'width', tau: 0, groups: 2, skippedGroups: 0 },
      { axis: 'seed', tau: 1, groups: 2, skippedGroups: 0 },
    ]);
    expect(g.psi).toBe(0.5);
  });

  it('skips a group of one model (a width with a single seed) without changing ψ', () => {
    const g = psiOf([...grid, { l: { width: 3, seed: 0 }, m: 5, r: 5 }]);
    // width-group seed 0 is now {1, 2, 5} vs {1, 2, 5}: τ = 1; seed-group width 3 has one model.
    expect(g.axes[0]).toEqual({ axis: 'width', tau: 0, groups: 2, skippedGroups: 0 });
    expect(g.axes[1]).toEqual({ axis: 'seed', tau: 1, groups: 2, skippedGroups: 1 });
    expect(g.psi).toBe(0.5);
  });

  it('skips a group whose measure is all ties, and leaves out an axis with no usable group', () => {
    const rows = [
      { l: { width: 1, seed: 0 }, m: 7, r: 1 },
      { l: { width: 2, seed: 0 }, m: 7, r: 2 },
      { l: { width: 1, seed: 1 }, m: 3, r: 4 },
    ];
    const g = psiOf(rows);
    expect(g.axes[0]).toEqual({ axis: 'width', tau: Number.NaN, groups: 0, skippedGroups: 2 });
    // seed-groups: width 1 = {7, 3} vs {1, 4} → τ = −1; width 2 = one model.
    expect(g.axes[1]).toEqual({ axis: 'seed', tau: -1, groups: 1, skippedGroups: 1 });
    expect(g.psi).toBe(-1);
    expect(psiOf(rows.slice(0, 2), ['width']).psi).toBeNaN();
  });

  it('holds labels that are not axes fixed (a kind label splits the groups)', () => {
    const rows = grid.map((g, i) => ({ ...g, l: { ...g.l, kind: i < 2 ? 'a' : 'b' } }));
    // Seed-groups now mix kinds, so every (width, kind) group has one model: the seed axis drops out.
    const g = psiOf(rows);
    expect(g.axes[1]).toEqual({ axis: 'seed', tau: Number.NaN, groups: 0, skippedGroups: 4 });
    expect(g.psi).toBe(0);
  });

  it('equals plain τ when there is a single axis and no other label', () => {
    const rng = new Rng(3);
    const m = Array.from({ length: 20 }, () => rng.normal());
    const r = m.map((v) => v + rng.normal());
    const l = m.map((_, i) => ({ seed: i }));
    expect(granulatedKendall(m, r, l, ['seed']).psi).toBeCloseTo(kendallTauB(m, r).tau, 15);
  });
});
