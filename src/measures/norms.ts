/**
 * Norm-based measures and relative flatness.
 *
 * Fisher–Rao norm (Liang, Poggio, Rakhlin & Stokes 2019): ‖θ‖²_fr = E_x ⟨θ, ∇_θ f(x)⟩², the model-Fisher
 * quadratic form θᵀ (JᵀJ/n) θ on the training inputs. For a k-homogeneous σ, Euler's identity
 * σ′(t) t = k σ(t) gives ⟨θ, ∇_θ f⟩ = Σ_j a_j σ(z_j) + Σ_j a_j σ′(z_j) z_j = (k + 1) f, hence
 * ‖θ‖_fr = (k + 1) √(mean_i f(x_i)²) — a function of f only, so invariant under the rescaling.
 *
 * Relative flatness (Petzka et al. 2021) on the first layer, w_s = row s of W:
 *   κ = Σ_{s,s'} ⟨w_s, w_s'⟩ Tr H_{w_s, w_s'}.
 * With H_{w_s w_s'} = (1/n) Σ_i [a_s a_s' σ′_is σ′_is' + δ_ss' r_i a_s σ″_is] x_i x_iᵀ, the double sum
 * collapses to  κ = (1/n) Σ_i ‖x_i‖² ‖∇_x f(x_i)‖² + Σ_s ‖w_s‖² C_s,  with ∇_x f(x) = Σ_s a_s σ′(z_s) w_s
 * and C_s the residual trace part. Both terms are invariant under the rescaling (∇_x f depends on f
 * only; ‖w_s‖² C_s picks up c² · c^{-2}).
 */
import type { Dataset } from '../data/dataset.js';
import { squaredNorms } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { traceParts } from '../flatness/trace.js';
import { getBackend } from '../linalg/backend.js';
import { requireHomogeneous } from '../model/activations.js';
import { blockRows, forward, type Network, packParams } from '../model/network.js';
import { lanczos } from './lanczos.js';
import type { CurvatureOperator } from './operators.js';

/** ‖θ‖₂ = √(‖a‖² + ‖W‖_F²). */
export function frobeniusNorm(net: Network): number {
  let s = 0;
  for (let j = 0; j < net.m; j++) s += net.a[j] * net.a[j];
  for (let k = 0; k < net.W.length; k++) s += net.W[k] * net.W[k];
  return Math.sqrt(s);
}

/**
 * ‖W‖₂, the largest singular value of the first layer: the top eigenvalue of WᵀW (d×d) by Lanczos with
 * full reorthogonalization (exact once the Krylov space reaches dimension d; power iteration can stall
 * when the top two singular values are close).
 */
export function spectralNorm(net: Network, seed = 0): number {
  const be = getBackend();
  const { m, d, W } = net;
  const tmp = new Float64Array(m);
  const op: CurvatureOperator = {
    name: 'WtW',
    dim: d,
    matvec(v, out = new Float64Array(d)) {
      be.gemm(false, false, m, 1, d, 1, W, v, 0, tmp);
      be.gemm(true, false, d, 1, m, 1, W, tmp, 0, out);
      return out;
    },
  };
  const r = lanczos(op, { k: 1, budget: d, seed, tol: 1e-13 });
  return Math.sqrt(Math.max(0, r.values[0]));
}

/** ‖θ − θ₀‖₂ (Nagarajan & Kolter 2019). */
export function distanceToInit(net: Network, init: Network): number {
  if (init.m !== net.m || init.d !== net.d) {
    throw new InputError(
      `distance to init: the initial model has shape m = ${init.m}, d = ${init.d}, expected m = ${net.m}, d = ${net.d}`,
    );
  }
  const t = packParams(net);
  const t0 = packParams(init);
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (t[i] - t0[i]) ** 2;
  return Math.sqrt(s);
}

/** Fisher–Rao norm (k + 1) √(mean f²) on the training inputs (derivation in the file header). */
export function fisherRaoNorm(net: Network, data: Dataset): number {
  const k = requireHomogeneous(net.act, 'Fisher–Rao norm');
  if (net.d !== data.d)
    throw new InputError(`dimension mismatch: the model has d = ${net.d} but the data have d = ${data.d}`);
  const f = forward(net, data.X, data.n);
  let s = 0;
  for (let i = 0; i < data.n; i++) s += f[i] * f[i];
  return (k + 1) * Math.sqrt(s / data.n);
}

/** Relative flatness κ (Petzka et al. 2021) in closed form (derivation in the file header). */
export function relativeFlatness(net: Network, data: Dataset): number {
  if (net.d !== data.d)
    throw new InputError(`dimension mismatch: the model has d = ${net.d} but the data have d = ${data.d}`);
  const be = getBackend();
  const { m, d, a, act, W } = net;
  const { n, X } = data;
  const q = squaredNorms(data);
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const G = new Float64Array(blk * d);
  let gn = 0;
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    be.gemm(false, true, rows, m, d, 1, X.subarray(i0 * d, (i0 + rows) * d), W, 0, Z);
    be.activate(act, Z, rows * m, 1, Z);
    for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) Z[i * m + j] *= a[j];
    // Row i of G is ∇_x f(x_i) = Σ_s a_s σ′(z_is) w_s.
    be.gemm(false, false, rows, d, m, 1, Z, W, 0, G);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += G[i * d + k] ** 2;
      gn += q[i0 + i] * s;
    }
  }
  let res = 0;
  const C = traceParts(net, data).C;
  for (let j = 0; j < m; j++) {
    let w2 = 0;
    for (let k = 0; k < d; k++) w2 += W[j * d + k] ** 2;
    res += w2 * C[j];
  }
  return gn / n + res;
}
