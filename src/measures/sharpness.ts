/**
 * Perturbation-based sharpness measures (docs/math.md#estimators, §8): worst-case ρ-sharpness by projected gradient
 * ascent, average-case sharpness under Gaussian weight noise, their adaptive versions (perturbation
 * scaled elementwise by |θ|), and PAC-Bayes flatness (the noise level σ reaching a target loss increase).
 *
 * Every measure works in ε-coordinates with δ = T ∘ ε, T = 1 (plain) or T = |θ| (adaptive). Under the
 * rescaling (a_j, w_j) ↦ (c^{-k} a_j, c w_j), T ∘ ε rescales exactly like θ, so θ + T∘ε moves to
 * rescale(θ + T∘ε, c), which has the same loss: the adaptive measures are invariant, the plain ones not.
 * All noise is drawn from seeds and reused across σ (common random numbers).
 */
import type { Dataset } from '../data/dataset.js';
import { gradient, loss, type Network, packParams, paramCount, unpackParams } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';
import { norm2 } from './vec.js';

function perturbationScale(theta: Float64Array, adaptive: boolean): Float64Array {
  return adaptive ? theta.map(Math.abs) : new Float64Array(theta.length).fill(1);
}

function shifted(theta: Float64Array, T: Float64Array, eps: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < theta.length; i++) out[i] = theta[i] + T[i] * eps[i];
  return out;
}

export interface AscentOptions {
  rho: number;
  steps: number;
  restarts: number;
  seed: number;
  adaptive: boolean;
}

export interface AscentResult {
  /** max found of L(θ + T∘ε) − L(θ) over ‖ε‖₂ ≤ ρ: a lower bound of the true maximum. */
  readonly value: number;
  readonly baseLoss: number;
  readonly evaluations: number;
}

/**
 * Worst-case sharpness max_{‖ε‖₂ ≤ ρ} L(θ + T∘ε) − L(θ) by normalized projected gradient ascent:
 * one start along the (scaled) gradient — the SAM perturbation, unless the fit is exact to rounding — plus
 * `restarts` random starts on the sphere, step ρ/√(s+1) at step s, projection back onto the ball.
 */
export function ascentSharpness(net: Network, data: Dataset, o: AscentOptions): AscentResult {
  const theta = packParams(net);
  const P = theta.length;
  const T = perturbationScale(theta, o.adaptive);
  const base = gradient(net, data);
  const L0 = base.loss;
  let best = L0;
  let evaluations = 1;
  if (o.rho === 0) return Object.freeze({ value: 0, baseLoss: L0, evaluations });
  const gEps = new Float64Array(P);
  const work = new Float64Array(P);
  const starts = ascentStarts(base, T, L0, data, o, gEps);
  const run = { net, data, theta, T, o, gEps, work };
  for (const eps of starts) {
    const r = ascend(run, eps);
    best = Math.max(best, r.best);
    evaluations += r.evaluations;
  }
  return Object.freeze({ value: best - L0, baseLoss: L0, evaluations });
}

/** The ascent's starts on the sphere of radius ρ: the scaled gradient (unless the fit is exact), then random ones. */
function ascentStarts(
  base: { ga: Float64Array; gW: Float64Array },
  T: Float64Array,
  L0: number,
  data: Dataset,
  o: AscentOptions,
  gEps: Float64Array,
): Float64Array[] {
  const P = T.length;
  const starts: Float64Array[] = [];
  const g0 = packGrad(base.ga, base.gW, gEps);
  for (let i = 0; i < P; i++) g0[i] *= T[i];
  const ng0 = norm2(g0);
  // At an interpolator (loss at rounding level) the gradient is rounding noise: its direction differs
  // between two points of one rescaling orbit and would make the invariant (adaptive) measure vary.
  if (ng0 > 0 && !atRoundingLevel(L0, data)) starts.push(g0.map((g) => (o.rho * g) / ng0));
  const rng = new Rng(deriveSeed(o.seed, 'ascent', o.adaptive ? 'adaptive' : 'plain'));
  for (let r = 0; r < o.restarts; r++) {
    const xi = rng.fillNormal(new Float64Array(P));
    const nx = norm2(xi);
    starts.push(xi.map((x) => (o.rho * x) / nx));
  }
  return starts;
}

/** What one ascent needs: the network and data, θ and the scale T, the options and two work buffers. */
interface AscentRun {
  net: Network;
  data: Dataset;
  theta: Float64Array;
  T: Float64Array;
  o: AscentOptions;
  gEps: Float64Array;
  work: Float64Array;
}

/** Projected gradient ascent on L(θ + T∘ε) from one start ε (updated in place): the largest loss seen and the evaluations. */
function ascend(run: AscentRun, eps: Float64Array): { best: number; evaluations: number } {
  const { net, data, theta, T, o, gEps, work } = run;
  const P = theta.length;
  let best = Number.NEGATIVE_INFINITY;
  let evaluations = 0;
  for (let s = 0; s <= o.steps; s++) {
    const at = unpackParams(net, shifted(theta, T, eps, work));
    if (s === o.steps) {
      best = Math.max(best, loss(at, data).loss);
      evaluations++;
      break;
    }
    const g = gradient(at, data);
    evaluations++;
    best = Math.max(best, g.loss);
    packGrad(g.ga, g.gW, gEps);
    for (let i = 0; i < P; i++) gEps[i] *= T[i];
    const ng = norm2(gEps);
    if (!(ng > 0)) break;
    const step = o.rho / Math.sqrt(s + 1);
    for (let i = 0; i < P; i++) eps[i] += (step * gEps[i]) / ng;
    const ne = norm2(eps);
    if (ne > o.rho) for (let i = 0; i < P; i++) eps[i] *= o.rho / ne;
  }
  return { best, evaluations };
}

/** A loss below (1e-12)² of the labels' mean square: the fit is exact to rounding, its gradient carries no direction. */
function atRoundingLevel(L: number, data: Dataset): boolean {
  let s = 0;
  for (let i = 0; i < data.n; i++) s += data.y[i] * data.y[i];
  return L <= 1e-24 * (s / data.n + Number.MIN_VALUE);
}

function packGrad(ga: Float64Array, gW: Float64Array, out: Float64Array): Float64Array {
  out.set(ga, 0);
  out.set(gW, ga.length);
  return out;
}

export interface NoiseOptions {
  sigma: number;
  samples: number;
  seed: number;
  adaptive: boolean;
}

export interface NoiseResult {
  /** Mean over samples of L(θ + σ T∘ξ) − L(θ), ξ ~ N(0, I). */
  readonly value: number;
  readonly stderr: number;
  readonly baseLoss: number;
}

/** The fixed noise directions ξ_1..ξ_M of a seed (common random numbers across σ and orbit points). */
function noiseDirections(P: number, samples: number, seed: number, tag: string): Float64Array[] {
  const rng = new Rng(deriveSeed(seed, 'weight-noise', tag));
  return Array.from({ length: samples }, () => rng.fillNormal(new Float64Array(P)));
}

function noiseIncrease(
  net: Network,
  data: Dataset,
  theta: Float64Array,
  T: Float64Array,
  dirs: Float64Array[],
  sigma: number,
  L0: number,
): { mean: number; stderr: number } {
  const P = theta.length;
  const work = new Float64Array(P);
  const eps = new Float64Array(P);
  const inc = dirs.map((xi) => {
    for (let i = 0; i < P; i++) eps[i] = sigma * xi[i];
    return loss(unpackParams(net, shifted(theta, T, eps, work)), data).loss - L0;
  });
  const mean = inc.reduce((a, b) => a + b, 0) / inc.length;
  const sd = inc.length > 1 ? Math.sqrt(inc.reduce((a, b) => a + (b - mean) ** 2, 0) / (inc.length - 1)) : Number.NaN;
  return { mean, stderr: sd / Math.sqrt(inc.length) };
}

/** Average-case sharpness E_ξ L(θ + σ T∘ξ) − L(θ) by Monte Carlo with seeded directions. */
export function averageSharpness(net: Network, data: Dataset, o: NoiseOptions): NoiseResult {
  const theta = packParams(net);
  const T = perturbationScale(theta, o.adaptive);
  const L0 = loss(net, data).loss;
  const dirs = noiseDirections(paramCount(net), o.samples, o.seed, o.adaptive ? 'adaptive' : 'plain');
  const r = noiseIncrease(net, data, theta, T, dirs, o.sigma, L0);
  return Object.freeze({ value: r.mean, stderr: r.stderr, baseLoss: L0 });
}

export interface PacBayesOptions {
  /** Target expected loss increase (absolute). */
  target: number;
  samples: number;
  steps: number;
  seed: number;
}

export interface PacBayesResult {
  /** The flatness measure 1/σ*² (Jiang et al. 2020, "pacbayes.flatness"). */
  readonly value: number;
  /** σ* with E L(θ + σ*ξ) − L(θ) ≈ target. */
  readonly sigma: number;
  /** False when σ* hit the search interval's edge. */
  readonly bracketed: boolean;
}

const PAC_SIGMA_MIN = 1e-8;
const PAC_SIGMA_MAX = 1e3;

/**
 * PAC-Bayes flatness: the largest isotropic noise level σ whose expected loss increase stays at the
 * target, found by bisection on log σ over [1e-8, 1e3] with fixed noise directions; reported as 1/σ².
 */
export function pacBayesFlatness(net: Network, data: Dataset, o: PacBayesOptions): PacBayesResult {
  const theta = packParams(net);
  const T = perturbationScale(theta, false);
  const L0 = loss(net, data).loss;
  const dirs = noiseDirections(theta.length, o.samples, o.seed, 'pac-bayes');
  const f = (s: number): number => noiseIncrease(net, data, theta, T, dirs, s, L0).mean - o.target;
  let lo = Math.log(PAC_SIGMA_MIN);
  let hi = Math.log(PAC_SIGMA_MAX);
  let bracketed = true;
  if (f(Math.exp(hi)) < 0) {
    lo = hi;
    bracketed = false;
  } else if (f(Math.exp(lo)) >= 0) {
    hi = lo;
    bracketed = false;
  } else {
    for (let s = 0; s < o.steps; s++) {
      const mid = 0.5 * (lo + hi);
      if (f(Math.exp(mid)) < 0) lo = mid;
      else hi = mid;
    }
  }
  const sigma = Math.exp(0.5 * (lo + hi));
  return Object.freeze({ value: 1 / (sigma * sigma), sigma, bracketed });
}
