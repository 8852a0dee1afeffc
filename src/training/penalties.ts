/**
 * Explicit flatness penalties with closed-form gradients (docs/math.md#algorithms, §6).
 *
 * Both are weighted sums over neurons of the Gauss–Newton trace parts
 *   A_j = (1/n) Σ_i σ(z_ij)²,   B_j = (a_j²/n) Σ_i σ′(z_ij)² q_i,   q_i = ‖x_i‖²,
 * so one routine serves both: with per-neuron weights α_j = ∂Φ/∂A_j, β_j = ∂Φ/∂B_j,
 *   ∂Φ/∂a_j = β_j · 2 B_j / a_j   (= β_j (2 a_j/n) Σ_i σ′² q_i),
 *   ∂Φ/∂w_j = (2/n) Σ_i [α_j σ σ′ + β_j a_j² σ′ σ″ q_i] x_i.
 * Gauss–Newton trace penalty Φ = Σ_j (A_j + B_j): α = β = 1.
 * Invariant penalty Φ = F* = Σ_j φ_j, φ_j = c_k A_j^{1/(k+1)} B_j^{k/(k+1)}:
 *   α_j = φ_j / ((k+1) A_j),  β_j = k φ_j / ((k+1) B_j)   (0 for a neuron with A_j B_j = 0, where φ_j
 *   has a kink: the zero subgradient).
 *
 * The per-neuron sums and the penalty's gradient coefficients come from the backend's `penaltyPass`,
 * one row block of Z = X Wᵀ at a time (memory O(block · m) like `dataPass`). A training step of
 * L + λΦ needs ∇L as well: `penalizedGradient` adds the loss's residuals and gradient to the same pass,
 * so the step costs one forward and one backward GEMM instead of two of each (∇L and ∇Φ apart).
 */
import type { Dataset } from '../data/dataset.js';
import { squaredNorms } from '../data/dataset.js';
import { getBackend } from '../linalg/backend.js';
import { requireHomogeneous } from '../model/activations.js';
import { blockRows, checkShapes, dataPass, type Network } from '../model/network.js';
import { invariantFromParts } from '../symmetry/invariant.js';

/** A flatness penalty's value and its exact gradient (∂/∂a, ∂/∂W). */
export interface PenaltyValue {
  value: number;
  ga: Float64Array;
  gW: Float64Array;
}

/** What one fused pass returns: the normalized parts, the gradient of Σ(αA + βB) [+ L], and L. */
interface PassResult {
  A: Float64Array;
  B: Float64Array;
  ga: Float64Array;
  gW: Float64Array;
  /** L(θ) when the pass included the loss, else 0. */
  loss: number;
}

/**
 * Gradient of s·Σ_j (α_j A_j + β_j B_j) (+ L when `withLoss`) with the weights held fixed (the chain
 * rule through Φ(A, B)); α = β = null means all ones. Returns the parts A, B at θ as well.
 */
function fusedPass(
  net: Network,
  data: Dataset,
  alpha: Float64Array | null,
  beta: Float64Array | null,
  scale: number,
  withLoss: boolean,
): PassResult {
  checkShapes(net, data);
  const be = getBackend();
  const { m, d, act } = net;
  const { n, X, y } = data;
  const q = squaredNorms(data);
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const rb = withLoss ? new Float64Array(blk) : null;
  const Araw = new Float64Array(m);
  const Braw = new Float64Array(m);
  const gaLoss = withLoss ? new Float64Array(m) : null;
  const gW = new Float64Array(m * d);
  const { wA, wB } = kernelWeights(net, alpha, beta, scale);
  let sq = 0;
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const Xb = X.subarray(i0 * d, (i0 + rows) * d);
    be.gemm(false, true, rows, m, d, 1, Xb, net.W, 0, Z);
    if (rb) {
      be.forwardRows(act, Z, rows, m, net.a, rb);
      sq = residualRows(rb, y, i0, rows, sq);
    }
    be.penaltyPass(act, Z, rows, m, net.a, rb, q.subarray(i0, i0 + rows), wA, wB, gaLoss, Araw, Braw);
    be.gemm(true, false, m, d, rows, 1, Z, Xb, 1, gW);
  }
  const inv = 1 / n;
  for (let k = 0; k < m * d; k++) gW[k] *= inv;
  return { ...normalizedParts(net, { Araw, Braw, gaLoss }, beta, scale, inv), gW, loss: withLoss ? sq / (2 * n) : 0 };
}

/**
 * The penalty kernel's per-neuron weights: ∂(αA)/∂z = 2α σσ′/n and ∂(βB)/∂z = 2β a² σ′σ″ q/n (the 1/n
 * applied at the end).
 */
function kernelWeights(
  net: Network,
  alpha: Float64Array | null,
  beta: Float64Array | null,
  scale: number,
): { wA: Float64Array; wB: Float64Array } {
  const m = net.m;
  const wA = new Float64Array(m);
  const wB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    wA[j] = 2 * scale * (alpha ? alpha[j] : 1);
    wB[j] = 2 * scale * (beta ? beta[j] : 1) * net.a[j] * net.a[j];
  }
  return { wA, wB };
}

/** Turn the block's outputs `rb` into residuals f(x_i) − y_i in place; returns `sq` plus their squares, in row order. */
function residualRows(rb: Float64Array, y: Float64Array, i0: number, rows: number, sq: number): number {
  let s = sq;
  for (let i = 0; i < rows; i++) {
    const ri = rb[i] - y[i0 + i];
    rb[i] = ri;
    s += ri * ri;
  }
  return s;
}

/** The parts A, B normalized by n, and ∂/∂a of the pass (the loss's part, if any, plus the penalty's). */
function normalizedParts(
  net: Network,
  raw: { Araw: Float64Array; Braw: Float64Array; gaLoss: Float64Array | null },
  beta: Float64Array | null,
  scale: number,
  inv: number,
): { A: Float64Array; B: Float64Array; ga: Float64Array } {
  const { Araw, Braw, gaLoss } = raw;
  const m = net.m;
  const A = new Float64Array(m);
  const B = new Float64Array(m);
  const ga = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    A[j] = Araw[j] * inv;
    B[j] = net.a[j] * net.a[j] * Braw[j] * inv;
    // ∂(βB_j)/∂a_j = 2β B_j / a_j = 2β a_j Braw_j / n.
    const pen = scale * (beta ? beta[j] : 1) * 2 * net.a[j] * Braw[j];
    ga[j] = ((gaLoss ? gaLoss[j] : 0) + pen) * inv;
  }
  return { A, B, ga };
}

/**
 * Gradient of Σ_j (α_j A_j + β_j B_j) with the weights held fixed (the chain rule through Φ(A, B)).
 * Returns the raw parts A, B computed on the way as well.
 */
export function weightedPartsGradient(
  net: Network,
  data: Dataset,
  alpha: Float64Array | null,
  beta: Float64Array | null,
): { A: Float64Array; B: Float64Array; ga: Float64Array; gW: Float64Array } {
  const { A, B, ga, gW } = fusedPass(net, data, alpha, beta, 1, false);
  return { A, B, ga, gW };
}

/** The weights α_j = ∂F* / ∂A_j and β_j = ∂F* / ∂B_j at θ, and F* itself. */
function invariantWeights(net: Network, data: Dataset): { value: number; alpha: Float64Array; beta: Float64Array } {
  const k = requireHomogeneous(net.act, 'invariant-flatness penalty');
  const s = dataPass(net, data, { trace: true });
  const A = s.A as Float64Array;
  const B = s.B as Float64Array;
  const { value, perNeuron } = invariantFromParts(A, B, k);
  const alpha = new Float64Array(net.m);
  const beta = new Float64Array(net.m);
  for (let j = 0; j < net.m; j++) {
    if (A[j] > 0 && B[j] > 0) {
      alpha[j] = perNeuron[j] / ((k + 1) * A[j]);
      beta[j] = (k * perNeuron[j]) / ((k + 1) * B[j]);
    }
  }
  return { value, alpha, beta };
}

/**
 * One step's direction for min L + λΦ: the loss L(θ), the packed gradient ∇L + λ∇Φ (a first, then W
 * row by row, as `packParams`) and Φ(θ), for Φ the Gauss–Newton trace Σ_j (A_j + B_j) (`trace`) or F*
 * (`invariant`). One fused data pass (two for F*, whose weights need A, B at θ first).
 */
export function penalizedGradient(
  net: Network,
  data: Dataset,
  lambda: number,
  kind: 'trace' | 'invariant',
): { loss: number; g: Float64Array; penalty: number } {
  const w = kind === 'invariant' ? invariantWeights(net, data) : null;
  const r = fusedPass(net, data, w?.alpha ?? null, w?.beta ?? null, lambda, true);
  const g = new Float64Array(net.m * (net.d + 1));
  g.set(r.ga, 0);
  g.set(r.gW, net.m);
  let penalty = 0;
  if (w) penalty = w.value;
  else for (let j = 0; j < net.m; j++) penalty += r.A[j] + r.B[j];
  return { loss: r.loss, g, penalty };
}

/**
 * Φ = Σ_j (A_j + B_j), the Gauss–Newton part of Tr ∇²L, and its gradient.
 *
 * @example
 * ```ts
 * import { makeDataset, teacherInterpolator, traceGaussNewtonPenalty } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const p = traceGaussNewtonPenalty(teacher, data);
 * console.log(p.value > 0, p.ga.length === teacher.m); // true true
 * ```
 */
export function traceGaussNewtonPenalty(net: Network, data: Dataset): PenaltyValue {
  const r = weightedPartsGradient(net, data, null, null);
  let value = 0;
  for (let j = 0; j < net.m; j++) value += r.A[j] + r.B[j];
  return { value, ga: r.ga, gW: r.gW };
}

/**
 * Φ = F* (docs/math.md#invariant-flatness, §4) and its gradient through the chain rule on (A_j, B_j).
 *
 * @example
 * ```ts
 * import { invariantFlatness, invariantPenalty, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const p = invariantPenalty(teacher, data);
 * console.log(Math.abs(p.value - invariantFlatness(teacher, data).value) < 1e-12 * p.value, p.gW.length === teacher.W.length); // true true
 * ```
 */
export function invariantPenalty(net: Network, data: Dataset): PenaltyValue {
  const { value, alpha, beta } = invariantWeights(net, data);
  const r = weightedPartsGradient(net, data, alpha, beta);
  return { value, ga: r.ga, gW: r.gW };
}
