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
 * The per-neuron sums are composed from the backend's GEMM and `activate` kernels, one row block of
 * Z = X Wᵀ at a time, so memory stays O(block · m) like `dataPass`.
 */
import type { Dataset } from '../data/dataset.js';
import { squaredNorms } from '../data/dataset.js';
import { getBackend } from '../linalg/backend.js';
import { requireHomogeneous } from '../model/activations.js';
import { blockRows, type Network, dataPass } from '../model/network.js';
import { invariantFromParts } from '../symmetry/invariant.js';

export interface PenaltyValue {
  value: number;
  ga: Float64Array;
  gW: Float64Array;
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
  const be = getBackend();
  const { m, d, act } = net;
  const { n, X } = data;
  const q = squaredNorms(data);
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const S0 = new Float64Array(blk * m);
  const S1 = new Float64Array(blk * m);
  // σ″ vanishes a.e. for the piecewise-linear degree-1 activations (relu, leaky-relu, abs).
  const needS2 = act.degree !== 1;
  const S2 = needS2 ? new Float64Array(blk * m) : null;
  const Araw = new Float64Array(m);
  const Braw = new Float64Array(m);
  const gW = new Float64Array(m * d);
  const a2 = new Float64Array(m);
  for (let j = 0; j < m; j++) a2[j] = net.a[j] * net.a[j];
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const len = rows * m;
    const Xb = X.subarray(i0 * d, (i0 + rows) * d);
    be.gemm(false, true, rows, m, d, 1, Xb, net.W, 0, Z);
    be.activate(act, Z, len, 0, S0);
    be.activate(act, Z, len, 1, S1);
    if (S2) be.activate(act, Z, len, 2, S2);
    for (let i = 0; i < rows; i++) {
      const qi = q[i0 + i];
      const o = i * m;
      for (let j = 0; j < m; j++) {
        const s0 = S0[o + j];
        const s1 = S1[o + j];
        Araw[j] += s0 * s0;
        Braw[j] += s1 * s1 * qi;
        const aw = alpha ? alpha[j] : 1;
        const bw = beta ? beta[j] : 1;
        // Reuse Z as the block's coefficient matrix G (rows × m); then gW += Gᵀ X_b.
        Z[o + j] = 2 * (aw * s0 * s1 + (S2 ? bw * a2[j] * s1 * S2[o + j] * qi : 0));
      }
    }
    be.gemm(true, false, m, d, rows, 1, Z, Xb, 1, gW);
  }
  const inv = 1 / n;
  for (let k = 0; k < m * d; k++) gW[k] *= inv;
  const A = new Float64Array(m);
  const B = new Float64Array(m);
  const ga = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    A[j] = Araw[j] * inv;
    B[j] = a2[j] * Braw[j] * inv;
    ga[j] = (beta ? beta[j] : 1) * 2 * net.a[j] * Braw[j] * inv;
  }
  return { A, B, ga, gW };
}

/** Φ = Σ_j (A_j + B_j), the Gauss–Newton part of Tr ∇²L, and its gradient. */
export function traceGaussNewtonPenalty(net: Network, data: Dataset): PenaltyValue {
  const r = weightedPartsGradient(net, data, null, null);
  let value = 0;
  for (let j = 0; j < net.m; j++) value += r.A[j] + r.B[j];
  return { value, ga: r.ga, gW: r.gW };
}

/** Φ = F* (docs/math.md#invariant-flatness, §4) and its gradient through the chain rule on (A_j, B_j). */
export function invariantPenalty(net: Network, data: Dataset): PenaltyValue {
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
  const r = weightedPartsGradient(net, data, alpha, beta);
  return { value, ga: r.ga, gW: r.gW };
}
