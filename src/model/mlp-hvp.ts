/**
 * Exact curvature-vector products of a deep network's loss (docs/math.md#deep-networks, §11), by the
 * R-operator (Pearlmutter 1994): a forward pass of the directional derivatives R{z_l}, then a backward
 * pass of the R{δ_l}. Vectors use packMlp's layout (W_1, b_1, W_2, b_2, …). Kinds: the Hessian, its
 * Gauss–Newton part JᵀJ/n, and the residual part (their difference).
 */
import { getBackend } from '../linalg/backend.js';
import { checkMlpData, type Mlp, type MlpData, mlpBlockRows, mlpForwardBlock, mlpParamCount } from './mlp.js';

/**
 * Which curvature matrix of the loss mlpCurvatureProduct multiplies: the Hessian ∇²L, its Gauss–Newton part
 * JᵀJ/n, or the residual part (1/n) Σ_i Σ_o r_io ∇²f_o(x_i), their difference (docs/math.md#deep-networks).
 */
export type MlpCurvatureKind = 'hessian' | 'gauss-newton' | 'residual';

/** Split a packed vector into per-layer views (W, b). */
function views(net: Mlp, v: Float64Array): { W: Float64Array[]; b: (Float64Array | null)[] } {
  const W: Float64Array[] = [];
  const b: (Float64Array | null)[] = [];
  let o = 0;
  for (let l = 0; l < net.W.length; l++) {
    W.push(v.subarray(o, o + net.W[l].length));
    o += net.W[l].length;
    const bl = net.b[l];
    b.push(bl ? v.subarray(o, o + bl.length) : null);
    if (bl) o += bl.length;
  }
  return { W, b };
}

function addColSums(M: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += M[i * cols + j];
}

/** The loss, its gradient and (with `v`) the product of the chosen curvature matrix with v. */
export function mlpDataPass(
  net: Mlp,
  data: MlpData,
  v: Float64Array | null,
  kind: MlpCurvatureKind = 'hessian',
): { loss: number; grad: Float64Array; product: Float64Array | null } {
  checkMlpData(net, data);
  const P = mlpParamCount(net);
  if (v && v.length !== P) throw new Error(`curvature product: vector has length ${v.length}, expected ${P}`);
  const be = getBackend();
  const L = net.W.length;
  const w = net.widths;
  const { n, d, c, X, Y } = data;
  const grad = new Float64Array(P);
  const hv = v ? new Float64Array(P) : null;
  const gnv = v && kind !== 'hessian' ? new Float64Array(P) : null;
  const G = views(net, grad);
  const V = v ? views(net, v) : null;
  let sq = 0;
  const blk = mlpBlockRows(net, n);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const { H, Z } = mlpForwardBlock(net, X.subarray(i0 * d, (i0 + rows) * d), rows);
    const D: Float64Array[] = [new Float64Array(0)];
    const S: Float64Array[] = [new Float64Array(0)];
    for (let l = 1; l < L; l++) {
      const d1 = new Float64Array(rows * w[l]);
      be.activate(net.act, Z[l - 1], rows * w[l], 1, d1);
      D.push(d1);
      const d2 = new Float64Array(rows * w[l]);
      if (V) be.activate(net.act, Z[l - 1], rows * w[l], 2, d2);
      S.push(d2);
    }
    const r = Z[L - 1].slice();
    for (let t = 0; t < rows * c; t++) {
      r[t] -= Y[i0 * c + t];
      sq += r[t] * r[t];
    }
    // Forward directional derivatives: RZ[l] = R{z_l}, RH[l] = R{h_l} (RH[0] = 0).
    const RZ: Float64Array[] = [];
    const RH: Float64Array[] = [new Float64Array(rows * w[0])];
    if (V) {
      for (let l = 1; l <= L; l++) {
        const rz = new Float64Array(rows * w[l]);
        be.gemm(false, true, rows, w[l], w[l - 1], 1, H[l - 1], V.W[l - 1], 0, rz);
        if (l > 1) be.gemm(false, true, rows, w[l], w[l - 1], 1, RH[l - 1], net.W[l - 1], 1, rz);
        const vb = V.b[l - 1];
        if (vb) for (let i = 0; i < rows; i++) for (let j = 0; j < w[l]; j++) rz[i * w[l] + j] += vb[j];
        RZ.push(rz);
        if (l < L) RH.push(rz.map((x, t) => x * D[l][t]));
      }
    }
    // Backward: δ (gradient), Rδ (Hessian product), δ' (Gauss–Newton product).
    let delta = r;
    let rdelta = V ? RZ[L - 1].slice() : null;
    let gdelta = gnv && V ? RZ[L - 1].slice() : null;
    for (let l = L; l >= 1; l--) {
      const wo = w[l];
      const wi = w[l - 1];
      be.gemm(true, false, wo, wi, rows, 1, delta, H[l - 1], 1, G.W[l - 1]);
      const gb = G.b[l - 1];
      if (gb) addColSums(delta, rows, wo, gb);
      if (hv && rdelta && V) {
        const HV = views(net, hv);
        be.gemm(true, false, wo, wi, rows, 1, rdelta, H[l - 1], 1, HV.W[l - 1]);
        if (l > 1) be.gemm(true, false, wo, wi, rows, 1, delta, RH[l - 1], 1, HV.W[l - 1]);
        const hb = HV.b[l - 1];
        if (hb) addColSums(rdelta, rows, wo, hb);
      }
      if (gnv && gdelta) {
        const GV = views(net, gnv);
        be.gemm(true, false, wo, wi, rows, 1, gdelta, H[l - 1], 1, GV.W[l - 1]);
        const gvb = GV.b[l - 1];
        if (gvb) addColSums(gdelta, rows, wo, gvb);
      }
      if (l === 1) break;
      const gh = new Float64Array(rows * wi);
      be.gemm(false, false, rows, wi, wo, 1, delta, net.W[l - 1], 0, gh);
      if (rdelta && V) {
        const rgh = new Float64Array(rows * wi);
        be.gemm(false, false, rows, wi, wo, 1, rdelta, net.W[l - 1], 0, rgh);
        be.gemm(false, false, rows, wi, wo, 1, delta, V.W[l - 1], 1, rgh);
        const Dl = D[l - 1];
        const Sl = S[l - 1];
        const rz = RZ[l - 2];
        for (let t = 0; t < rgh.length; t++) rgh[t] = Sl[t] * rz[t] * gh[t] + Dl[t] * rgh[t];
        rdelta = rgh;
      }
      if (gdelta) {
        const g2 = new Float64Array(rows * wi);
        be.gemm(false, false, rows, wi, wo, 1, gdelta, net.W[l - 1], 0, g2);
        for (let t = 0; t < g2.length; t++) g2[t] *= D[l - 1][t];
        gdelta = g2;
      }
      for (let t = 0; t < gh.length; t++) gh[t] *= D[l - 1][t];
      delta = gh;
    }
  }
  const inv = 1 / n;
  for (let t = 0; t < P; t++) grad[t] *= inv;
  let product: Float64Array | null = null;
  if (hv) {
    for (let t = 0; t < P; t++) hv[t] *= inv;
    if (kind === 'hessian') product = hv;
    else if (gnv) {
      for (let t = 0; t < P; t++) gnv[t] *= inv;
      product = kind === 'gauss-newton' ? gnv : hv.map((x, t) => x - gnv[t]);
    }
  }
  return { loss: sq / (2 * n), grad, product };
}

/**
 * A v for the chosen curvature matrix A of the loss (exact, by the R-operator: one forward and one backward
 * pass over the data, never forming A), with v and the result in packMlp's layout. It is what matrix-free
 * estimators (Hutchinson, Hutch++) need for networks too large for a dense Hessian.
 *
 * @example
 * ```ts
 * import { createMlp, makeDataset, mlpCurvatureProduct, mlpParamCount, mlpTrace } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)), b: null, rows: 5, cols: 4 },
 *   { W: Float64Array.from({ length: 15 }, (_, i) => Math.cos(i + 1)), b: Float64Array.of(0.1, -0.2, 0.3), rows: 3, cols: 5 },
 *   { W: Float64Array.of(1, -1, 0.5), b: null, rows: 1, cols: 3 },
 * ]);
 * let trace = 0; // Σ_p e_pᵀ H e_p, one product per parameter
 * for (let p = 0; p < mlpParamCount(net); p++) {
 *   const e = new Float64Array(mlpParamCount(net));
 *   e[p] = 1;
 *   trace += mlpCurvatureProduct(net, xy, e, 'hessian')[p];
 * }
 * console.log(Math.abs(trace - mlpTrace(net, xy).trace) < 1e-12); // true: agrees with the exact trace
 * ```
 */
export function mlpCurvatureProduct(net: Mlp, data: MlpData, v: Float64Array, kind: MlpCurvatureKind): Float64Array {
  return mlpDataPass(net, data, v, kind).product as Float64Array;
}
