/**
 * The 2-layer network f(x; θ) = Σ_j a_j σ(w_jᵀx), θ = (a ∈ R^m, W ∈ R^{m×d}), and its exact
 * derivatives (docs/math.md#network, §2–3). Loss convention: L(θ) = (1/(2n)) Σ_i (f(x_i) − y_i)².
 *
 * Every pass works on row blocks of Z = X Wᵀ through the backend's fused kernels, so peak memory is
 * O(block · m) whatever n is. The parameter vector layout is θ = [a (m), W row-major (m·d)].
 */
import type { Dataset } from '../data/dataset.js';
import { squaredNorms } from '../data/dataset.js';
import { type Backend, type BlockPassOut, getBackend } from '../linalg/backend.js';
import { blockRows } from '../linalg/block-pass.js';
import { scale } from '../linalg/vec.js';
import { type Activation, type ActivationSpec, InputError, makeActivation } from './activations.js';

export { blockRows } from '../linalg/block-pass.js';

/** The loss convention, stated in every output: L = (1/(2n)) Σ_i (f(x_i) − y_i)². */
export const LOSS_CONVENTION = 'L = (1/(2n)) Σ_i (f(x_i) − y_i)²';

/**
 * A 2-layer network f(x) = Σ_j a_j σ(w_jᵀx): activation, width m, input dimension d and the
 * weights (a, W). Functions never modify a network; they return new ones.
 */
export interface Network {
  readonly act: Activation;
  readonly m: number;
  readonly d: number;
  /** Second layer, length m. */
  readonly a: Float64Array;
  /** First layer, row-major m×d (row j is w_j). */
  readonly W: Float64Array;
}

/**
 * A network from its activation and weights (a of length m, W row-major m×d), checked for shape and
 * finiteness (InputError naming the entry). The arrays are used as given, not copied.
 *
 * @example
 * ```ts
 * import { createNetwork, forward } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(2), Float64Array.of(1, -1), 2); // f(x) = 2 relu(x1 − x2)
 * console.log([...forward(net, Float64Array.of(3, 1, 0, 1), 2)]); // [4, 0]
 * ```
 */
export function createNetwork(
  act: Activation | ActivationSpec | ActivationSpec['name'],
  a: Float64Array,
  W: Float64Array,
  d: number,
): Network {
  const activation = typeof act === 'object' && 'f' in act ? act : makeActivation(act);
  const m = a.length;
  if (m < 1) throw new InputError('network: width m must be at least 1');
  if (!Number.isInteger(d) || d < 1)
    throw new InputError(`network: input dimension d must be a positive integer (got ${d})`);
  if (W.length !== m * d) throw new InputError(`network: W has ${W.length} entries, expected m·d = ${m}·${d}`);
  for (let i = 0; i < m; i++) if (!Number.isFinite(a[i])) throw new InputError(`network: a[${i}] is not finite`);
  for (let i = 0; i < W.length; i++) {
    if (!Number.isFinite(W[i])) throw new InputError(`network: W[${Math.floor(i / d)}][${i % d}] is not finite`);
  }
  return { act: activation, m, d, a, W };
}

/**
 * A copy of a network with its own weight arrays.
 *
 * @example
 * ```ts
 * import { cloneNetwork, createNetwork } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1), Float64Array.of(1, 0), 2);
 * const copy = cloneNetwork(net);
 * console.log(copy.a !== net.a, copy.a[0] === net.a[0]); // true true
 * ```
 */
export function cloneNetwork(net: Network): Network {
  return { act: net.act, m: net.m, d: net.d, a: net.a.slice(), W: net.W.slice() };
}

/**
 * Number of parameters m + m·d (the length of θ).
 *
 * @example
 * ```ts
 * import { paramCount } from 'flatlab';
 *
 * console.log(paramCount({ m: 3, d: 4 })); // 15
 * ```
 */
export function paramCount(net: Pick<Network, 'm' | 'd'>): number {
  return net.m * (net.d + 1);
}

/**
 * θ = [a, W].
 *
 * @example
 * ```ts
 * import { createNetwork, packParams } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(5), Float64Array.of(1, 2), 2);
 * console.log([...packParams(net)]); // [5, 1, 2]: θ = [a, W row-major]
 * ```
 */
export function packParams(net: Network, out = new Float64Array(paramCount(net))): Float64Array {
  out.set(net.a, 0);
  out.set(net.W, net.m);
  return out;
}

/**
 * The network with the same activation and shape and the weights of θ = [a (m), W row-major (m·d)].
 *
 * @example
 * ```ts
 * import { createNetwork, unpackParams } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(5), Float64Array.of(1, 2), 2);
 * console.log([...unpackParams(net, Float64Array.of(-1, 3, 4)).W]); // [3, 4]
 * ```
 */
export function unpackParams(net: Network, theta: Float64Array): Network {
  if (theta.length !== paramCount(net))
    throw new Error(`parameter vector has length ${theta.length}, expected ${paramCount(net)}`);
  return { act: net.act, m: net.m, d: net.d, a: theta.slice(0, net.m), W: theta.slice(net.m) };
}

export function checkShapes(net: Network, data: Pick<Dataset, 'd' | 'n'>): void {
  if (net.d !== data.d) {
    throw new InputError(
      `dimension mismatch: the model has input dimension d = ${net.d} but the data have d = ${data.d}`,
    );
  }
}

/**
 * Network outputs f(x_i) for the n rows of X (n×d).
 *
 * @example
 * ```ts
 * import { createNetwork, forward } from 'flatlab';
 *
 * const net = createNetwork('abs', Float64Array.of(1, 1), Float64Array.of(1, 0, 0, 1), 2); // |x1| + |x2|
 * console.log([...forward(net, Float64Array.of(-1, 2), 1)]); // [3]
 * ```
 */
export function forward(net: Network, X: Float64Array, n: number): Float64Array {
  const be = getBackend();
  const { m, d } = net;
  const f = new Float64Array(n);
  be.blockPass(net.act, X, net.W, n, m, d, net.a, null, f, {});
  return f;
}

/** What one data pass accumulates besides the loss and residuals. */
export interface DataPassOptions {
  /** Accumulate the gradient (ga, gW). */
  grad?: boolean;
  /** Accumulate the per-neuron trace parts (A, B, C). */
  trace?: boolean;
  /** Hessian-vector product with v = (va, vW). */
  hvp?: { va: Float64Array; vW: Float64Array };
}

/**
 * Arrays a caller lends a data pass for its outputs, to be reused from call to call (a training loop's
 * step): each one of the right length is zeroed and filled instead of allocating a new one, and the
 * result's arrays are these. Allocating fresh result arrays costs about as much as the elementwise
 * work of a step at moderate sizes (a fresh 400 KB gradient ≈ 0.4 ms, against a 1 ms GEMM at n = 2000,
 * d = 100, m = 500). A lent array of the wrong length is ignored (a fresh one is allocated).
 */
export interface DataPassBuffers {
  r?: Float64Array;
  ga?: Float64Array;
  gW?: Float64Array;
  A?: Float64Array;
  B?: Float64Array;
  C?: Float64Array;
}

/** `lent` zeroed when it has `len` entries, else a fresh zeroed array. */
function buffer(lent: Float64Array | undefined, len: number): Float64Array {
  return lent && lent.length === len ? lent.fill(0) : new Float64Array(len);
}

/** What one data pass returns: the loss and residuals, and the parts asked for. */
export interface DataPassResult {
  loss: number;
  maxResidual: number;
  /** Residuals r_i = f(x_i) − y_i. */
  r: Float64Array;
  ga?: Float64Array;
  gW?: Float64Array;
  /** Per-neuron trace parts, normalized (docs/math.md#flatness, §3). */
  A?: Float64Array;
  B?: Float64Array;
  C?: Float64Array;
  ha?: Float64Array;
  hW?: Float64Array;
}

/**
 * One pass over the data computing, block by block, the loss and whatever else is asked for
 * (gradient, trace parts, a Hessian-vector product): many quantities for one read of X. The result's
 * arrays are fresh, or the ones lent in `into` (DataPassBuffers) where their lengths fit.
 *
 * @example
 * ```ts
 * import { dataPass, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const pass = dataPass(teacher, data, { grad: true, trace: true });
 * console.log(pass.loss < 1e-20, pass.ga?.length); // true 1
 * ```
 */
export function dataPass(
  net: Network,
  data: Dataset,
  opts: DataPassOptions = {},
  into: DataPassBuffers = {},
): DataPassResult {
  checkShapes(net, data);
  const be = getBackend();
  const { m, d } = net;
  const { n, X, y } = data;
  const r = buffer(into.r, n);
  const q = opts.trace ? squaredNorms(data) : null;
  const res: DataPassResult = { loss: 0, maxResidual: 0, r };
  if (opts.grad) {
    res.ga = buffer(into.ga, m);
    res.gW = buffer(into.gW, m * d);
  }
  if (opts.trace) {
    res.A = buffer(into.A, m);
    res.B = buffer(into.B, m);
    res.C = buffer(into.C, m);
  }
  const trace = (i0: number, rows: number) =>
    res.A && res.B && res.C && q ? { q: q.subarray(i0, i0 + rows), A: res.A, B: res.B, C: res.C } : undefined;
  const inv = 1 / n;
  if (opts.hvp) hvpBlocks(be, net, data, opts.hvp, res, trace);
  // Forward, residuals, trace sums and gradient in one call: Z never leaves the backend. The gradient
  // leaves it normalized (gradScale), so no JavaScript pass over gW's m·d entries.
  else
    be.blockPass(net.act, X, net.W, n, m, d, net.a, y, r, {
      trace: trace(0, n),
      ga: res.ga,
      gW: res.gW,
      gradScale: inv,
    });
  let sq = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    sq += ri * ri;
    const ab = Math.abs(ri);
    if (!(ab <= maxAbs)) maxAbs = ab; // also propagates NaN
  }
  res.loss = sq / (2 * n);
  res.maxResidual = maxAbs;
  // The HVP's blocks add the gradient through their own GEMMs, unscaled.
  if (opts.hvp && res.ga && res.gW) {
    scale(inv, res.ga);
    scale(inv, res.gW);
  }
  if (res.A && res.B && res.C) {
    for (let j = 0; j < m; j++) {
      const aj = net.a[j];
      res.A[j] *= inv;
      res.B[j] *= aj * aj * inv;
      res.C[j] *= aj * inv;
    }
  }
  if (res.ha && res.hW) {
    for (let j = 0; j < m; j++) res.ha[j] *= inv;
    for (let k = 0; k < m * d; k++) res.hW[k] *= inv;
  }
  return res;
}

/**
 * dataPass with an HVP, row block by row block: the HVP's pass reads Z after the forward pass, so the
 * block's Z is kept (and the gradient pass runs after the HVP's).
 */
function hvpBlocks(
  be: Backend,
  net: Network,
  data: Dataset,
  hvp: { va: Float64Array; vW: Float64Array },
  res: DataPassResult,
  trace: (i0: number, rows: number) => BlockPassOut['trace'],
): void {
  const { m, d } = net;
  const { n, X, y } = data;
  if (hvp.va.length !== m || hvp.vW.length !== m * d) throw new Error('hvp: direction has the wrong shape');
  const ha = new Float64Array(m);
  const hW = new Float64Array(m * d);
  res.ha = ha;
  res.hW = hW;
  const blk = blockRows(m, n);
  const Z = new Float64Array(blk * m);
  const T = new Float64Array(blk * m);
  const u = new Float64Array(blk);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const Xb = X.subarray(i0 * d, (i0 + rows) * d);
    const rb = res.r.subarray(i0, i0 + rows);
    be.blockPass(net.act, Xb, net.W, rows, m, d, net.a, y.subarray(i0, i0 + rows), rb, { Z, trace: trace(i0, rows) });
    be.gemm(false, true, rows, m, d, 1, Xb, hvp.vW, 0, T);
    be.hvpPass(net.act, Z, T, rows, m, net.a, hvp.va, rb, u, ha);
    be.gemm(true, false, m, d, rows, 1, T, Xb, 1, hW);
    if (res.ga && res.gW) {
      be.gradPass(net.act, Z, rows, m, net.a, rb, res.ga);
      be.gemm(true, false, m, d, rows, 1, Z, Xb, 1, res.gW);
    }
  }
}

/**
 * The training loss L(θ) with the largest absolute residual and the residuals r_i = f(x_i) − y_i.
 *
 * @example
 * ```ts
 * import { loss, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * console.log(loss(teacher, data).maxResidual < 1e-12); // true: the teacher interpolates
 * ```
 */
export function loss(net: Network, data: Dataset): { loss: number; maxResidual: number; r: Float64Array } {
  return dataPass(net, data);
}

/**
 * Loss and its exact gradient (∂L/∂a, ∂L/∂W); `into` lends the result's arrays (DataPassBuffers), e.g.
 * `gradient(net, data, g)` with the previous step's `g` in a training loop.
 *
 * @example
 * ```ts
 * import { gradient, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const g = gradient(teacher, data);
 * console.log(Math.max(...g.ga.map(Math.abs)) < 1e-12); // true: an interpolator is a critical point
 * ```
 */
export function gradient(
  net: Network,
  data: Dataset,
  into?: DataPassBuffers,
): { loss: number; ga: Float64Array; gW: Float64Array; r: Float64Array } {
  const s = dataPass(net, data, { grad: true }, into);
  return { loss: s.loss, ga: s.ga as Float64Array, gW: s.gW as Float64Array, r: s.r };
}

/**
 * Exact Hessian-vector product H v for v = (va, vW) (docs/math.md#flatness, §3).
 *
 * @example
 * ```ts
 * import { hvp, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const { ha, hW } = hvp(teacher, data, Float64Array.of(1), new Float64Array(5));
 * console.log(ha.length, hW.length); // 1 5: H v in the layout of (a, W)
 * ```
 */
export function hvp(
  net: Network,
  data: Dataset,
  va: Float64Array,
  vW: Float64Array,
): { ha: Float64Array; hW: Float64Array } {
  const s = dataPass(net, data, { hvp: { va, vW } });
  return { ha: s.ha as Float64Array, hW: s.hW as Float64Array };
}

export const DENSE_HESSIAN_MAX_DIM = 4000;

/**
 * The dense Hessian (P×P, P = m(d+1), layout θ = [a, W]) built directly from
 * H = (1/n) Σ_i [∇f_i ∇f_iᵀ + r_i ∇²f_i], independently of the HVP code: the oracle for tests.
 *
 * @example
 * ```ts
 * import { denseHessian, hessianTrace, makeDataset, teacherInterpolator } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const teacher = teacherInterpolator(data, { name: 'relu' }).net;
 * const H = denseHessian(teacher, data); // 6×6 (m + m·d)
 * let tr = 0;
 * for (let i = 0; i < 6; i++) tr += H[i * 6 + i];
 * console.log(Math.abs(tr - hessianTrace(teacher, data)) < 1e-10); // true
 * ```
 */
export function denseHessian(net: Network, data: Dataset): Float64Array {
  checkShapes(net, data);
  const { m, d, act } = net;
  const P = m * (d + 1);
  if (P > DENSE_HESSIAN_MAX_DIM) {
    throw new InputError(`dense Hessian: dimension m(d+1) = ${P} exceeds ${DENSE_HESSIAN_MAX_DIM}`);
  }
  const { n, X, y } = data;
  const H = new Float64Array(P * P);
  const g = new Float64Array(P);
  const z = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const xi = X.subarray(i * d, (i + 1) * d);
    let fi = 0;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += net.W[j * d + k] * xi[k];
      z[j] = s;
      fi += net.a[j] * act.f(s);
    }
    const ri = fi - y[i];
    for (let j = 0; j < m; j++) {
      g[j] = act.f(z[j]);
      const c = net.a[j] * act.d1(z[j]);
      for (let k = 0; k < d; k++) g[m + j * d + k] = c * xi[k];
    }
    for (let p = 0; p < P; p++) {
      const gp = g[p];
      if (gp === 0) continue;
      const row = p * P;
      for (let s = 0; s < P; s++) H[row + s] += gp * g[s];
    }
    // r_i ∇²f_i: ∂²f/∂a_j∂w_j = σ′(z_j) x, ∂²f/∂w_j² = a_j σ″(z_j) x xᵀ.
    for (let j = 0; j < m; j++) {
      const s1 = ri * act.d1(z[j]);
      const s2 = ri * net.a[j] * act.d2(z[j]);
      const wj = m + j * d;
      for (let k = 0; k < d; k++) {
        H[j * P + wj + k] += s1 * xi[k];
        H[(wj + k) * P + j] += s1 * xi[k];
        if (s2 !== 0) for (let l = 0; l < d; l++) H[(wj + k) * P + wj + l] += s2 * xi[k] * xi[l];
      }
    }
  }
  for (let k = 0; k < P * P; k++) H[k] /= n;
  return H;
}
