/**
 * Damped Gauss–Newton (Levenberg–Marquardt) polish to an interpolator. With J the n×P Jacobian of the
 * outputs, each step is the minimum-norm correction δθ = −Jᵀ (J Jᵀ + μ I)⁻¹ r: it moves θ as little as
 * possible, so the flatness reached by the algorithm is kept while the residuals go to zero
 * (quadratically once the activation pattern settles), where plain GD crawls along ill-conditioned
 * directions. Cost per step: the n×n tangent kernel J Jᵀ = S₀S₀ᵀ + (S₁ diag(a²) S₁ᵀ) ∘ (X Xᵀ),
 * O(n²(m + d)), and an n×n Cholesky (src/linalg/solve.ts); used for n ≤ GN_MAX_N.
 */
import type { Dataset } from '../data/dataset.js';
import { getBackend } from '../linalg/backend.js';
import { type CholeskyFactors, cholesky, choleskySolve } from '../linalg/solve.js';
import { dataPass, type Network } from '../model/network.js';

export const GN_MAX_N = 3000;

export interface GnState {
  /** Current damping μ (relative to mean diag of J Jᵀ). */
  mu: number;
  /** The loss when the current stall window opened (null or absent before the first: the trainer's polish). */
  windowLoss?: number | null;
}

/**
 * The polish is stalled — and stops — when over GN_STALL_WINDOW iterations the loss fell by less than
 * the factor GN_STALL_FACTOR. Once the activation pattern has settled, Gauss–Newton gains orders of
 * magnitude in a few iterations, and before that it may crawl for up to ~20 iterations (measured on the
 * search tests: 3.8e-5 → 2.4e-5 in 20, then 1e-16 by iteration 33), so the window is 25. From an
 * iterate where no interpolator is near (the width barely m(d+1) ≈ n, or too narrow) it crawls by a few
 * per cent an iteration through the whole budget (8e-3 → 2.7e-3 in 100 iterations at
 * (d, n, m) = (20, 2000, 100)), which the stall rule cuts short.
 */
export const GN_STALL_WINDOW = 25;
export const GN_STALL_FACTOR = 0.5;

/** Record the polish's loss before iteration `iter`; true when the window just closed without progress. */
export function gnStalled(st: GnState, iter: number, loss: number): boolean {
  if (iter % GN_STALL_WINDOW !== 0) return false;
  const ref = st.windowLoss ?? null;
  const stalled = ref !== null && iter > 0 && loss > GN_STALL_FACTOR * ref;
  st.windowLoss = loss;
  return stalled;
}

/**
 * The Gauss–Newton kernel K = S₀S₀ᵀ + (S₁S₁ᵀ) ∘ (XXᵀ) of the residuals (n × n), with S₀ = σ(Z),
 * S₁ = σ′(Z) diag(a), Z = XWᵀ, and the mean of its diagonal (the damping's scale).
 */
function gnKernel(net: Network, data: Dataset): { K: Float64Array; S0: Float64Array; S1: Float64Array; diag: number } {
  const be = getBackend();
  const { m, d, act } = net;
  const { n, X } = data;
  const Z = new Float64Array(n * m);
  be.gemm(false, true, n, m, d, 1, X, net.W, 0, Z);
  const S0 = new Float64Array(n * m);
  const S1 = new Float64Array(n * m);
  be.activate(act, Z, n * m, 0, S0);
  be.activate(act, Z, n * m, 1, S1);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) S1[i * m + j] *= net.a[j];
  const K = new Float64Array(n * n);
  const G = new Float64Array(n * n);
  be.gemm(false, true, n, n, m, 1, S1, S1, 0, K);
  be.gemm(false, true, n, n, d, 1, X, X, 0, G);
  for (let p = 0; p < n * n; p++) K[p] *= G[p];
  be.gemm(false, true, n, n, m, 1, S0, S0, 1, K);
  let diag = 0;
  for (let i = 0; i < n; i++) diag += K[i * n + i];
  diag /= n;
  return { K, S0, S1, diag };
}

/** The parameter step from the dual solution α: δa = −S₀ᵀ α, δW = −(diag(α) S₁)ᵀ X (returned without the sign). */
function gnStep(
  alpha: Float64Array,
  S0: Float64Array,
  S1: Float64Array,
  X: Float64Array,
  sizes: { n: number; m: number; d: number },
): { da: Float64Array; dW: Float64Array } {
  const { n, m, d } = sizes;
  const da = new Float64Array(m);
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ai = alpha[i];
    for (let j = 0; j < m; j++) {
      da[j] += ai * S0[i * m + j];
      T[i * m + j] = ai * S1[i * m + j];
    }
  }
  const dW = new Float64Array(m * d);
  getBackend().gemm(true, false, m, d, n, 1, T, X, 0, dW);
  return { da, dW };
}

/**
 * Backtrack along the step before damping more: ReLU kinks make the full step overshoot while a
 * fraction t still shrinks every residual by about (1 − t) (the linearization is exact for t → 0).
 * Returns the first candidate below `baseLoss` (a full step lowers the damping), or null.
 */
function backtrack(
  net: Network,
  data: Dataset,
  step: { da: Float64Array; dW: Float64Array },
  baseLoss: number,
  st: GnState,
): { net: Network; loss: number } | null {
  const { m, d, act } = net;
  for (const t of [1, 0.5, 0.25]) {
    const a = net.a.slice();
    const W = net.W.slice();
    for (let j = 0; j < m; j++) a[j] -= t * step.da[j];
    for (let k = 0; k < m * d; k++) W[k] -= t * step.dW[k];
    const cand: Network = { act, m, d, a, W };
    const l = dataPass(cand, data).loss;
    if (l < baseLoss) {
      if (t === 1) st.mu = Math.max(st.mu / 3, 1e-12);
      return { net: cand, loss: l };
    }
  }
  return null;
}

/**
 * One accepted LM step (trying up to 12 dampings). Returns the new network and its loss, or null when
 * no damping decreased the loss (the polish then stops).
 */
export function gaussNewtonStep(net: Network, data: Dataset, st: GnState): { net: Network; loss: number } | null {
  const { m, d } = net;
  const { n, X } = data;
  const base = dataPass(net, data);
  const { K, S0, S1, diag } = gnKernel(net, data);
  for (let attempt = 0; attempt < 12; attempt++) {
    const L = K.slice();
    const damp = st.mu * diag;
    for (let i = 0; i < n; i++) L[i * n + i] += damp;
    let fac: CholeskyFactors;
    try {
      fac = cholesky(L, n);
    } catch {
      // Not numerically positive definite at this damping: damp more.
      st.mu *= 10;
      continue;
    }
    const alpha = choleskySolve(fac, base.r);
    const accepted = backtrack(net, data, gnStep(alpha, S0, S1, X, { n, m, d }), base.loss, st);
    if (accepted) return accepted;
    st.mu *= 10;
  }
  return null;
}
