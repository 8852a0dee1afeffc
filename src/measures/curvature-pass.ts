/**
 * The two parts of the Hessian, H = G + R (docs/math.md#flatness, §3), as products and exact diagonals, in one
 * blocked pass over the data like `dataPass`:
 *   G = (1/n) Σ_i ∇f_i ∇f_iᵀ                (Gauss–Newton part, ≥ 0)
 *   R = (1/n) Σ_i r_i ∇²f_i                 (residual part; zero at interpolators)
 *
 * G v is the backend's fused `hvpPass` with the residuals set to zero (its u is exactly ∇f_iᵀ v), so
 * no network derivative is re-derived here. R v is computed directly from σ′, σ″ (the r-terms of the
 * same HVP formula) rather than as H v − G v, which would cancel catastrophically when G ≫ R.
 *
 * Exact diagonal (derived from the dense Hessian formula; checked against `denseHessian` in tests):
 *   H_{a_j a_j}       = (1/n) Σ_i σ(z_ij)²                          (= A_j; R has no a–a block)
 *   G_{w_jk w_jk}     = (a_j²/n) Σ_i σ′(z_ij)² x_ik²
 *   R_{w_jk w_jk}     = (a_j/n)  Σ_i r_i σ″(z_ij) x_ik²
 * Summing over k recovers B_j and C_j of the trace (q_i = Σ_k x_ik²).
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { type ActKernel, getBackend } from '../linalg/backend.js';
import { blockRows, type Network } from '../model/network.js';

export type CurvaturePart = 'gauss-newton' | 'residual';

function checkShapes(net: Network, data: Dataset): void {
  if (net.d !== data.d) {
    throw new InputError(
      `dimension mismatch: the model has input dimension d = ${net.d} but the data have d = ${data.d}`,
    );
  }
}

/** A block's network outputs f_i and σ′(Z), σ″(Z): what the residual terms r_i σ′, r_i σ″ are made of. */
function outputsAndCurvature(
  act: ActKernel,
  Z: Float64Array,
  rows: number,
  m: number,
  a: Float64Array,
  f: Float64Array,
  S1: Float64Array,
  S2: Float64Array,
): void {
  const be = getBackend();
  be.forwardRows(act, Z, rows, m, a, f);
  be.activate(act, Z, rows * m, 1, S1);
  be.activate(act, Z, rows * m, 2, S2);
}

/** (Gv or Rv) for v = (va, vW); returns the two blocks, normalized by 1/n. */
export function curvatureProduct(
  net: Network,
  data: Dataset,
  va: Float64Array,
  vW: Float64Array,
  part: CurvaturePart,
): { ha: Float64Array; hW: Float64Array } {
  checkShapes(net, data);
  const be = getBackend();
  const { m, d, a, act } = net;
  const { n, X, y } = data;
  if (va.length !== m || vW.length !== m * d) throw new Error('curvature product: direction has the wrong shape');
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const T = new Float64Array(blk * m);
  const u = new Float64Array(blk);
  const zeroR = new Float64Array(blk);
  const S1 = part === 'residual' ? new Float64Array(blk * m) : null;
  const S2 = part === 'residual' ? new Float64Array(blk * m) : null;
  const ha = new Float64Array(m);
  const hW = new Float64Array(m * d);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const Xb = X.subarray(i0 * d, (i0 + rows) * d);
    be.gemm(false, true, rows, m, d, 1, Xb, net.W, 0, Z);
    be.gemm(false, true, rows, m, d, 1, Xb, vW, 0, T);
    if (part === 'gauss-newton') {
      be.hvpPass(act, Z, T, rows, m, a, va, zeroR, u, ha);
    } else if (S1 && S2) {
      // Residuals of this block, then the r-terms of the HVP:
      // ha_j += Σ_i r_i σ′ t_ij;  T_ij ← r_i (va_j σ′ + a_j σ″ t_ij)  (W-part = Tᵀ X).
      outputsAndCurvature(act, Z, rows, m, a, u, S1, S2);
      for (let i = 0; i < rows; i++) {
        const ri = u[i] - y[i0 + i];
        const o = i * m;
        for (let j = 0; j < m; j++) {
          const t = T[o + j];
          ha[j] += ri * S1[o + j] * t;
          T[o + j] = ri * (va[j] * S1[o + j] + a[j] * S2[o + j] * t);
        }
      }
    }
    be.gemm(true, false, m, d, rows, 1, T, Xb, 1, hW);
  }
  const inv = 1 / n;
  for (let j = 0; j < m; j++) ha[j] *= inv;
  for (let k = 0; k < m * d; k++) hW[k] *= inv;
  return { ha, hW };
}

export interface CurvatureDiagonals {
  /** diag H, layout θ = [a, W]. */
  readonly hessian: Float64Array;
  readonly gaussNewton: Float64Array;
  readonly residual: Float64Array;
}

/** Exact diagonals of H, G and R in one pass (formulas in the file header). */
export function curvatureDiagonals(net: Network, data: Dataset): CurvatureDiagonals {
  checkShapes(net, data);
  const be = getBackend();
  const { m, d, a, act } = net;
  const { n, X, y } = data;
  const P = m * (d + 1);
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const F0 = new Float64Array(blk * m);
  const S1 = new Float64Array(blk * m);
  const S2 = new Float64Array(blk * m);
  const X2 = new Float64Array(blk * d);
  const f = new Float64Array(blk);
  const A = new Float64Array(m);
  const DG = new Float64Array(m * d); // Σ_i σ′² x_ik²
  const DR = new Float64Array(m * d); // Σ_i r_i σ″ x_ik²
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const Xb = X.subarray(i0 * d, (i0 + rows) * d);
    for (let k = 0; k < rows * d; k++) X2[k] = Xb[k] * Xb[k];
    be.gemm(false, true, rows, m, d, 1, Xb, net.W, 0, Z);
    outputsAndCurvature(act, Z, rows, m, a, f, S1, S2);
    be.activate(act, Z, rows * m, 0, F0);
    for (let i = 0; i < rows; i++) {
      const ri = f[i] - y[i0 + i];
      const o = i * m;
      for (let j = 0; j < m; j++) {
        A[j] += F0[o + j] * F0[o + j];
        S1[o + j] *= S1[o + j];
        S2[o + j] *= ri;
      }
    }
    be.gemm(true, false, m, d, rows, 1, S1, X2, 1, DG);
    be.gemm(true, false, m, d, rows, 1, S2, X2, 1, DR);
  }
  const inv = 1 / n;
  const gaussNewton = new Float64Array(P);
  const residual = new Float64Array(P);
  const hessian = new Float64Array(P);
  for (let j = 0; j < m; j++) {
    gaussNewton[j] = A[j] * inv;
    hessian[j] = gaussNewton[j];
    const g = a[j] * a[j] * inv;
    const rr = a[j] * inv;
    for (let k = 0; k < d; k++) {
      const p = m + j * d + k;
      gaussNewton[p] = g * DG[j * d + k];
      residual[p] = rr * DR[j * d + k];
      hessian[p] = gaussNewton[p] + residual[p];
    }
  }
  return { hessian, gaussNewton, residual };
}
