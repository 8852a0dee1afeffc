/**
 * The exact Hessian trace of a deep network's loss (docs/math.md#deep-networks, §11):
 *
 *   Tr ∇²L = (1/n) Σ_i Σ_o ‖∇_θ f_o(x_i)‖²  +  (1/n) Σ_i Σ_o r_io Tr ∇²_θ f_o(x_i)
 *            (Gauss–Newton part)                (residual part)
 *
 * GN part, per parameter: G = (1/n) Σ_o (δ_l^o ∘ δ_l^o)ᵀ (h_{l−1} ∘ h_{l−1}) for the weights of layer l and
 * (1/n) Σ_o Σ_i (δ_l^o)² for its bias — one forward pass, one backward pass per output and one GEMM of
 * squared matrices per layer, through the backend. For a piecewise-linear 1-homogeneous σ (relu, leaky
 * relu, |t|) f is linear in every single parameter, so the residual part is 0 and the trace is the GN
 * trace at every θ. Otherwise ∂²f_o/∂W_l[a,b]² = h_{l−1,b}² ∂²f_o/∂z_{l,a}², and the r-weighted diagonal of
 * the Hessian in the pre-activations is Σ_{m ≥ l} Σ_c v_m[c] (∂z_m[c]/∂z_l[a])² with
 * v_m = σ″(z_m) ∘ ∂(rᵀf)/∂h_m — computed per sample (cost O(L² w³) per sample).
 */
import { getBackend } from '../linalg/backend.js';
import { checkMlpData, type Mlp, type MlpData, mlpBlockRows, mlpForwardBlock } from '../model/mlp.js';

/** Per-parameter Gauss–Newton diagonal, in the network's layout (null where a layer has no bias). */
export interface MlpCurvatureMass {
  readonly W: Float64Array[];
  readonly b: (Float64Array | null)[];
}

/** One layer's share of the trace (its weights and bias together). */
export interface MlpLayerTrace {
  /** GN part of this layer's weights and bias. */
  readonly gaussNewton: number;
  /** Residual part of this layer's weights and bias (0 for the output layer and for piecewise-linear σ). */
  readonly residual: number;
}

/** mlpTrace's result: the exact Hessian trace of the loss, its two parts, per layer and per parameter. */
export interface MlpTrace {
  /** Tr ∇²L = traceGaussNewton + traceResidual. */
  readonly trace: number;
  readonly traceGaussNewton: number;
  /** 0 for piecewise-linear σ (relu, leaky relu, |t|). */
  readonly traceResidual: number;
  /** Layer l at index l − 1. */
  readonly layers: MlpLayerTrace[];
  /** Per-parameter Gauss–Newton diagonal: the masses F* is computed from. */
  readonly G: MlpCurvatureMass;
  /** L(θ) = (1/(2n)) Σ_i ‖f(x_i) − y_i‖². */
  readonly loss: number;
  /** max_{i,o} |f_o(x_i) − y_io|: 0 at an interpolator, where the residual part vanishes. */
  readonly maxResidual: number;
}

/** Whether σ″ vanishes almost everywhere: the 1-homogeneous activations of the registry are piecewise linear. */
export function piecewiseLinear(net: Mlp): boolean {
  return net.act.degree === 1;
}

function colSumsInto(M: Float64Array, rows: number, cols: number, out: Float64Array, square: boolean): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += square ? M[o + j] * M[o + j] : M[o + j];
  }
}

/**
 * Multiply-adds of mlpTrace on n samples, estimated from the sizes: the GN part (forward, one backward and
 * the squared GEMMs per output) and the residual part's per-sample Jacobians (0 for piecewise-linear σ).
 */
export function mlpTraceCost(net: Mlp, n: number): { gaussNewton: number; residual: number } {
  const L = net.W.length;
  const w = net.widths;
  let weights = 0;
  for (let l = 1; l <= L; l++) weights += w[l] * w[l - 1];
  let residual = 0;
  if (!piecewiseLinear(net)) for (let m = 2; m < L; m++) for (let l = 1; l < m; l++) residual += w[m] * w[l] * w[l - 1];
  return { gaussNewton: n * weights * (1 + 3 * w[L]), residual: n * residual };
}

/**
 * The exact Hessian trace of a deep network's loss (docs/math.md#deep-networks), not an estimate: the
 * Gauss–Newton part from one forward and one backward pass per output, and the residual part (0 for
 * piecewise-linear σ, per-sample Jacobians otherwise), each per layer, with the per-parameter GN diagonal.
 *
 * @example
 * ```ts
 * import { createMlp, makeDataset, mlpTrace } from 'flatlab';
 *
 * const data = makeDataset({ d: 4, n: 30, r: 1, links: 'relu', seed: 0 });
 * const xy = { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)), b: null, rows: 5, cols: 4 },
 *   { W: Float64Array.from({ length: 15 }, (_, i) => Math.cos(i + 1)), b: Float64Array.of(0.1, -0.2, 0.3), rows: 3, cols: 5 },
 *   { W: Float64Array.of(1, -1, 0.5), b: null, rows: 1, cols: 3 },
 * ]);
 * const t = mlpTrace(net, xy);
 * console.log(t.trace === t.traceGaussNewton, t.traceResidual, t.layers.length); // true 0 3: relu is piecewise linear
 * ```
 */
export function mlpTrace(net: Mlp, data: MlpData): MlpTrace {
  checkMlpData(net, data);
  const be = getBackend();
  const L = net.W.length;
  const w = net.widths;
  const { n, d, c, X, Y } = data;
  const GW = net.W.map((x) => new Float64Array(x.length));
  const Gb = net.b.map((b) => (b ? new Float64Array(b.length) : null));
  const resLayer = new Float64Array(L);
  const withResidual = !piecewiseLinear(net);
  let sq = 0;
  let maxAbs = 0;
  const blk = mlpBlockRows(net, n);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const { H, Z } = mlpForwardBlock(net, X.subarray(i0 * d, (i0 + rows) * d), rows);
    const D: Float64Array[] = [new Float64Array(0)];
    for (let l = 1; l < L; l++) {
      const t = new Float64Array(rows * w[l]);
      be.activate(net.act, Z[l - 1], rows * w[l], 1, t);
      D.push(t);
    }
    const Hsq = H.map((h) => h.map((v) => v * v));
    const R = Z[L - 1];
    for (let t = 0; t < rows * c; t++) {
      const r = R[t] - Y[i0 * c + t];
      R[t] = r;
      sq += r * r;
      const ab = Math.abs(r);
      if (!(ab <= maxAbs)) maxAbs = ab;
    }
    // Output layer: ∂f_o/∂W_L[o, a] = h_{L−1,a}, ∂f_o/∂b_L[o] = 1.
    const hs = new Float64Array(w[L - 1]);
    colSumsInto(Hsq[L - 1], rows, w[L - 1], hs, false);
    for (let o = 0; o < c; o++) {
      for (let a = 0; a < w[L - 1]; a++) GW[L - 1][o * w[L - 1] + a] += hs[a];
      const bL = Gb[L - 1];
      if (bL) bL[o] += rows;
    }
    // Hidden layers, one backward pass per output.
    for (let o = 0; o < c && L > 1; o++) {
      let delta = new Float64Array(rows * w[L - 1]);
      const WL = net.W[L - 1];
      for (let i = 0; i < rows; i++)
        for (let a = 0; a < w[L - 1]; a++) delta[i * w[L - 1] + a] = D[L - 1][i * w[L - 1] + a] * WL[o * w[L - 1] + a];
      for (let l = L - 1; l >= 1; l--) {
        const dsq = delta.map((v) => v * v);
        be.gemm(true, false, w[l], w[l - 1], rows, 1, dsq, Hsq[l - 1], 1, GW[l - 1]);
        const gb = Gb[l - 1];
        if (gb) colSumsInto(dsq, rows, w[l], gb, false);
        if (l > 1) {
          const next = new Float64Array(rows * w[l - 1]);
          be.gemm(false, false, rows, w[l - 1], w[l], 1, delta, net.W[l - 1], 0, next);
          for (let t = 0; t < next.length; t++) next[t] *= D[l - 1][t];
          delta = next;
        }
      }
    }
    if (withResidual) residualBlock(net, H, Z, D, R, rows, resLayer);
  }
  const inv = 1 / n;
  const layers: MlpLayerTrace[] = [];
  let gn = 0;
  let res = 0;
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let t = 0; t < GW[l].length; t++) s += GW[l][t] *= inv;
    const gb = Gb[l];
    if (gb) for (let t = 0; t < gb.length; t++) s += gb[t] *= inv;
    const r = resLayer[l] * inv;
    layers.push({ gaussNewton: s, residual: r });
    gn += s;
    res += r;
  }
  return {
    trace: gn + res,
    traceGaussNewton: gn,
    traceResidual: res,
    layers,
    G: { W: GW, b: Gb },
    loss: sq / (2 * n),
    maxResidual: maxAbs,
  };
}

/**
 * Adds Σ_i Σ_o r_io Tr ∇²_θ f_o(x_i) of one block, per layer, to `out` (un-normalized). R holds the
 * block's residuals (rows × c); D[l] = σ′(Z_l).
 */
function residualBlock(
  net: Mlp,
  H: Float64Array[],
  Z: Float64Array[],
  D: Float64Array[],
  R: Float64Array,
  rows: number,
  out: Float64Array,
): void {
  const be = getBackend();
  const L = net.W.length;
  const w = net.widths;
  // v_m = σ″(z_m) ∘ ∂(rᵀf)/∂h_m, from one backward pass seeded with the residuals.
  const V: Float64Array[] = new Array(L);
  let g = R;
  for (let m = L - 1; m >= 1; m--) {
    const gh = new Float64Array(rows * w[m]);
    be.gemm(false, false, rows, w[m], w[m + 1], 1, g, net.W[m], 0, gh);
    const s2 = new Float64Array(rows * w[m]);
    be.activate(net.act, Z[m - 1], rows * w[m], 2, s2);
    const v = new Float64Array(rows * w[m]);
    for (let t = 0; t < v.length; t++) {
      v[t] = s2[t] * gh[t];
      gh[t] *= D[m][t];
    }
    V[m] = v;
    g = gh;
  }
  const dH: Float64Array[] = w.map((x) => new Float64Array(x));
  for (let i = 0; i < rows; i++) {
    for (let l = 1; l < L; l++) dH[l].fill(0);
    for (let m = L - 1; m >= 1; m--) {
      const vm = V[m].subarray(i * w[m], (i + 1) * w[m]);
      const live: number[] = [];
      for (let cc = 0; cc < w[m]; cc++) if (vm[cc] !== 0) live.push(cc);
      if (live.length === 0) continue;
      for (const cc of live) dH[m][cc] += vm[cc];
      if (m === 1) continue;
      // K = ∂z_m[live]/∂z_{m−1} = W_m[live, :] diag σ′(z_{m−1}).
      let cols = w[m - 1];
      let K = new Float64Array(live.length * cols);
      const Wm = net.W[m - 1];
      const Dm = D[m - 1].subarray(i * cols, (i + 1) * cols);
      live.forEach((cc, r) => {
        for (let a = 0; a < cols; a++) K[r * cols + a] = Wm[cc * cols + a] * Dm[a];
      });
      for (let l = m - 1; l >= 1; l--) {
        for (let r = 0; r < live.length; r++) {
          const vr = vm[live[r]];
          for (let a = 0; a < cols; a++) dH[l][a] += vr * K[r * cols + a] * K[r * cols + a];
        }
        if (l === 1) break;
        const prev = w[l - 1];
        const Kn = new Float64Array(live.length * prev);
        be.gemm(false, false, live.length, prev, cols, 1, K, net.W[l - 1], 0, Kn);
        const Dl = D[l - 1].subarray(i * prev, (i + 1) * prev);
        for (let r = 0; r < live.length; r++) for (let a = 0; a < prev; a++) Kn[r * prev + a] *= Dl[a];
        K = Kn;
        cols = prev;
      }
    }
    // ∂²f/∂W_l[a,b]² = h_{l−1,b}² ∂²f/∂z_{l,a}² and ∂²f/∂b_l[a]² = ∂²f/∂z_{l,a}².
    for (let l = 1; l < L; l++) {
      const h = H[l - 1].subarray(i * w[l - 1], (i + 1) * w[l - 1]);
      let q = net.b[l - 1] ? 1 : 0;
      for (let b = 0; b < h.length; b++) q += h[b] * h[b];
      let s = 0;
      for (let a = 0; a < w[l]; a++) s += dH[l][a];
      out[l - 1] += s * q;
    }
  }
}
