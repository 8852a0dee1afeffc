/**
 * The abs-pow:p link g(t) = |t|^p: its Hermite coefficients and moments against independent numerical
 * integration and closed forms, the exact population risk of students against it against Monte Carlo,
 * the link syntax, and the teacher construction (exact for |t|^p and relu^p students, refused otherwise).
 */
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generate.js';
import { hermiteNormalized } from '../../src/data/hermite.js';
import { makeLink } from '../../src/data/links.js';
import { linksLabel, makeTarget, parseLinksSyntax } from '../../src/data/targets.js';
import { InputError } from '../../src/errors.js';
import { teacherInterpolator, teacherNeurons } from '../../src/interpolators/index.js';
import { makeActivation } from '../../src/model/activations.js';
import { forward } from '../../src/model/network.js';
import { populationRisk } from '../../src/risk/index.js';
import { randomNet } from '../helpers.js';

/** E[g(Z) h_n(Z)] for n = 0..K by composite Simpson on [−14, 14] (no kink-aware panels, no closed form). */
function simpsonHermite(g: (t: number) => number, K: number, N = 200_000): Float64Array {
  const out = new Float64Array(K + 1);
  const h = new Float64Array(K + 1);
  const a = -14;
  const step = 28 / N;
  for (let i = 0; i <= N; i++) {
    const t = a + i * step;
    const w = (i === 0 || i === N ? 1 : i % 2 === 1 ? 4 : 2) * (step / 3);
    const v = (w * g(t) * Math.exp((-t * t) / 2)) / Math.sqrt(2 * Math.PI);
    hermiteNormalized(K, t, h);
    for (let k = 0; k <= K; k++) out[k] += v * h[k];
  }
  return out;
}

describe('abs-pow:p link', () => {
  it('Hermite coefficients (closed form) match Simpson integration, p = 3 and p = 2.5; odd ones vanish', () => {
    for (const p of [3, 2.5]) {
      const link = makeLink({ name: 'abs-pow', p });
      const got = link.hermite(12);
      const want = simpsonHermite((t) => Math.abs(t) ** p, 12);
      for (let k = 0; k <= 12; k++) {
        expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-7);
        if (k % 2 === 1) expect(got[k]).toBe(0);
      }
    }
  });

  it('mean E|Z|³ = 2√(2/π), second moment E Z⁶ = 15, information exponent 2', () => {
    const link = makeLink({ name: 'abs-pow', p: 3 });
    expect(link.mean).toBeCloseTo(2 * Math.sqrt(2 / Math.PI), 14);
    expect(link.secondMoment).toBeCloseTo(15, 13);
    expect(link.informationExponent).toBe(2);
    expect(link.f(-2)).toBe(8);
    expect(link.piecewisePower).toEqual({ q: 3, plus: 1, minus: 1 });
  });

  it('the exact population risk against abs-pow targets matches Monte Carlo (relu, relu², |t| students)', () => {
    const cases: [Parameters<typeof makeActivation>[0], string][] = [
      [{ name: 'relu' }, 'abs-pow:3+relu'],
      [{ name: 'relu-pow', p: 2 }, 'abs-pow:3+abs-pow:2'],
      [{ name: 'abs' }, 'abs-pow:2'],
    ];
    cases.forEach(([spec, links], i) => {
      const target = makeTarget({ d: 6, r: 2, links, seed: 11 + i });
      const net = randomNet(spec, 5, 6, 20 + i);
      const exact = populationRisk(net, target, { method: 'exact' });
      const mc = populationRisk(net, target, { method: 'montecarlo', samples: 1 << 18, seed: 3 + i });
      expect(exact.method).toBe('exact');
      expect(Math.abs(exact.value - mc.value)).toBeLessThan(4 * mc.stderr);
    });
  });

  it('syntax: abs-pow:3 parses, labels back, and bad exponents are one-line InputErrors', () => {
    const c = parseLinksSyntax('abs-pow:3', 2);
    expect(c).toEqual({
      kind: 'sum',
      links: [
        { name: 'abs-pow', p: 3 },
        { name: 'abs-pow', p: 3 },
      ],
    });
    expect(linksLabel(makeTarget({ d: 4, r: 2, links: 'abs-pow:3' }))).toBe('abs-pow:3');
    expect(linksLabel(makeTarget({ d: 4, r: 2, links: 'abs-pow:3+relu' }))).toBe('abs-pow:3+relu');
    expect(() => parseLinksSyntax('abs-pow', 1)).toThrow(/link abs-pow needs an exponent p/);
    expect(() => parseLinksSyntax('abs-pow:0.5', 1)).toThrow(/link abs-pow: p must be a number in \[1, 8\]/);
    expect(() => parseLinksSyntax('abs-pow:3,4', 1)).toThrow(InputError);
  });

  it('teacher: a |t|³ student represents |u₁ᵀx|³ + |u₂ᵀx|³ with 2 neurons, a relu³ student with 4; relu refuses', () => {
    const data = makeDataset({ d: 5, n: 30, r: 2, links: 'abs-pow:3', seed: 4 });
    const target = data.target;
    if (!target) throw new Error('generated data carry their target');
    const absPow = makeActivation({ name: 'abs-pow', p: 3 });
    expect(teacherNeurons(target, absPow).a).toHaveLength(2);
    const t = teacherInterpolator(data, absPow);
    const f = forward(t.net, data.X, data.n);
    for (let i = 0; i < data.n; i++) expect(Math.abs(f[i] - data.y[i])).toBeLessThan(1e-9 * (1 + Math.abs(data.y[i])));
    // Exact in population too: its risk is 0 up to rounding (Monte Carlo: k = 3 has no closed form here).
    expect(populationRisk(t.net, target, { samples: 1 << 12 }).value).toBeLessThan(1e-20);
    const reluPow = makeActivation({ name: 'relu-pow', p: 3 });
    expect(teacherNeurons(target, reluPow).a).toHaveLength(4);
    const f3 = forward(teacherInterpolator(data, reluPow).net, data.X, data.n);
    for (let i = 0; i < data.n; i++) expect(Math.abs(f3[i] - data.y[i])).toBeLessThan(1e-9 * (1 + Math.abs(data.y[i])));
    expect(() => teacherNeurons(target, makeActivation('relu'))).toThrow(/abs-pow\(p=3\)\) is not representable/);
  });
});
