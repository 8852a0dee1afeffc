import { describe, expect, it } from 'vitest';
import { hermiteHe, hermiteNormalized, hermiteSeries } from '../../src/data/hermite.js';
import { makeLink, quadHermite, reluPowHermite } from '../../src/data/links.js';
import { gaussianExpectation, gaussLegendre } from '../../src/data/quadrature.js';
import { absMoment, erf, erfc, lgamma, normalCdf } from '../../src/data/special.js';
import type { LinkSpec } from '../../src/data/target.js';
import { Rng } from '../../src/rng/xoshiro.js';

/** Monte Carlo mean and standard error of g(Z), Z ~ N(0, 1). */
function mc(g: (t: number) => number, n: number, seed: number): { mean: number; se: number } {
  const rng = new Rng(seed);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = g(rng.normal());
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, se: Math.sqrt((s2 / n - mean * mean) / (n - 1)) };
}

describe('special functions', () => {
  it('erfc, Φ and lgamma match reference values', () => {
    // Reference values (Abramowitz & Stegun / mpmath).
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(erfc(2.5) / 4.06952017444959e-4 - 1).toBeLessThan(1e-13);
    expect(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-10) / 7.619853024160527e-24 - 1)).toBeLessThan(1e-12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(erf(-0.3) + erf(0.3)).toBe(0);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(lgamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(absMoment(3)).toBeCloseTo(2 * Math.sqrt(2 / Math.PI), 14);
    expect(absMoment(2.5)).toBeCloseTo(Math.exp(1.25 * Math.LN2 + lgamma(1.75)) / Math.sqrt(Math.PI), 14);
  });

  it('Gauss–Legendre integrates polynomials of degree 2n−1 exactly', () => {
    const { nodes, weights } = gaussLegendre(7);
    let s = 0;
    for (let i = 0; i < 7; i++) s += weights[i] * nodes[i] ** 12;
    expect(s).toBeCloseTo(2 / 13, 14);
  });
});

describe('Hermite polynomials', () => {
  it('the recurrence reproduces the explicit low-order polynomials', () => {
    for (const t of [-2.3, 0, 0.7, 3.1]) {
      const he = hermiteHe(4, t);
      expect(he[2]).toBeCloseTo(t * t - 1, 12);
      expect(he[3]).toBeCloseTo(t ** 3 - 3 * t, 12);
      expect(he[4]).toBeCloseTo(t ** 4 - 6 * t * t + 3, 12);
      const h = hermiteNormalized(4, t);
      expect(h[4]).toBeCloseTo(he[4] / Math.sqrt(24), 12);
    }
  });

  it('are orthonormal under N(0,1): quadrature to 1e-11 for degrees ≤ 25', () => {
    const K = 25;
    const h = new Float64Array(K + 1);
    for (const [j, k] of [
      [0, 0],
      [3, 3],
      [25, 25],
      [2, 5],
      [7, 9],
      [10, 12],
      [24, 25],
      [0, 20],
    ]) {
      const v = gaussianExpectation(
        (t) => {
          hermiteNormalized(K, t, h);
          return h[j] * h[k];
        },
        { limit: 20 },
      ); // h_25² φ is O(1) out to |t| ≈ 2√25, so integrate further than the default 12
      expect(Math.abs(v - (j === k ? 1 : 0))).toBeLessThan(1e-11);
    }
  });

  it('are orthonormal under N(0,1): Monte Carlo within 4 standard errors', () => {
    const h = new Float64Array(5);
    for (const [j, k] of [
      [1, 1],
      [2, 2],
      [3, 3],
      [1, 2],
      [2, 4],
      [1, 3],
    ]) {
      const r = mc(
        (t) => {
          hermiteNormalized(4, t, h);
          return h[j] * h[k];
        },
        200_000,
        11 + j * 7 + k,
      );
      expect(Math.abs(r.mean - (j === k ? 1 : 0))).toBeLessThan(4 * r.se);
    }
  });

  it('hermiteSeries evaluates Σ c_k h_k', () => {
    const c = [0.5, -1, 0.25, 2];
    const t = 1.3;
    const he = hermiteHe(3, t);
    expect(hermiteSeries(c, t)).toBeCloseTo(0.5 - t + (0.25 * he[2]) / Math.SQRT2 + (2 * he[3]) / Math.sqrt(6), 12);
  });
});

const LINKS: LinkSpec[] = [
  { name: 'relu' },
  { name: 'abs' },
  { name: 'sign' },
  { name: 'linear' },
  { name: 'tanh' },
  { name: 'relu-pow', p: 2 },
  { name: 'relu-pow', p: 3 },
  { name: 'relu-pow', p: 1.5 },
  { name: 'hermite', coeffs: [0.2, 0, -0.5, 1] },
];

describe('links', () => {
  it('closed-form relu^p Hermite coefficients equal quadrature to 1e-12 (p = 0…3, k ≤ 40)', () => {
    for (const p of [0, 1, 2, 3]) {
      const q = quadHermite((t) => (t > 0 ? t ** p : 0), 40, [0]);
      for (let k = 0; k <= 40; k++)
        expect(Math.abs(reluPowHermite(p, k) - q[k])).toBeLessThan(1e-12 * Math.max(1, absMoment(2 * p)));
    }
  });

  it('Hermite coefficients match Monte Carlo E[g(Z) h_k(Z)] within 4 standard errors', () => {
    const h = new Float64Array(6);
    LINKS.forEach((spec, i) => {
      const link = makeLink(spec);
      const c = link.hermite(5);
      for (let k = 0; k <= 5; k++) {
        const r = mc(
          (t) => {
            hermiteNormalized(5, t, h);
            return link.f(t) * h[k];
          },
          60_000,
          100 + 10 * i + k,
        );
        expect(Math.abs(c[k] - r.mean), `${link.label} c_${k}`).toBeLessThan(4 * r.se + 1e-12);
      }
    });
  });

  it('mean and second moment match quadrature, and Parseval Σ c_k² → E g²', () => {
    for (const spec of LINKS) {
      const link = makeLink(spec);
      const kinks = link.kinks;
      expect(link.mean).toBeCloseTo(gaussianExpectation(link.f, { kinks, graded: true }), 12);
      expect(link.secondMoment).toBeCloseTo(
        gaussianExpectation((t) => link.f(t) ** 2, { kinks, graded: true }),
        12,
      );
      const c = link.hermite(150);
      let s = 0;
      for (const v of c) s += v * v;
      expect(s).toBeLessThanOrEqual(link.secondMoment * (1 + 1e-12));
      // kinked links converge slowly (sign: tail Σ_{k>K} c_k² ~ K^{-1/2}), smooth ones fast
      expect(s).toBeGreaterThan(link.secondMoment * (link.kinks.length ? 0.95 : 1 - 1e-10));
    }
  });

  it('information exponents', () => {
    const ie = (s: LinkSpec) => makeLink(s).informationExponent;
    expect(ie({ name: 'relu' })).toBe(1);
    expect(ie({ name: 'abs' })).toBe(2);
    expect(ie({ name: 'sign' })).toBe(1);
    expect(ie({ name: 'tanh' })).toBe(1);
    expect(ie({ name: 'linear' })).toBe(1);
    expect(ie({ name: 'relu-pow', p: 2 })).toBe(1);
    expect(ie({ name: 'hermite', coeffs: [0, 0, 0, 1] })).toBe(3);
    expect(ie({ name: 'hermite', coeffs: [1] })).toBe(null);
  });

  it('reject unknown links and bad parameters', () => {
    expect(() => makeLink({ name: 'cosh' } as unknown as LinkSpec)).toThrow(/unknown link "cosh"/);
    expect(() => makeLink({ name: 'relu-pow', p: 0 })).toThrow(/p must be a number in \[1, 8\]/);
    expect(() => makeLink({ name: 'hermite', coeffs: [] })).toThrow(/coeffs/);
    expect(() => makeLink({ name: 'hermite', coeffs: [1, Number.NaN] })).toThrow(/coeffs/);
  });
});
