import { describe, expect, it } from 'vitest';
import { generateDataset, makeDataset } from '../../src/data/generate.js';
import { indexMatrix, orthonormalityDefect } from '../../src/data/index-matrix.js';
import { parseInputSyntax, sampleInputs } from '../../src/data/inputs.js';
import { parseDataParams } from '../../src/data/params.js';
import type { TargetSpec } from '../../src/data/target.js';
import { evaluateTarget, makeTarget, parseLinksSyntax, targetMoments, targetVariance } from '../../src/data/targets.js';
import { InputError } from '../../src/errors.js';
import { Rng } from '../../src/rng/xoshiro.js';

/** Monte Carlo E f* and E f*² with standard errors, on fresh Gaussian inputs. */
function mcMoments(t: TargetSpec, n: number, seed: number) {
  const X = sampleInputs(t.input, t.d, n, new Rng(seed));
  const f = evaluateTarget(t, X, n);
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (const v of f) {
    s1 += v;
    s2 += v * v;
    s4 += v ** 4;
  }
  const m1 = s1 / n;
  const m2 = s2 / n;
  return { m1, se1: Math.sqrt((m2 - m1 * m1) / n), m2, se2: Math.sqrt((s4 / n - m2 * m2) / n) };
}

describe('index matrix', () => {
  it('random U has orthonormal rows (to rounding) and is reproducible', () => {
    for (const [d, r] of [
      [30, 5],
      [200, 20],
      [3, 3],
    ]) {
      const U = indexMatrix(d, r, 'random', 17);
      expect(U.length).toBe(r);
      expect(U[0].length).toBe(d);
      expect(orthonormalityDefect(U)).toBeLessThan(1e-13);
      expect(indexMatrix(d, r, 'random', 17)).toEqual(U);
      expect(indexMatrix(d, r, 'random', 18)).not.toEqual(U);
    }
  });
  it('axes are the first r coordinate vectors; r > d is refused', () => {
    const U = indexMatrix(4, 2, 'axes', 0);
    expect(U).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(() => indexMatrix(4, 5, 'random', 0)).toThrow(InputError);
  });
});

describe('input laws', () => {
  it('sphere rows have norm √d, rademacher entries are ±1, anisotropic coordinates have the given scales', () => {
    const d = 7;
    const S = sampleInputs({ law: 'sphere' }, d, 50, new Rng(1));
    for (let i = 0; i < 50; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += S[i * d + k] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(Math.sqrt(d), 12);
    }
    const R = sampleInputs({ law: 'rademacher' }, d, 50, new Rng(2));
    expect([...R].every((v) => v === 1 || v === -1)).toBe(true);
    const scales = [0.1, 1, 3];
    const n = 40_000;
    const A = sampleInputs({ law: 'anisotropic', scales }, 3, n, new Rng(3));
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += A[i * 3 + k] ** 2;
      // relative s.e. of a sample variance is √(2/n) ≈ 0.7%
      expect(Math.abs(Math.sqrt(s / n) / scales[k] - 1)).toBeLessThan(0.02);
    }
  });
  it('parses the input syntax and rejects bad laws', () => {
    expect(parseInputSyntax('anisotropic:pow=1', 3)).toEqual({ law: 'anisotropic', scales: [1, 0.5, 1 / 3] });
    expect(parseInputSyntax('anisotropic:1,2,3', 3)).toEqual({ law: 'anisotropic', scales: [1, 2, 3] });
    expect(() => parseInputSyntax('anisotropic:1,2', 3)).toThrow(/scales must be a list of d = 3/);
    expect(() => parseInputSyntax('cauchy', 3)).toThrow(/unknown input law "cauchy"/);
  });
});

describe('targets', () => {
  it('evaluateTarget computes Σ c_l g_l(u_lᵀx) and the multi-index links', () => {
    const x = Float64Array.from([0.5, -2, 1.5, 0.3]);
    const sum = makeTarget({ d: 4, r: 3, links: 'relu+abs+hermite:1,0,0,1', coeffs: [2, -1, 0.5], index: 'axes' });
    const he3 = (1.5 ** 3 - 3 * 1.5) / Math.sqrt(6);
    expect(evaluateTarget(sum, x, 1)[0]).toBeCloseTo(2 * 0.5 - 2 + 0.5 * (1 + he3), 14);
    const prod = makeTarget({ d: 4, r: 3, links: 'product', index: 'axes' });
    if (prod.kind !== 'multi') throw new Error('product is a multi-index link');
    expect(evaluateTarget(prod, x, 1)[0]).toBeCloseTo(0.5 * -2 * 1.5, 14);
    expect(evaluateTarget({ ...prod, link: 'max' }, x, 1)[0]).toBe(1.5);
    expect(evaluateTarget({ ...prod, link: 'norm' }, x, 1)[0]).toBeCloseTo(Math.sqrt(0.25 + 4 + 2.25), 14);
  });

  it('link syntax: one link repeats, r links join with +, errors name the problem', () => {
    expect(parseLinksSyntax('relu', 3)).toEqual({
      kind: 'sum',
      links: [{ name: 'relu' }, { name: 'relu' }, { name: 'relu' }],
    });
    expect(parseLinksSyntax('relu-pow:2+hermite:0,0,1', 2)).toEqual({
      kind: 'sum',
      links: [
        { name: 'relu-pow', p: 2 },
        { name: 'hermite', coeffs: [0, 0, 1] },
      ],
    });
    expect(parseLinksSyntax('max', 4)).toEqual({ kind: 'multi', link: 'max' });
    expect(() => parseLinksSyntax('relu+abs', 3)).toThrow(/got 2 links for r = 3/);
    expect(() => parseLinksSyntax('softmax', 1)).toThrow(/unknown link "softmax"/);
    expect(() => parseLinksSyntax('relu-pow:x', 1)).toThrow(/"x" is not a number/);
    expect(() => parseLinksSyntax('relu+max', 2)).toThrow(/cannot be combined/);
  });

  it('targetVariance (exact, Gaussian inputs) agrees with Monte Carlo within 4 standard errors', () => {
    const cases = ['relu+abs+sign', 'tanh', 'relu-pow:2+linear+hermite:0.5,0,0,1', 'product', 'max', 'norm'];
    cases.forEach((links, i) => {
      const t = makeTarget({ d: 12, r: 3, links, coeffs: links.includes('+') ? [1, -0.5, 2] : undefined, seed: i });
      const ex = targetMoments(t);
      expect(ex.method).toBe('exact');
      const m = mcMoments(t, 100_000, 50 + i);
      expect(Math.abs(ex.mean - m.m1), `${links} mean`).toBeLessThan(4 * m.se1 + 1e-12);
      expect(Math.abs(ex.secondMoment - m.m2), `${links} E f²`).toBeLessThan(4 * m.se2);
      expect(targetVariance(t)).toBeCloseTo(ex.secondMoment - ex.mean ** 2, 12);
    });
  });

  it('known closed forms: product has Var 1, norm has E‖z‖² = r, max of 2 has mean 1/√π', () => {
    expect(targetVariance(makeTarget({ d: 5, r: 3, links: 'product' }))).toBe(1);
    expect(targetMoments(makeTarget({ d: 5, r: 4, links: 'norm' })).secondMoment).toBe(4);
    expect(targetMoments(makeTarget({ d: 5, r: 2, links: 'max' })).mean).toBeCloseTo(1 / Math.sqrt(Math.PI), 12);
  });

  it('non-Gaussian laws fall back to a seeded Monte Carlo and say so', () => {
    const t = makeTarget({ d: 6, r: 2, links: 'relu', input: { law: 'sphere' } });
    const a = targetMoments(t, { samples: 20_000, seed: 3 });
    expect(a.method).toBe('montecarlo');
    expect(a.stderr).toBeGreaterThan(0);
    expect(targetMoments(t, { samples: 20_000, seed: 3 })).toEqual(a);
  });
});

describe('data generation', () => {
  const params = parseDataParams({ d: '10', n: '64', r: '2', links: 'relu+tanh', noise: '0.3', seed: '5' });

  it('is bit-for-bit reproducible by seed; other seeds differ', () => {
    const a = makeDataset(params);
    const b = makeDataset(params);
    expect(Buffer.from(a.X.buffer).equals(Buffer.from(b.X.buffer))).toBe(true);
    expect(Buffer.from(a.y.buffer).equals(Buffer.from(b.y.buffer))).toBe(true);
    expect(a.target).toEqual(b.target);
    const c = makeDataset({ ...params, seed: 6 });
    expect(c.X[0]).not.toBe(a.X[0]);
    expect(c.target?.U).not.toEqual(a.target?.U);
  });

  it('labels are f*(x) + σ ε: the noise stream leaves inputs and f* unchanged', () => {
    const noisy = makeDataset(params);
    const clean = makeDataset({ ...params, noise: 0 });
    expect(Buffer.from(noisy.X.buffer).equals(Buffer.from(clean.X.buffer))).toBe(true);
    const f = evaluateTarget(clean.target as TargetSpec, clean.X, clean.n);
    expect([...clean.y]).toEqual([...f]);
    let s = 0;
    for (let i = 0; i < noisy.n; i++) s += (noisy.y[i] - f[i]) ** 2;
    // 64 residuals of N(0, 0.09): sample variance within ±50%
    expect(s / noisy.n).toBeGreaterThan(0.045);
    expect(s / noisy.n).toBeLessThan(0.135);
    expect(noisy.seed).toBe(5);
  });

  it('generateDataset accepts a ready target; bad sizes and seeds are InputErrors', () => {
    const t = makeTarget({ d: 3, r: 1, links: 'abs', index: 'axes' });
    const D = generateDataset({ target: t, n: 5 }, 1);
    expect(D.n).toBe(5);
    for (let i = 0; i < 5; i++) expect(D.y[i]).toBe(Math.abs(D.X[i * 3]));
    expect(() => generateDataset({ target: t, n: 0 }, 1)).toThrow(/n must be an integer ≥ 1/);
    expect(() => generateDataset({ target: t, n: 3 }, -1)).toThrow(/seed must be a non-negative integer/);
  });
});

describe('data param table', () => {
  it('gives defaults and rejects bad values naming the field and range', () => {
    const p = parseDataParams({});
    expect(p).toMatchObject({ d: 50, n: 200, r: 1, noise: 0, index: 'random', seed: 0, input: { law: 'gaussian' } });
    expect(() => parseDataParams({ n: '0' })).toThrow(/n must be an integer in \[1, 10000000\]/);
    expect(() => parseDataParams({ d: '-3' })).toThrow(/d must be an integer in \[1, 100000\]/);
    expect(() => parseDataParams({ noise: 'NaN' })).toThrow(/noise must be a number in \[0, 1000\]/);
    expect(() => parseDataParams({ d: '3', r: '4' })).toThrow(/r must be an integer in \[1, d = 3\]/);
    expect(() => parseDataParams({ r: '2', coeffs: '1' })).toThrow(/coeffs must be r = 2/);
    expect(() => parseDataParams({ index: 'diagonal' })).toThrow(/index must be one of random, axes/);
    expect(() => parseDataParams({ links: 'product', coeffs: '1' })).toThrow(/sum targets only/);
    expect(() => parseDataParams({ width: '3' })).toThrow(/unknown field "width"/);
  });
});
