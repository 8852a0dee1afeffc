/**
 * The direction each algorithm follows at one step (before the optimizer's update rule), on a given
 * batch. Every gradient comes from `gradient` in src/model/network.ts; the SAM family differs only in
 * the point where that gradient is taken.
 */
import type { Dataset } from '../data/dataset.js';
import { norm2 } from '../linalg/vec.js';
import { type DataPassBuffers, gradient, type Network, packParams, unpackParams } from '../model/network.js';
import { penalizedGradient } from './penalties.js';

// The data pass's own arrays, reused from step to step: flatGradient copies the gradient out, so
// nothing the caller holds points into them.
const scratch: DataPassBuffers = {};

/** ∇L on `data` as a flat vector θ-layout [ga, gW], with the loss. */
export function flatGradient(net: Network, data: Dataset): { loss: number; g: Float64Array } {
  const r = gradient(net, data, scratch);
  scratch.r = r.r;
  scratch.ga = r.ga;
  scratch.gW = r.gW;
  const g = new Float64Array(net.m * (net.d + 1));
  g.set(r.ga, 0);
  g.set(r.gW, net.m);
  return { loss: r.loss, g };
}

// One ‖·‖₂ for the whole tree (src/linalg/vec.ts); re-exported for the trainer.
export { norm2 };

/** SAM ascent step ε = ρ g/‖g‖ (0 when g = 0). */
export function samEpsilon(g: Float64Array, rho: number): Float64Array {
  const nrm = norm2(g);
  const eps = new Float64Array(g.length);
  if (nrm > 0) for (let p = 0; p < g.length; p++) eps[p] = (rho * g[p]) / nrm;
  return eps;
}

/** ASAM's normalization operator T_θ = |θ| + η (element-wise; Kwon et al. 2021, eq. for T^{element}). */
export function asamScale(theta: Float64Array, eta: number): Float64Array {
  const T = new Float64Array(theta.length);
  for (let p = 0; p < theta.length; p++) T[p] = Math.abs(theta[p]) + eta;
  return T;
}

/** ASAM ascent step ε = ρ T² g / ‖T g‖ (T = I gives SAM's ε). */
export function asamEpsilon(g: Float64Array, T: Float64Array, rho: number): Float64Array {
  let s = 0;
  for (let p = 0; p < g.length; p++) s += (T[p] * g[p]) ** 2;
  const nrm = Math.sqrt(s);
  const eps = new Float64Array(g.length);
  if (nrm > 0) for (let p = 0; p < g.length; p++) eps[p] = (rho * T[p] * T[p] * g[p]) / nrm;
  return eps;
}

/** ∇L(θ + ε) on `data`. */
export function perturbedGradient(net: Network, data: Dataset, eps: Float64Array): Float64Array {
  const theta = packParams(net);
  for (let p = 0; p < theta.length; p++) theta[p] += eps[p];
  return flatGradient(unpackParams(net, theta), data).g;
}

/** Rows [i0, i1) of a data set (a view, no copy). */
export function sliceRows(data: Dataset, i0: number, i1: number): Dataset {
  return { n: i1 - i0, d: data.d, X: data.X.subarray(i0 * data.d, i1 * data.d), y: data.y.subarray(i0, i1) };
}

/**
 * 1-SAM / m-sharpness: split the batch into consecutive micro-batches of `micro` rows, take a SAM step
 * on each (its own ascent direction), and average the perturbed gradients weighted by micro-batch size.
 */
export function microSamDirection(net: Network, data: Dataset, rho: number, micro: number): Float64Array {
  const P = net.m * (net.d + 1);
  const out = new Float64Array(P);
  for (let i0 = 0; i0 < data.n; i0 += micro) {
    const i1 = Math.min(data.n, i0 + micro);
    const sub = sliceRows(data, i0, i1);
    const g = flatGradient(net, sub).g;
    const gp = perturbedGradient(net, sub, samEpsilon(g, rho));
    const w = (i1 - i0) / data.n;
    for (let p = 0; p < P; p++) out[p] += w * gp[p];
  }
  return out;
}

/**
 * The direction of a step of min L + λΦ for the Gauss–Newton-trace (kind 'trace') or invariant (kind
 * 'invariant') penalty: L, ∇L + λ∇Φ, and Φ(θ) (0 when λ = 0, where the step is plain gradient descent
 * and Φ is not computed).
 */
export function penalizedDirection(
  net: Network,
  data: Dataset,
  lambda: number,
  kind: 'trace' | 'invariant',
): { loss: number; g: Float64Array; penalty: number } {
  if (lambda === 0) return { ...flatGradient(net, data), penalty: 0 };
  return penalizedGradient(net, data, lambda, kind);
}
