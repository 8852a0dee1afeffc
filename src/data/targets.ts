/**
 * Teachers f* (docs/math.md#data, §1): validation of a TargetSpec, a builder, the tiny link syntax of the CLI and
 * specs, evaluation on a batch of inputs, and the moments of f*(x) (mean, E f*², Var f*).
 *
 * Link syntax: sum targets `relu+abs`, `relu-pow:2`, `abs-pow:3`, `hermite:0,0,0,1`, `tanh`, `sign`, `linear`
 * (one link repeated for all r indices, or exactly r links joined by '+'); multi-index targets
 * `product`, `max`, `norm`.
 */
import { InputError } from '../errors.js';
import { Rng } from '../rng/xoshiro.js';
import { currentSpelling } from '../spellings.js';
import { type IndexKind, indexMatrix, orthonormalityDefect } from './index-matrix.js';
import { checkInputSpec, sampleInputs } from './inputs.js';
import { LINK_NAMES, type Link, makeLink } from './links.js';
import { gaussianExpectation } from './quadrature.js';
import { lgamma, normalCdf } from './special.js';
import { type InputSpec, type LinkSpec, MULTI_LINKS, type MultiLink, type TargetSpec } from './target.js';

const ORTHONORMAL_TOL = 1e-8;

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A target's d (≥ 1) and r (in [1, d]). */
function validateSizes(d: unknown, r: unknown, where: string): { D: number; R: number } {
  if (!Number.isInteger(d) || (d as number) < 1)
    throw new InputError(`${where}.d must be an integer ≥ 1 (got ${JSON.stringify(d)})`);
  if (!Number.isInteger(r) || (r as number) < 1 || (r as number) > (d as number)) {
    throw new InputError(`${where}.r must be an integer in [1, d = ${d}] (got ${JSON.stringify(r)})`);
  }
  return { D: d as number, R: r as number };
}

/** A target's U: r rows of d finite numbers, orthonormal. */
function validateIndexMatrix(U: unknown, R: number, D: number, where: string): number[][] {
  if (!Array.isArray(U) || U.length !== R)
    throw new InputError(`${where}.U must have r = ${R} rows (got ${Array.isArray(U) ? U.length : JSON.stringify(U)})`);
  U.forEach((row, l) => {
    if (!Array.isArray(row) || row.length !== D)
      throw new InputError(
        `${where}.U[${l}] must have d = ${D} entries (got ${Array.isArray(row) ? row.length : JSON.stringify(row)})`,
      );
    row.forEach((v, k) => {
      if (!isNum(v)) throw new InputError(`${where}.U[${l}][${k}] is not a finite number (got ${JSON.stringify(v)})`);
    });
  });
  const defect = orthonormalityDefect(U as number[][]);
  if (defect > ORTHONORMAL_TOL)
    throw new InputError(`${where}.U rows must be orthonormal (max |UUᵀ − I| = ${defect.toExponential(2)})`);
  return U as number[][];
}

/** A sum target's r links, each a valid link spec. */
function validateLinks(links: unknown, R: number, where: string): LinkSpec[] {
  if (!Array.isArray(links) || links.length !== R)
    throw new InputError(
      `${where}.links must be a list of r = ${R} links (got ${Array.isArray(links) ? links.length : JSON.stringify(links)})`,
    );
  return links.map((l, i) => {
    try {
      return makeLink(l as LinkSpec).spec;
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${where}.links[${i}]: ${e.message}`);
      throw e;
    }
  });
}

/** Validate a parsed JSON value as a TargetSpec (InputError with a one-line message naming the field). */
export function validateTarget(raw: unknown, where = 'target'): TargetSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${where} must be an object`);
  const t = raw as Record<string, unknown>;
  const kind = t.kind;
  if (kind !== 'sum' && kind !== 'multi')
    throw new InputError(`${where}.kind must be "sum" or "multi" (got ${JSON.stringify(kind)})`);
  const { D, R } = validateSizes(t.d, t.r, where);
  const U = validateIndexMatrix(t.U, R, D, where);
  const noise = t.noise;
  if (!isNum(noise) || noise < 0)
    throw new InputError(`${where}.noise must be a finite number ≥ 0 (got ${JSON.stringify(noise)})`);
  const input = checkInputSpec(t.input, D, `${where}.input`);
  const Ucopy = U.map((row) => [...row]);
  if (kind === 'multi') {
    const link = t.link;
    if (typeof link !== 'string' || !MULTI_LINKS.includes(link as MultiLink)) {
      throw new InputError(
        `unknown multi-index link ${JSON.stringify(link)} in ${where}.link (allowed: ${MULTI_LINKS.join(', ')})`,
      );
    }
    return { kind, d: D, r: R, U: Ucopy, link: link as MultiLink, noise, input };
  }
  const specs = validateLinks(t.links, R, where);
  const coeffs = t.coeffs;
  if (!Array.isArray(coeffs) || coeffs.length !== R || !coeffs.every(isNum)) {
    throw new InputError(`${where}.coeffs must be a list of r = ${R} finite numbers (got ${JSON.stringify(coeffs)})`);
  }
  return { kind, d: D, r: R, U: Ucopy, links: specs, coeffs: [...coeffs], noise, input };
}

/** One link from the syntax `relu`, `relu-pow:2`, `abs-pow:3`, `hermite:0,0,1`. */
export function parseLinkSyntax(text: string): LinkSpec {
  const s = text.trim();
  const i = s.indexOf(':');
  const name = currentSpelling(i < 0 ? s : s.slice(0, i)); // relu_pow: deprecated spelling
  const arg = i < 0 ? undefined : s.slice(i + 1);
  const nums = (what: string): number[] => {
    if (arg === undefined || arg.trim() === '')
      throw new InputError(
        `link ${name} needs ${what} (e.g. ${name === 'relu-pow' || name === 'abs-pow' ? `${name}:2` : 'hermite:0,0,0,1'})`,
      );
    return arg.split(',').map((v) => {
      const x = v.trim() === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(x)) throw new InputError(`link ${name}: "${v}" is not a number`);
      return x;
    });
  };
  let spec: LinkSpec;
  switch (name) {
    case 'relu-pow':
    case 'abs-pow': {
      const p = nums('an exponent p');
      if (p.length !== 1) throw new InputError(`link ${name} takes one exponent (got "${arg}")`);
      spec = { name, p: p[0] };
      break;
    }
    case 'hermite':
      spec = { name, coeffs: nums('coefficients') };
      break;
    case 'relu':
    case 'abs':
    case 'linear':
    case 'tanh':
    case 'sign':
      if (arg !== undefined) throw new InputError(`link ${name} takes no parameter (got "${s}")`);
      spec = { name };
      break;
    default:
      throw new InputError(`unknown link "${name}" (allowed: ${[...LINK_NAMES, ...MULTI_LINKS].join(', ')})`);
  }
  return makeLink(spec).spec;
}

/** The links parsed from the link syntax: sum links, or one multi-index link. */
export type LinksChoice = { kind: 'sum'; links: LinkSpec[] } | { kind: 'multi'; link: MultiLink };

/**
 * `relu+abs` (r sum links; a single link is repeated r times) or `product` / `max` / `norm`.
 *
 * @example
 * ```ts
 * import { parseLinksSyntax } from 'flatlab';
 *
 * console.log(parseLinksSyntax('relu+relu-pow:2', 2)); // { kind: 'sum', links: [{ name: 'relu' }, { name: 'relu-pow', p: 2 }] }
 * console.log(parseLinksSyntax('product', 2)); // { kind: 'multi', link: 'product' }
 * ```
 */
export function parseLinksSyntax(text: string, r: number): LinksChoice {
  const s = text.trim();
  if ((MULTI_LINKS as readonly string[]).includes(s)) return { kind: 'multi', link: s as MultiLink };
  const parts = s.split('+');
  for (const p of parts)
    if ((MULTI_LINKS as readonly string[]).includes(p.trim()))
      throw new InputError(`links: the multi-index link "${p.trim()}" cannot be combined with '+'`);
  const links = parts.map(parseLinkSyntax);
  if (links.length === 1) return { kind: 'sum', links: Array.from({ length: r }, () => links[0]) };
  if (links.length !== r)
    throw new InputError(
      `links: got ${links.length} links for r = ${r} indices ("${s}"); give one link or exactly r joined by '+'`,
    );
  return { kind: 'sum', links };
}

/** The syntax back from a spec (for labels and file summaries). */
export function linksLabel(t: TargetSpec): string {
  if (t.kind === 'multi') return t.link;
  const one = (l: LinkSpec): string =>
    l.name === 'relu-pow' || l.name === 'abs-pow'
      ? `${l.name}:${l.p}`
      : l.name === 'hermite'
        ? `hermite:${l.coeffs.join(',')}`
        : l.name;
  const all = t.links.map(one);
  return all.every((s) => s === all[0]) ? all[0] : all.join('+');
}

/** What makeTarget takes: dimension, number of indices, links, and optionally weights, noise, input law and index matrix. */
export interface MakeTargetOptions {
  d: number;
  r: number;
  /** Link syntax (`relu+abs`, `product`, …) or explicit link specs. */
  links: string | LinkSpec[] | MultiLink;
  /** Sum targets: per-index weights (default all 1). */
  coeffs?: number[];
  noise?: number;
  input?: InputSpec;
  index?: IndexKind;
  /** Seed of the random index matrix (ignored for axes). */
  seed?: number;
}

/**
 * Build and validate a target.
 *
 * @example
 * ```ts
 * import { makeTarget, targetVariance } from 'flatlab';
 *
 * const t = makeTarget({ d: 10, r: 2, links: 'relu', seed: 0 });
 * console.log(targetVariance(t)); // Var f* of relu(u1ᵀx) + relu(u2ᵀx): 2 (1/2 − 1/(2π)) ≈ 0.682
 * ```
 */
export function makeTarget(o: MakeTargetOptions): TargetSpec {
  if (!Number.isInteger(o.d) || o.d < 1) throw new InputError(`d must be an integer ≥ 1 (got ${o.d})`);
  const U = indexMatrix(o.d, o.r, o.index ?? 'random', o.seed ?? 0);
  const choice: LinksChoice =
    typeof o.links === 'string' ? parseLinksSyntax(o.links, o.r) : { kind: 'sum', links: o.links };
  const base = { d: o.d, r: o.r, U, noise: o.noise ?? 0, input: o.input ?? { law: 'gaussian' as const } };
  const raw =
    choice.kind === 'multi'
      ? { kind: 'multi', ...base, link: choice.link }
      : { kind: 'sum', ...base, links: choice.links, coeffs: o.coeffs ?? Array.from({ length: o.r }, () => 1) };
  return validateTarget(raw, 'target');
}

interface Compiled {
  links: Link[] | null;
}
const compiled = new WeakMap<TargetSpec, Compiled>();
function compile(t: TargetSpec): Compiled {
  let c = compiled.get(t);
  if (!c) {
    c = { links: t.kind === 'sum' ? t.links.map(makeLink) : null };
    compiled.set(t, c);
  }
  return c;
}

/** The links of a sum target, built once per spec object. */
export function targetLinks(t: Extract<TargetSpec, { kind: 'sum' }>): Link[] {
  return compile(t).links as Link[];
}

/**
 * f*(x_i) for the n rows of X (row-major n×d). The projections u_lᵀx are plain loops in a fixed order
 * (not the backend) so labels are bit-identical whichever backend is active.
 *
 * @example
 * ```ts
 * import { evaluateTarget, makeTarget } from 'flatlab';
 *
 * const t = makeTarget({ d: 2, r: 1, links: 'abs', index: 'axes' });
 * console.log([...evaluateTarget(t, Float64Array.of(-3, 1, 2, 5), 2)]); // [3, 2]: |x1| per row
 * ```
 */
export function evaluateTarget(t: TargetSpec, X: Float64Array, n: number): Float64Array {
  const { d, r, U } = t;
  if (X.length < n * d) throw new InputError(`evaluateTarget: X has ${X.length} entries, expected n·d = ${n}·${d}`);
  const out = new Float64Array(n);
  const z = new Float64Array(r);
  const Uf = U.map((row) => Float64Array.from(row));
  const links = compile(t).links;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let l = 0; l < r; l++) {
      const u = Uf[l];
      let s = 0;
      for (let k = 0; k < d; k++) s += u[k] * X[o + k];
      z[l] = s;
    }
    out[i] = t.kind === 'sum' ? sumValue(t.coeffs, links as Link[], z) : multiValue(t.link, z);
  }
  return out;
}

function sumValue(coeffs: readonly number[], links: Link[], z: Float64Array): number {
  let s = 0;
  for (let l = 0; l < links.length; l++) s += coeffs[l] * links[l].f(z[l]);
  return s;
}

function multiValue(link: MultiLink, z: Float64Array): number {
  switch (link) {
    case 'product': {
      let p = 1;
      for (let l = 0; l < z.length; l++) p *= z[l];
      return p;
    }
    case 'max': {
      let m = -Infinity;
      for (let l = 0; l < z.length; l++) if (z[l] > m) m = z[l];
      return m;
    }
    case 'norm': {
      let s = 0;
      for (let l = 0; l < z.length; l++) s += z[l] * z[l];
      return Math.sqrt(s);
    }
  }
}

/** The mean, second moment and variance of f*(x), exact or Monte Carlo (then with a standard error). */
export interface TargetMoments {
  /** E f*(x). */
  mean: number;
  /** E f*(x)² — the population risk of the zero predictor. */
  secondMoment: number;
  /** Var f*(x) — the risk of the best constant predictor; Var(y) = Var f* + noise². */
  variance: number;
  method: 'exact' | 'montecarlo';
  /** Standard error of secondMoment (Monte Carlo only). */
  stderr?: number;
  samples?: number;
}

/** Monte Carlo settings for targetMoments (used only where no closed form applies). */
export interface MomentOptions {
  /** Monte Carlo sample count when no exact form applies (default 2^17). */
  samples?: number;
  seed?: number;
}

/**
 * Moments of f*(x). Exact for Gaussian inputs (the projections u_lᵀx are i.i.d. N(0, 1) because the
 * rows of U are orthonormal): sum targets from each link's mean and E g², product (mean 0, E f² = 1),
 * norm (chi distribution), max (1-D quadrature against the density r φ(t) Φ(t)^{r−1}). Other input
 * laws: Monte Carlo with `samples` draws (seeded; default seed 0), reported as such.
 *
 * @example
 * ```ts
 * import { makeTarget, targetMoments } from 'flatlab';
 *
 * const m = targetMoments(makeTarget({ d: 3, r: 1, links: 'relu', seed: 0 }));
 * console.log(m.method, m.mean, m.secondMoment); // 'exact', 1/√(2π) ≈ 0.399, 0.5
 * ```
 */
export function targetMoments(t: TargetSpec, opts: MomentOptions = {}): TargetMoments {
  if (t.input.law === 'gaussian') return t.kind === 'sum' ? gaussianSumMoments(t) : gaussianMultiMoments(t);
  return monteCarloMoments(t, opts);
}

/** The exact moments of a sum of links under Gaussian inputs: the links' moments, weighted. */
function gaussianSumMoments(t: Extract<TargetSpec, { kind: 'sum' }>): TargetMoments {
  const links = targetLinks(t);
  let mean = 0;
  let variance = 0;
  for (let l = 0; l < t.r; l++) {
    mean += t.coeffs[l] * links[l].mean;
    variance += t.coeffs[l] ** 2 * (links[l].secondMoment - links[l].mean ** 2);
  }
  return { mean, secondMoment: variance + mean * mean, variance, method: 'exact' };
}

/** The exact moments of a multi-index link under Gaussian inputs (closed forms; quadrature for max). */
function gaussianMultiMoments(t: Extract<TargetSpec, { kind: 'multi' }>): TargetMoments {
  const r = t.r;
  let mean: number;
  let second: number;
  switch (t.link) {
    case 'product':
      mean = 0;
      second = 1;
      break;
    case 'norm':
      mean = Math.SQRT2 * Math.exp(lgamma((r + 1) / 2) - lgamma(r / 2));
      second = r;
      break;
    case 'max':
      if (r === 1) {
        mean = 0;
        second = 1;
      } else {
        const dens = (x: number) => r * normalCdf(x) ** (r - 1);
        mean = gaussianExpectation((x) => x * dens(x));
        second = gaussianExpectation((x) => x * x * dens(x));
      }
      break;
  }
  return { mean, secondMoment: second, variance: second - mean * mean, method: 'exact' };
}

/** Monte Carlo moments for the other input laws, with the standard error of the second moment. */
function monteCarloMoments(t: TargetSpec, opts: MomentOptions): TargetMoments {
  const samples = opts.samples ?? 1 << 17;
  if (!Number.isInteger(samples) || samples < 2)
    throw new InputError(`samples must be an integer ≥ 2 (got ${samples})`);
  const rng = new Rng(opts.seed ?? 0);
  const chunk = 4096;
  const X = new Float64Array(chunk * t.d);
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (let done = 0; done < samples; done += chunk) {
    const rows = Math.min(chunk, samples - done);
    sampleInputs(t.input, t.d, rows, rng, X);
    const f = evaluateTarget(t, X, rows);
    for (let i = 0; i < rows; i++) {
      s1 += f[i];
      s2 += f[i] * f[i];
      s4 += f[i] ** 4;
    }
  }
  const mean = s1 / samples;
  const second = s2 / samples;
  const stderr = Math.sqrt(Math.max(0, s4 / samples - second * second) / (samples - 1));
  return {
    mean,
    secondMoment: second,
    variance: (second - mean * mean) * (samples / (samples - 1)),
    method: 'montecarlo',
    stderr,
    samples,
  };
}

/**
 * Var f*(x) (see targetMoments for the method).
 *
 * @example
 * ```ts
 * import { makeTarget, targetVariance } from 'flatlab';
 *
 * console.log(targetVariance(makeTarget({ d: 3, r: 1, links: 'linear', seed: 0 }))); // 1
 * ```
 */
export function targetVariance(t: TargetSpec, opts: MomentOptions = {}): number {
  return targetMoments(t, opts).variance;
}
