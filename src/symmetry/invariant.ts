/**
 * Flatness modulo the symmetry (docs/math.md#invariant-flatness, §4). Under rescaling by c: A_j → c_j^{2k} A_j and
 * B_j → c_j^{-2} B_j, so the Gauss–Newton trace is minimized over the orbit at
 * c_j* = (B_j / (k A_j))^{1/(2k+2)}, with value
 * F*(θ) = Σ_j (k+1) k^{-k/(k+1)} A_j^{1/(k+1)} B_j^{k/(k+1)}   (k = 1: Σ_j 2√(A_j B_j)).
 * F* is the same number for every point of the orbit.
 */
import type { Dataset } from '../data/dataset.js';
import { type TraceParts, traceParts } from '../flatness/trace.js';
import { requireHomogeneous } from '../model/activations.js';
import type { Network } from '../model/network.js';
import { rescale, rowNorm } from './rescale.js';

/** F* with its per-neuron contributions and the optimal rescaling factors c*. */
export interface InvariantFlatness {
  /** F*(θ) = min over the orbit of the Gauss–Newton trace. */
  readonly value: number;
  /** Per-neuron contributions F*_j. */
  readonly perNeuron: Float64Array;
  /** Optimal factors c*; 1 for dead neurons (A_j = B_j = 0), which are left unscaled. */
  readonly factors: Float64Array;
  readonly parts: TraceParts;
}

/** F* from given trace parts (pure; exposed for training penalties). */
export function invariantFromParts(
  A: Float64Array,
  B: Float64Array,
  k: number,
): { value: number; perNeuron: Float64Array; factors: Float64Array } {
  const m = A.length;
  const perNeuron = new Float64Array(m);
  const factors = new Float64Array(m).fill(1);
  const cst = (k + 1) * k ** (-k / (k + 1));
  let value = 0;
  for (let j = 0; j < m; j++) {
    const Aj = A[j];
    const Bj = B[j];
    if (Aj > 0 && Bj > 0) {
      // Work in logs: A_j and B_j can span hundreds of orders of magnitude along an orbit.
      const la = Math.log(Aj);
      const lb = Math.log(Bj);
      perNeuron[j] = cst * Math.exp(la / (k + 1) + (k * lb) / (k + 1));
      factors[j] = Math.exp((lb - Math.log(k) - la) / (2 * k + 2));
    }
    value += perNeuron[j];
  }
  return { value, perNeuron, factors };
}

/**
 * The symmetry-invariant flatness F*(θ): the Hessian trace minimized over the rescaling orbit
 * (a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j), in closed form, F* = Σ_j 2√(k A_j B_j) (docs/math.md#invariant-flatness).
 * Needs a positively homogeneous activation; `parts` reuses a traceParts result.
 *
 * @example
 * ```ts
 * import { invariantFlatness, makeDataset, rescale, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const f = invariantFlatness(teacher, data).value;
 * console.log(Math.abs(invariantFlatness(rescale(teacher, 100), data).value - f) < 1e-9 * f); // true: F* does not move
 * ```
 */
export function invariantFlatness(net: Network, data: Dataset, parts?: TraceParts): InvariantFlatness {
  const k = requireHomogeneous(net.act, 'invariant flatness F*');
  const p = parts ?? traceParts(net, data);
  if (!needsScaling(net, p)) return { ...invariantFromParts(p.A, p.B, k), parts: p };
  // F* is orbit-invariant: compute it at a point where A_j and B_j are both of the scale of F*_j.
  const { net: scaled, logC } = massSplit(net, k);
  const ps = traceParts(scaled, data);
  const r = invariantFromParts(ps.A, ps.B, k);
  const factors = new Float64Array(net.m);
  for (let j = 0; j < net.m; j++) factors[j] = Math.exp(Math.log(r.factors[j]) + logC[j]);
  return { value: r.value, perNeuron: r.perNeuron, factors, parts: p };
}

/** Whether A_j, B_j lost range: non-finite, near the ends of the double range, or one underflowed to 0. */
function needsScaling(net: Network, p: TraceParts): boolean {
  for (let j = 0; j < net.m; j++) {
    const A = p.A[j];
    const B = p.B[j];
    if (!Number.isFinite(A) || !Number.isFinite(B)) return true;
    if (A === 0 && B === 0) continue; // a dead neuron
    if (A === 0 || B === 0 || A < 1e-280 || B < 1e-280 || A > 1e280 || B > 1e280) return true;
  }
  return false;
}

/**
 * The orbit point where |a_j| = ‖w_j‖ = s_j^{1/(k+1)}, s_j = |a_j| ‖w_j‖^k (all in logs): there A_j and B_j
 * scale like s_j^{2/(k+1)}, as F*_j does, so a representable F* is computed without underflow. Returns
 * the network and log c_j (the factors from the given point).
 */
function massSplit(net: Network, k: number): { net: Network; logC: Float64Array } {
  const { m, d } = net;
  const a = new Float64Array(net.a);
  const W = new Float64Array(net.W);
  const logC = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const r = rowNorm(net, j);
    if (net.a[j] === 0 || r === 0 || !Number.isFinite(r)) continue;
    const logR = Math.log(r);
    const logRoot = (Math.log(Math.abs(net.a[j])) + k * logR) / (k + 1);
    const root = Math.exp(logRoot);
    a[j] = Math.sign(net.a[j]) * root;
    for (let t = 0; t < d; t++) W[j * d + t] = (net.W[j * d + t] / r) * root;
    logC[j] = logRoot - logR;
  }
  return { net: { act: net.act, m, d, a, W }, logC };
}

/**
 * Move θ to the flattest point of its orbit (balancedness k A_j = B_j for every live neuron).
 *
 * @example
 * ```ts
 * import { balance, hessianTrace, invariantFlatness, makeDataset, rescale, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const b = balance(rescale(teacher, 7), data);
 * const fStar = invariantFlatness(teacher, data).value;
 * console.log(Math.abs(hessianTrace(b, data) - fStar) < 1e-9 * fStar); // true: at the balanced point the trace is F*
 * ```
 */
export function balance(net: Network, data: Dataset): Network {
  const inv = invariantFlatness(net, data);
  return rescale(net, inv.factors);
}
