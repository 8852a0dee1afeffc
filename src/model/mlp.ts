/**
 * The deep homogeneous network (docs/math.md#deep-networks, §11): h_0 = x, h_l = σ(W_l h_{l−1} + b_l) for
 * l < L, f(x) = W_L h_{L−1} + b_L ∈ R^c, with L ≥ 2 layers, an optional bias per layer and one activation
 * from the registry. W_l is row-major (widths[l] × widths[l−1]), PyTorch's Linear layout (out × in).
 * The two-layer, bias-free, scalar network of network.ts is the case L = 2, no biases, c = 1
 * (`mlpFromNetwork` / `networkOfMlp` convert between them).
 *
 * Loss convention: L(θ) = (1/(2n)) Σ_i ‖f(x_i) − y_i‖² (summed over the c outputs).
 */
import { getBackend } from '../linalg/backend.js';
import { type Activation, type ActivationSpec, InputError, makeActivation } from './activations.js';
import { createNetwork, type Network } from './network.js';

export const MLP_LOSS_CONVENTION = 'L = (1/(2n)) Σ_i ‖f(x_i) − y_i‖² (summed over the outputs)';

/**
 * A deep homogeneous network h_l = σ(W_l h_{l−1} + b_l), f(x) = W_L h_{L−1} + b_L ∈ R^c
 * (docs/math.md#deep-networks): activation, widths and per-layer weights and biases. Functions never
 * modify a network; they return new ones.
 */
export interface Mlp {
  readonly act: Activation;
  /** Layer widths [d, h_1, …, h_{L−1}, c]: L + 1 entries. */
  readonly widths: readonly number[];
  /** W_l for l = 1…L at index l − 1, row-major widths[l] × widths[l−1]. */
  readonly W: readonly Float64Array[];
  /** b_l (widths[l] entries) at index l − 1, or null where the layer has no bias. */
  readonly b: readonly (Float64Array | null)[];
}

/** A multi-output data set: inputs X (n×d) and labels Y (n×c), both row-major. */
export interface MlpData {
  readonly n: number;
  readonly d: number;
  readonly c: number;
  readonly X: Float64Array;
  readonly Y: Float64Array;
}

/** One layer given to `createMlp`: W (rows × cols, row-major, PyTorch's out × in) and an optional bias. */
export interface MlpLayerInput {
  W: Float64Array;
  b: Float64Array | null;
  /** Output width (rows of W). */
  rows: number;
  /** Input width (columns of W). */
  cols: number;
}

/**
 * A deep network from its activation and layers (first layer first), checked so that every later pass can
 * trust it: at least 2 layers, each layer's input width is the previous layer's output width, and every weight
 * and bias is finite (InputError naming the layer and entry otherwise). The arrays are used as given.
 *
 * @example
 * ```ts
 * import { createMlp, mlpForward } from 'flatlab';
 *
 * // f(x) = relu(x1) + 2 relu(x2) − relu(x1 − x2 + 1) + 0.5
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * console.log(net.widths, [...mlpForward(net, Float64Array.of(2, 1, 0, 3), 2)]); // [2, 3, 1] [2.5, 6.5]
 * ```
 */
export function createMlp(act: Activation | ActivationSpec, layers: readonly MlpLayerInput[], where = 'model'): Mlp {
  const activation = 'f' in act ? act : makeActivation(act);
  if (layers.length < 2) throw new InputError(`${where}: a network needs at least 2 layers (got ${layers.length})`);
  const widths = [layers[0].cols];
  layers.forEach((layer, i) => {
    const l = i + 1;
    if (!Number.isInteger(layer.rows) || !Number.isInteger(layer.cols) || layer.rows < 1 || layer.cols < 1)
      throw new InputError(`${where}: layer ${l} has shape (${layer.rows}, ${layer.cols}); both must be at least 1`);
    if (layer.cols !== widths[i])
      throw new InputError(
        `${where}: layer ${l} takes ${layer.cols} inputs but layer ${l - 1} gives ${widths[i]} (the shapes do not compose)`,
      );
    if (layer.W.length !== layer.rows * layer.cols)
      throw new InputError(`${where}: layer ${l} has ${layer.W.length} weights, expected ${layer.rows}·${layer.cols}`);
    if (layer.b && layer.b.length !== layer.rows)
      throw new InputError(`${where}: the bias of layer ${l} has ${layer.b.length} entries, expected ${layer.rows}`);
    for (let t = 0; t < layer.W.length; t++)
      if (!Number.isFinite(layer.W[t]))
        throw new InputError(
          `${where}: W${l}[${Math.floor(t / layer.cols)}][${t % layer.cols}] is ${layer.W[t]}, not a finite number`,
        );
    if (layer.b)
      for (let t = 0; t < layer.b.length; t++)
        if (!Number.isFinite(layer.b[t]))
          throw new InputError(`${where}: b${l}[${t}] is ${layer.b[t]}, not a finite number`);
    widths.push(layer.rows);
  });
  return { act: activation, widths, W: layers.map((x) => x.W), b: layers.map((x) => x.b) };
}

/** Number of layers L. */
export function mlpDepth(net: Mlp): number {
  return net.W.length;
}

/**
 * Number of parameters Σ_l (w_l w_{l−1} + [b_l present] w_l): the length of θ in packMlp's layout.
 *
 * @example
 * ```ts
 * import { createMlp, mlpParamCount } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: new Float64Array(6), b: new Float64Array(3), rows: 3, cols: 2 },
 *   { W: new Float64Array(3), b: null, rows: 1, cols: 3 },
 * ]);
 * console.log(mlpParamCount(net)); // 12 = 3·2 + 3 + 1·3
 * ```
 */
export function mlpParamCount(net: Mlp): number {
  let p = 0;
  for (let l = 1; l <= net.W.length; l++) p += net.W[l - 1].length + (net.b[l - 1] ? net.widths[l] : 0);
  return p;
}

export function cloneMlp(net: Mlp): Mlp {
  return {
    act: net.act,
    widths: [...net.widths],
    W: net.W.map((w) => w.slice()),
    b: net.b.map((b) => b?.slice() ?? null),
  };
}

/**
 * θ in layer order: W_1, b_1, W_2, b_2, … (absent biases skipped), as torch's `parameters()` lists them, so
 * that parameter vectors (mlpCurvatureProduct's) line up with PyTorch's.
 *
 * @example
 * ```ts
 * import { createMlp, packMlp } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 2), b: Float64Array.of(3), rows: 1, cols: 2 },
 *   { W: Float64Array.of(4), b: null, rows: 1, cols: 1 },
 * ]);
 * console.log([...packMlp(net)]); // [1, 2, 3, 4]
 * ```
 */
export function packMlp(net: Mlp): Float64Array {
  const out = new Float64Array(mlpParamCount(net));
  let o = 0;
  for (let l = 0; l < net.W.length; l++) {
    out.set(net.W[l], o);
    o += net.W[l].length;
    const b = net.b[l];
    if (b) {
      out.set(b, o);
      o += b.length;
    }
  }
  return out;
}

/**
 * The network with parameters θ (layout of packMlp) and the activation and widths of `net`; the inverse of
 * packMlp. Throws when θ has the wrong length.
 *
 * @example
 * ```ts
 * import { createMlp, mlpForward, packMlp, unpackMlp } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, -1), b: null, rows: 1, cols: 2 },
 *   { W: Float64Array.of(2), b: null, rows: 1, cols: 1 },
 * ]);
 * const doubled = unpackMlp(net, packMlp(net).map((t) => 2 * t));
 * console.log(mlpForward(doubled, Float64Array.of(3, 1), 1)[0]); // 16 = 4 relu(2·3 − 2·1)
 * ```
 */
export function unpackMlp(net: Mlp, theta: Float64Array): Mlp {
  if (theta.length !== mlpParamCount(net))
    throw new Error(`parameter vector has length ${theta.length}, expected ${mlpParamCount(net)}`);
  let o = 0;
  const W: Float64Array[] = [];
  const b: (Float64Array | null)[] = [];
  for (let l = 0; l < net.W.length; l++) {
    W.push(theta.slice(o, o + net.W[l].length));
    o += net.W[l].length;
    const bl = net.b[l];
    b.push(bl ? theta.slice(o, o + bl.length) : null);
    if (bl) o += bl.length;
  }
  return { act: net.act, widths: net.widths, W, b };
}

/**
 * The two-layer network as an Mlp (a → W_2 as a 1 × m row, W → W_1), no biases: the case L = 2, c = 1 of
 * docs/math.md#deep-networks, so the deep functions can be checked against the two-layer ones.
 *
 * @example
 * ```ts
 * import { createNetwork, forward, mlpForward, mlpFromNetwork } from 'flatlab';
 *
 * const two = createNetwork('relu', Float64Array.of(1, -1), Float64Array.of(1, 0, 0, 1), 2);
 * const x = Float64Array.of(3, 1);
 * console.log(mlpFromNetwork(two).widths, mlpForward(mlpFromNetwork(two), x, 1)[0], forward(two, x, 1)[0]); // [2, 2, 1] 2 2
 * ```
 */
export function mlpFromNetwork(net: Network): Mlp {
  return {
    act: net.act,
    widths: [net.d, net.m, 1],
    W: [net.W.slice(), net.a.slice()],
    b: [null, null],
  };
}

/**
 * The two-layer Network when the Mlp is one (L = 2, no biases, c = 1), else null: the inverse of
 * mlpFromNetwork, for handing a deep file that holds a two-layer network to the two-layer functions.
 *
 * @example
 * ```ts
 * import { createMlp, createNetwork, mlpFromNetwork, networkOfMlp } from 'flatlab';
 *
 * const two = createNetwork('relu', Float64Array.of(1, -1), Float64Array.of(1, 0, 0, 1), 2);
 * const back = networkOfMlp(mlpFromNetwork(two));
 * console.log(back?.m, [...(back?.a ?? [])]); // 2 [1, -1]
 * const biased = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1), b: Float64Array.of(1), rows: 1, cols: 1 },
 *   { W: Float64Array.of(1), b: null, rows: 1, cols: 1 },
 * ]);
 * console.log(networkOfMlp(biased)); // null: a bias is not a two-layer network
 * ```
 */
export function networkOfMlp(net: Mlp): Network | null {
  if (net.W.length !== 2 || net.b[0] || net.b[1] || net.widths[2] !== 1) return null;
  return createNetwork(net.act, net.W[1].slice(), net.W[0].slice(), net.widths[0]);
}

/** Rows per block of a pass: about 256k entries of the widest layer, at least 64 rows. */
export function mlpBlockRows(net: Mlp, n: number): number {
  const w = Math.max(...net.widths);
  return Math.max(1, Math.min(n, Math.max(64, Math.floor(262144 / w))));
}

export function checkMlpData(net: Mlp, data: Pick<MlpData, 'd' | 'c'>): void {
  const L = net.W.length;
  if (net.widths[0] !== data.d)
    throw new InputError(
      `dimension mismatch: the model has input dimension d = ${net.widths[0]} but the data have d = ${data.d}`,
    );
  if (net.widths[L] !== data.c)
    throw new InputError(
      `output mismatch: the model has c = ${net.widths[L]} outputs but the labels have ${data.c} column${data.c === 1 ? '' : 's'}`,
    );
}

/** The activations of one row block: pre-activations Z_l and outputs H_l (H_0 = X block, Z_L = f). */
export interface MlpBlock {
  readonly rows: number;
  /** H[l] for l = 0…L−1 (H[0] is the input block). */
  readonly H: Float64Array[];
  /** Z[l] for l = 1…L at index l − 1. */
  readonly Z: Float64Array[];
}

/** Forward pass of `rows` input rows through the backend's GEMM: Z_l = H_{l−1} W_lᵀ + b_l, H_l = σ(Z_l). */
export function mlpForwardBlock(net: Mlp, Xb: Float64Array, rows: number): MlpBlock {
  const be = getBackend();
  const L = net.W.length;
  const H: Float64Array[] = [Xb];
  const Z: Float64Array[] = [];
  for (let l = 1; l <= L; l++) {
    const wo = net.widths[l];
    const wi = net.widths[l - 1];
    const z = new Float64Array(rows * wo);
    be.gemm(false, true, rows, wo, wi, 1, H[l - 1], net.W[l - 1], 0, z);
    const b = net.b[l - 1];
    if (b) for (let i = 0; i < rows; i++) for (let j = 0; j < wo; j++) z[i * wo + j] += b[j];
    Z.push(z);
    if (l < L) {
      const h = new Float64Array(rows * wo);
      be.activate(net.act, z, rows * wo, 0, h);
      H.push(h);
    }
  }
  return { rows, H, Z };
}

/**
 * Network outputs f(x_i) for the n rows of X (n×d): row-major n×c, computed by row blocks through the
 * backend's GEMM so that memory stays bounded whatever n is.
 *
 * @example
 * ```ts
 * import { createMlp, mlpForward } from 'flatlab';
 *
 * // two outputs: f(x) = (relu(x1 − x2), 2 relu(x1 − x2) − 1)
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, -1), b: null, rows: 1, cols: 2 },
 *   { W: Float64Array.of(1, 2), b: Float64Array.of(0, -1), rows: 2, cols: 1 },
 * ]);
 * console.log([...mlpForward(net, Float64Array.of(3, 1, 0, 5), 2)]); // [2, 3, 0, -1]: rows x = (3, 1) and (0, 5)
 * ```
 */
export function mlpForward(net: Mlp, X: Float64Array, n: number): Float64Array {
  const d = net.widths[0];
  const c = net.widths[net.W.length];
  const F = new Float64Array(n * c);
  const blk = mlpBlockRows(net, n);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const rows = Math.min(blk, n - i0);
    const { Z } = mlpForwardBlock(net, X.subarray(i0 * d, (i0 + rows) * d), rows);
    F.set(Z[Z.length - 1], i0 * c);
  }
  return F;
}
