/**
 * What each view shows, computed from the core's functions only (no formula is re-derived here):
 * readouts (loss, risk, F, F*, path norm), the symmetry-orbit transform, the neuron scatter, the
 * f / f* heatmap and the F-along-the-orbit curve. Pure and synchronous; the worker calls it.
 */
import { traceParts } from '../../src/flatness/trace.js';
import { requireHomogeneous } from '../../src/model/activations.js';
import { forward, type Network } from '../../src/model/network.js';
import { deriveSeed } from '../../src/rng/xoshiro.js';
import { invariantFlatness } from '../../src/symmetry/invariant.js';
import { neuronMasses, pathNorm, randomFactors, rescale, rowNorm } from '../../src/symmetry/rescale.js';
import type { Problem } from './science.js';

export interface Readouts {
  loss: number;
  risk: number | null;
  /** F = Tr ∇²L, exact. */
  F: number;
  /** F* = min over the orbit of the Gauss–Newton trace. */
  fStar: number;
  /** Σ_j (A_j + B_j). */
  Fgn: number;
  pathNorm: number;
  maxResidual: number;
}

export function measure(net: Network, problem: Problem): Readouts {
  const parts = traceParts(net, problem.data);
  const inv = invariantFlatness(net, problem.data, parts);
  return {
    loss: parts.loss,
    risk: problem.risk(net),
    F: parts.trace,
    fStar: inv.value,
    Fgn: parts.traceGaussNewton,
    pathNorm: pathNorm(net),
    maxResidual: parts.maxResidual,
  };
}

export interface SymmetryView {
  /** log₁₀ of the slider's c. */
  symLog: number;
  symMode: 'global' | 'per-neuron';
  balanced: boolean;
}

/** Fixed per-neuron exponents ξ_j ∈ [−1, 1] as factors 10^{ξ_j} (a seeded random orbit direction). */
function orbitDirection(m: number, seed: number): Float64Array {
  return randomFactors(m, 1, deriveSeed(seed, 'playground-orbit'));
}

/** Per-neuron factors for slider position `symLog`. */
export function orbitFactors(m: number, view: SymmetryView, seed: number): Float64Array {
  if (view.symMode === 'global') return new Float64Array(m).fill(10 ** view.symLog);
  const base = orbitDirection(m, seed);
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) c[j] = base[j] ** view.symLog;
  return c;
}

/** The orbit's base point: θ itself, or its balanced point c* (factors from F*). */
export function orbitBase(net: Network, problem: Problem, balanced: boolean): Network {
  if (!balanced) return net;
  return rescale(net, invariantFlatness(net, problem.data).factors);
}

/** The network the views show: the trained θ moved along its symmetry orbit. */
export function displayed(net: Network, problem: Problem, view: SymmetryView, seed: number): Network {
  const base = orbitBase(net, problem, view.balanced);
  if (view.symLog === 0) return base;
  return rescale(base, orbitFactors(net.m, view, seed));
}

export interface NeuronPoint {
  /** ‖P_U w_j‖ / ‖w_j‖ ∈ [0, 1] (invariant). */
  align: number;
  /** |s_j| = |a_j| ‖w_j‖^k (invariant). */
  mass: number;
  /** |a_j| (changes along the orbit). */
  absA: number;
}

export function neuronView(net: Network, problem: Problem): NeuronPoint[] {
  const { U, r } = problem;
  const s = neuronMasses(net);
  const out: NeuronPoint[] = [];
  for (let j = 0; j < net.m; j++) {
    const norm = rowNorm(net, j);
    let proj = 0;
    for (let l = 0; l < r; l++) {
      let z = 0;
      for (let t = 0; t < net.d; t++) z += U[l * net.d + t] * net.W[j * net.d + t];
      proj += z * z;
    }
    out.push({ align: norm > 0 ? Math.sqrt(proj) / norm : 0, mass: Math.abs(s[j]), absA: Math.abs(net.a[j]) });
  }
  return out;
}

export interface Heatmap {
  /** Grid points per side; values row-major, row 0 at β = +extent (top). */
  G: number;
  extent: number;
  f: Float64Array;
  target: Float64Array;
}

/** The plane x = α u₁ + β u₂ sampled on a G×G grid (for r = 1, u₂ is a unit vector orthogonal to u₁). */
export interface Plane {
  G: number;
  extent: number;
  /** Grid inputs, row-major (G²)×d; row 0 of the grid at β = +extent (top). */
  X: Float64Array;
}

/** A unit vector orthogonal to the unit vector u₁: Gram–Schmidt of the coordinate axis least aligned with it. */
function orthogonalAxis(u1: Float64Array, d: number): Float64Array {
  let best = 0;
  for (let t = 1; t < d; t++) if (Math.abs(u1[t]) < Math.abs(u1[best])) best = t;
  const u2 = new Float64Array(d);
  u2[best] = 1;
  const dot = u1[best];
  let nrm = 0;
  for (let t = 0; t < d; t++) {
    u2[t] -= dot * u1[t];
    nrm += u2[t] * u2[t];
  }
  nrm = Math.sqrt(nrm);
  for (let t = 0; t < d; t++) u2[t] /= nrm;
  return u2;
}

export function plane(problem: Problem, G = 41, extent = 3): Plane | null {
  const { U, r } = problem;
  const d = problem.data.d;
  if (r > 2) return null;
  const u1 = U.subarray(0, d);
  const u2 = r === 2 ? U.subarray(d, 2 * d) : orthogonalAxis(u1, d);
  const X = new Float64Array(G * G * d);
  for (let row = 0; row < G; row++) {
    const beta = extent - (2 * extent * row) / (G - 1);
    for (let col = 0; col < G; col++) {
      const alpha = -extent + (2 * extent * col) / (G - 1);
      const o = (row * G + col) * d;
      for (let t = 0; t < d; t++) X[o + t] = alpha * u1[t] + beta * u2[t];
    }
  }
  return { G, extent, X };
}

export interface Heatmap {
  G: number;
  extent: number;
  f: Float64Array;
  target: Float64Array;
}

/** f on the plane; f* (fixed for a problem) is computed once by the caller and passed in. */
export function heatmap(net: Network, pl: Plane, target: Float64Array): Heatmap {
  return { G: pl.G, extent: pl.extent, f: forward(net, pl.X, pl.G * pl.G), target };
}

export interface OrbitCurve {
  symLog: number[];
  F: number[];
  fStar: number;
}

/** F along the orbit through the base point, for log₁₀ c ∈ [−3, 3]; F* is one number for all of it. */
export function orbitCurve(net: Network, problem: Problem, view: SymmetryView, seed: number, points = 49): OrbitCurve {
  requireHomogeneous(net.act, 'the symmetry view');
  const base = orbitBase(net, problem, view.balanced);
  const xs: number[] = [];
  const F: number[] = [];
  for (let i = 0; i < points; i++) {
    const s = -3 + (6 * i) / (points - 1);
    const moved = s === 0 ? base : rescale(base, orbitFactors(net.m, { ...view, symLog: s }, seed));
    xs.push(s);
    F.push(traceParts(moved, problem.data).trace);
  }
  return { symLog: xs, F, fStar: invariantFlatness(base, problem.data).value };
}
