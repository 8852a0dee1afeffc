/**
 * Link registry (docs/math.md#data, §1): for each link g its value, its Hermite coefficients in the orthonormal
 * basis h_k = He_k/√(k!), its mean and second moment under N(0, 1), its information exponent, and —
 * when g is a "piecewise power" c₊ relu^q(t) + c₋ relu^q(−t) — that representation, which the exact
 * population risk uses for closed-form kernels.
 *
 * Hermite coefficients of relu^p (integer p) in closed form, from E[g(Z) He_n(Z)] = E[g^{(n)}(Z)]
 * (Gaussian integration by parts, in the distributional sense):
 *   n ≤ p:  E[relu^p He_n] = p!/(p−n)! · E|Z|^{p−n} / 2
 *   n > p:  E[relu^p He_n] = p! · φ(0) · He_{n−p−1}(0)       (the δ-derivatives at the kink)
 * Everything else (tanh, non-integer p) by kink-aware Gauss–Legendre quadrature (quadrature.ts).
 */
import { InputError } from '../errors.js';
import { currentSpelling } from '../spellings.js';
import { hermiteAtZeroLog, hermiteMonomials, hermiteNormalized, hermiteSeries } from './hermite.js';
import { gaussianExpectation, gaussianNodes, type QuadratureRule } from './quadrature.js';
import { absMoment, INV_SQRT_2PI, lgamma, logFactorial } from './special.js';
import type { LinkSpec } from './target.js';

/** The single-index link names of the link syntax (`relu`, `relu-pow:2`, `hermite:c0,c1,…`, …). */
export const LINK_NAMES = ['relu', 'abs', 'linear', 'tanh', 'sign', 'relu-pow', 'abs-pow', 'hermite'] as const;
/** A single-index link name. */
export type LinkName = (typeof LINK_NAMES)[number];

/** g(t) = plus · relu^q(t) + minus · relu^q(−t) (q = 0 means the indicator 1{t > 0}). */
export interface PiecewisePower {
  readonly q: number;
  readonly plus: number;
  readonly minus: number;
}

export interface Link {
  readonly spec: LinkSpec;
  readonly label: string;
  f(t: number): number;
  /** Orthonormal Hermite coefficients c_0 … c_K. */
  hermite(K: number): Float64Array;
  /** True when the Hermite expansion is finite (linear, hermite): then hermite(K) for K ≥ degree is exact and complete. */
  readonly finiteDegree: number | null;
  /** E g(Z), Z ~ N(0, 1). */
  readonly mean: number;
  /** E g(Z)². */
  readonly secondMoment: number;
  /** Index of the first non-zero Hermite coefficient with k ≥ 1 (null for a constant link). */
  readonly informationExponent: number | null;
  readonly piecewisePower: PiecewisePower | null;
  /** Points where g is not analytic (quadrature splits there). */
  readonly kinks: readonly number[];
}

const MAX_HERMITE_ORDER = 200;
const HERMITE_COEFFS_MAX = 64;

/** E[relu^p(Z) h_n(Z)] (orthonormal h_n) for integer p ≥ 0, in closed form (see the file comment). */
export function reluPowHermite(p: number, n: number): number {
  const logSqrtFact = 0.5 * logFactorial(n);
  if (n <= p) {
    // p!/(p−n)! · E|Z|^{p−n}/2 / √(n!)
    return Math.exp(logFactorial(p) - logFactorial(p - n) - logSqrtFact) * (absMoment(p - n) / 2);
  }
  const he = hermiteAtZeroLog(n - p - 1);
  if (he.sign === 0) return 0;
  return he.sign * INV_SQRT_2PI * Math.exp(logFactorial(p) + he.log - logSqrtFact);
}

/** E[Z^a 1{Z > 0}] for real a ≥ 0. */
function halfMoment(a: number): number {
  return absMoment(a) / 2;
}

/** Coefficients of relu^p for non-integer p: expand He_n in monomials (fine for n ≲ 30). */
function reluPowHermiteReal(p: number, n: number): number {
  const P = hermiteMonomials(n);
  let s = 0;
  for (let j = 0; j <= n; j++) if (P[j] !== 0) s += P[j] * halfMoment(p + j);
  return s / Math.exp(0.5 * lgamma(n + 1));
}

function checkOrder(K: number): void {
  if (!Number.isInteger(K) || K < 0 || K > MAX_HERMITE_ORDER) {
    throw new RangeError(`Hermite order must be an integer in [0, ${MAX_HERMITE_ORDER}] (got ${K})`);
  }
}

function fromPiecewise(pp: PiecewisePower, K: number, integer: boolean): Float64Array {
  const out = new Float64Array(K + 1);
  for (let n = 0; n <= K; n++) {
    const e = integer ? reluPowHermite(pp.q, n) : n <= 30 ? reluPowHermiteReal(pp.q, n) : Number.NaN;
    out[n] = pp.plus * e + pp.minus * (n % 2 === 0 ? e : -e);
  }
  return out;
}

function firstNonZero(c: Float64Array, scale: number): number | null {
  for (let k = 1; k < c.length; k++) if (Math.abs(c[k]) > 1e-12 * Math.max(scale, 1e-300)) return k;
  return null;
}

function piecewiseLink(spec: LinkSpec, label: string, pp: PiecewisePower, f: (t: number) => number): Link {
  const integer = Number.isInteger(pp.q);
  const mean = (pp.plus + pp.minus) * halfMoment(pp.q);
  const secondMoment = (pp.plus * pp.plus + pp.minus * pp.minus) * halfMoment(2 * pp.q);
  const probe = fromPiecewise(pp, integer ? 40 : 30, integer);
  return {
    spec,
    label,
    f,
    finiteDegree: null,
    mean,
    secondMoment,
    piecewisePower: pp,
    kinks: [0],
    informationExponent: firstNonZero(probe, Math.sqrt(secondMoment)),
    hermite: (K) => {
      checkOrder(K);
      if (!integer && K > 30) {
        // The monomial expansion cancels badly beyond ~30; use quadrature for the whole vector.
        return quadHermite(f, K, [0], true);
      }
      return fromPiecewise(pp, K, integer);
    },
  };
}

/** Hermite coefficients by kink-aware quadrature (the vector version of gaussianExpectation). */
export function quadHermite(
  g: (t: number) => number,
  K: number,
  kinks: readonly number[] = [],
  graded = false,
): Float64Array {
  checkOrder(K);
  const out = new Float64Array(K + 1);
  const h = new Float64Array(K + 1);
  // Panels of width 1 with 32 nodes resolve h_K up to K = 200 (≈ 1e-15 against the relu closed form).
  const nodesRule = gaussianNodesCached(kinks, graded);
  for (let i = 0; i < nodesRule.nodes.length; i++) {
    const t = nodesRule.nodes[i];
    const w = nodesRule.weights[i] * g(t);
    if (w === 0) continue;
    hermiteNormalized(K, t, h);
    for (let k = 0; k <= K; k++) out[k] += w * h[k];
  }
  return out;
}

const nodeCache = new Map<string, QuadratureRule>();
function gaussianNodesCached(kinks: readonly number[], graded: boolean): QuadratureRule {
  const key = `${kinks.join(',')}|${graded}`;
  let r = nodeCache.get(key);
  if (!r) {
    r = gaussianNodes({ kinks, order: 32, panel: 1, graded });
    nodeCache.set(key, r);
  }
  return r;
}

/** Build a link from its spec; InputError on unknown names or bad parameters. */
export function makeLink(given: LinkSpec): Link {
  if (!given || typeof given !== 'object' || typeof (given as { name?: unknown }).name !== 'string') {
    throw new InputError(`link must be an object with a "name" (one of ${LINK_NAMES.join(', ')})`);
  }
  // The deprecated spelling relu_pow of data files written by flatlab 0.1 is still accepted.
  const spec = { ...given, name: currentSpelling(given.name) } as LinkSpec;
  switch (spec.name) {
    case 'relu':
      return piecewiseLink({ name: 'relu' }, 'relu', { q: 1, plus: 1, minus: 0 }, (t) => (t > 0 ? t : 0));
    case 'abs':
      return piecewiseLink({ name: 'abs' }, '|t|', { q: 1, plus: 1, minus: 1 }, Math.abs);
    case 'sign':
      return piecewiseLink({ name: 'sign' }, 'sign', { q: 0, plus: 1, minus: -1 }, (t) => (t > 0 ? 1 : t < 0 ? -1 : 0));
    case 'relu-pow': {
      const p = spec.p;
      if (typeof p !== 'number' || !Number.isFinite(p) || p < 1 || p > 8) {
        throw new InputError(`link relu-pow: p must be a number in [1, 8] (got ${JSON.stringify(p)})`);
      }
      return piecewiseLink({ name: 'relu-pow', p }, `relu^${p}`, { q: p, plus: 1, minus: 0 }, (t) =>
        t > 0 ? t ** p : 0,
      );
    }
    case 'abs-pow': {
      // |t|^p = relu^p(t) + relu^p(−t): the same piecewise-power machinery (closed-form Hermite
      // coefficients for integer p, arc-cosine / conditional-moment kernels in the exact risk).
      const p = spec.p;
      if (typeof p !== 'number' || !Number.isFinite(p) || p < 1 || p > 8) {
        throw new InputError(`link abs-pow: p must be a number in [1, 8] (got ${JSON.stringify(p)})`);
      }
      return piecewiseLink({ name: 'abs-pow', p }, `|t|^${p}`, { q: p, plus: 1, minus: 1 }, (t) => Math.abs(t) ** p);
    }
    case 'linear':
      return hermiteLink({ name: 'linear' }, 'linear', [0, 1], { q: 1, plus: 1, minus: -1 });
    case 'hermite': {
      const c = spec.coeffs;
      if (
        !Array.isArray(c) ||
        c.length < 1 ||
        c.length > HERMITE_COEFFS_MAX + 1 ||
        !c.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw new InputError(
          `link hermite: coeffs must be 1 to ${HERMITE_COEFFS_MAX + 1} finite numbers (got ${JSON.stringify(c)})`,
        );
      }
      return hermiteLink({ name: 'hermite', coeffs: [...c] }, `hermite(${c.join(',')})`, c, null);
    }
    case 'tanh': {
      const f = Math.tanh;
      const coeffs = quadHermite(f, 80);
      coeffs[0] = 0; // odd function: exactly 0 (and every even coefficient)
      for (let k = 2; k <= 80; k += 2) coeffs[k] = 0;
      return {
        spec: { name: 'tanh' },
        label: 'tanh',
        f,
        finiteDegree: null,
        mean: 0,
        secondMoment: gaussianExpectation((t) => Math.tanh(t) ** 2),
        informationExponent: 1,
        piecewisePower: null,
        kinks: [],
        hermite: (K) => {
          checkOrder(K);
          if (K <= 80) return coeffs.slice(0, K + 1);
          const c = quadHermite(f, K);
          for (let k = 0; k <= K; k += 2) c[k] = 0;
          return c;
        },
      };
    }
    default:
      throw new InputError(
        `unknown link "${String((spec as { name: unknown }).name)}" (allowed: ${LINK_NAMES.join(', ')})`,
      );
  }
}

function hermiteLink(spec: LinkSpec, label: string, c: readonly number[], pp: PiecewisePower | null): Link {
  const coeffs = Float64Array.from(c);
  let second = 0;
  for (let k = 0; k < coeffs.length; k++) second += coeffs[k] * coeffs[k];
  return {
    spec,
    label,
    f: (t) => hermiteSeries(coeffs, t),
    finiteDegree: coeffs.length - 1,
    mean: coeffs[0],
    secondMoment: second,
    informationExponent: firstNonZero(coeffs, Math.sqrt(second)),
    piecewisePower: pp,
    kinks: [],
    hermite: (K) => {
      checkOrder(K);
      const out = new Float64Array(K + 1);
      for (let k = 0; k <= Math.min(K, coeffs.length - 1); k++) out[k] = coeffs[k];
      return out;
    },
  };
}
