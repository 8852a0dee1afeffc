/**
 * Deep networks as PyTorch writes them (docs/python.md#deep-networks): the state_dict of
 * `nn.Sequential(Linear, act, …, Linear)` — `0.weight`, `0.bias`, `2.weight`, … (any common prefix, such as
 * `net.`) — in .safetensors or .npz, read whole or refused with one line naming the key; and written back
 * with the same names (float64, so `model.load_state_dict(load_file(path))` works in Python). Two-layer,
 * bias-free, scalar files keep going through model-tensors.ts, so they give exactly the numbers they did.
 * Also: data sets whose labels y have shape (n, c), from .npz or from flatlab.dataset/1 JSON with rows of y.
 */
import type { Dataset } from '../data/dataset.js';
import { DATASET_FORMAT } from '../data/dataset-json.js';
import { InputError } from '../errors.js';
import { createMlp, type Mlp, type MlpData } from '../model/mlp.js';
import { MLP_MODEL_FORMAT } from '../model/mlp-json.js';
import { activationToString, parseActivationString } from '../model/model-json.js';
import type { Network } from '../model/network.js';
import { resolveActivation } from './activation.js';
import {
  type ModelReadOptions,
  modelFromTensorBytes,
  npzSource,
  safetensorsSource,
  type TensorSource,
} from './model-tensors.js';
import { parseNpy, writeNpy, writeNpyText } from './npy.js';
import { readNpz, writeNpz } from './npz.js';
import { writeSafetensors } from './safetensors.js';
import { shapeText, type Tensor } from './tensor.js';

const LINEAR_KEY = /^(.*?)(\d+)\.(weight|bias)$/;

/** The layers of a Linear-only state_dict in order (weight and bias keys), or null when the keys are not one. */
export function stateDictLayers(
  keys: readonly string[],
  where: string,
): { weight: string; bias: string | null }[] | null {
  const parsed = keys.map((k) => ({ k, m: LINEAR_KEY.exec(k) }));
  if (!parsed.some((p) => p.m && p.m[3] === 'weight')) return null;
  const unknown = parsed.find((p) => !p.m);
  if (unknown)
    throw new InputError(
      `${where}: key "${unknown.k}" is not a Linear layer's weight or bias (the state_dict of nn.Sequential(Linear, act, …, Linear) holds N.weight and N.bias only)`,
    );
  const prefix = parsed[0].m?.[1] ?? '';
  const stray = parsed.find((p) => p.m?.[1] !== prefix);
  if (stray)
    throw new InputError(`${where}: key "${stray.k}" does not share the prefix "${prefix}" of the other layers`);
  const byIndex = new Map<number, { weight: string | null; bias: string | null }>();
  for (const p of parsed) {
    const idx = Number(p.m?.[2]);
    const e = byIndex.get(idx) ?? { weight: null, bias: null };
    if (p.m?.[3] === 'weight') e.weight = p.k;
    else e.bias = p.k;
    byIndex.set(idx, e);
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  const layers: { weight: string; bias: string | null }[] = [];
  for (const [i, idx] of indices.entries()) {
    const e = byIndex.get(idx) as { weight: string | null; bias: string | null };
    if (e.weight === null) throw new InputError(`${where}: key "${e.bias}" is a bias without its layer's weight`);
    if (i >= 2 && idx - indices[i - 1] !== indices[1] - indices[0])
      throw new InputError(
        `${where}: key "${e.weight}" follows "${byIndex.get(indices[i - 1])?.weight}" after a gap of ${idx - indices[i - 1]} where the first layers are ${indices[1] - indices[0]} apart: a layer is missing (if other modules, such as Dropout, sit between the Linear layers, save the Linear layers' state_dict under evenly spaced indices)`,
      );
    layers.push({ weight: e.weight, bias: e.bias });
  }
  return layers;
}

/** Build the deep network from a source's state_dict layers, checking every shape and naming the key. */
function mlpFromSource(
  src: TensorSource,
  layers: { weight: string; bias: string | null }[],
  opts: ModelReadOptions,
  where: string,
): Mlp {
  const fileAct = src.activation === null ? null : parseActivationString(src.activation, `${where}: activation`);
  const act = resolveActivation(fileAct, opts.activation, where);
  if (layers.length < 2)
    throw new InputError(`${where}: only one Linear layer ("${layers[0].weight}"); a network has at least 2`);
  let prevOut = -1;
  let prevKey = '';
  const built = layers.map(({ weight, bias }) => {
    const W = src.tensor(weight);
    if (W.shape.length !== 2)
      throw new InputError(`${where}: "${weight}" must be 2-D (out × in), got ${shapeText(W.shape)}`);
    const [rows, cols] = W.shape;
    if (prevOut >= 0 && cols !== prevOut)
      throw new InputError(
        `${where}: "${weight}" has shape ${shapeText(W.shape)} but "${prevKey}" gives ${prevOut} outputs (the shapes do not compose)`,
      );
    prevOut = rows;
    prevKey = weight;
    checkFinite(W, weight, where);
    let b: Float64Array | null = null;
    if (bias !== null) {
      const t = src.tensor(bias);
      if (t.shape.length !== 1 || t.shape[0] !== rows)
        throw new InputError(`${where}: "${bias}" has shape ${shapeText(t.shape)}, expected (${rows},)`);
      checkFinite(t, bias, where);
      b = Float64Array.from(t.data);
    }
    return { W: Float64Array.from(W.data), b, rows, cols };
  });
  return createMlp(act, built, where);
}

function checkFinite(t: Tensor, key: string, where: string): void {
  for (let i = 0; i < t.data.length; i++)
    if (!Number.isFinite(t.data[i]))
      throw new InputError(`${where}: "${key}" entry ${i} is ${t.data[i]}, not a finite number`);
}

/** A model file read whole: a two-layer network (flatlab.model/1's kind) or a deep one, with its provenance. */
export type AnyModel =
  | { kind: 'two-layer'; net: Network; provenance: Record<string, unknown> }
  | { kind: 'deep'; net: Mlp; provenance: Record<string, unknown> };

/**
 * A model from .npz / .safetensors bytes, two-layer or deep. flatlab's own `a`/`W`, explicit --key-W/--key-a,
 * and a bias-free two-Linear scalar state_dict are read as the two-layer Network; any other state_dict
 * (more layers, biases, several outputs) is read whole as a deep network. So a caller takes whatever file
 * PyTorch or flatlab wrote and branches on `kind`.
 *
 * @example
 * ```ts
 * import { anyModelFromTensorBytes, createMlp, createNetwork, mlpFromNetwork, mlpToSafetensors } from 'flatlab';
 *
 * const two = mlpFromNetwork(createNetwork('relu', Float64Array.of(1, -1), Float64Array.of(1, 0, 0, 1), 2));
 * const deep = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1), b: Float64Array.of(0, 1), rows: 2, cols: 2 },
 *   { W: Float64Array.of(1, -1), b: null, rows: 1, cols: 2 },
 * ]);
 * const kinds = [two, deep].map((net) => anyModelFromTensorBytes(mlpToSafetensors(net), 'safetensors').kind);
 * console.log(kinds); // ['two-layer', 'deep']: a bias makes the second one deep
 * ```
 */
export function anyModelFromTensorBytes(
  bytes: Uint8Array,
  format: 'npz' | 'safetensors',
  opts: ModelReadOptions = {},
  where = `model (.${format})`,
): AnyModel {
  const src = format === 'npz' ? npzSource(bytes, where) : safetensorsSource(bytes, where);
  const explicit = opts.keyW !== undefined || opts.keyA !== undefined;
  const flat = src.keys.includes('W') && src.keys.includes('a');
  const layers = explicit || flat ? null : stateDictLayers(src.keys, where);
  if (layers) {
    const last = src.tensor(layers[layers.length - 1].weight);
    const twoLayer = layers.length === 2 && layers.every((l) => l.bias === null) && last.shape[0] === 1;
    if (!twoLayer) {
      return { kind: 'deep', net: mlpFromSource(src, layers, opts, where), provenance: provenanceOf(src, where) };
    }
  }
  const r = modelFromTensorBytes(bytes, format, opts, where);
  return { kind: 'two-layer', ...r };
}

function provenanceOf(src: TensorSource, where: string): Record<string, unknown> {
  if (src.provenance === null) return {};
  try {
    const p: unknown = JSON.parse(src.provenance);
    if (p && typeof p === 'object' && !Array.isArray(p)) return p as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InputError(`${where}: "provenance" is not a JSON object`);
}

/** The state_dict of nn.Sequential(Linear, act, …, Linear): keys 0.weight, 0.bias, 2.weight, … */
export function mlpStateDict(net: Mlp): Record<string, { shape: number[]; data: Float64Array }> {
  const out: Record<string, { shape: number[]; data: Float64Array }> = {};
  net.W.forEach((W, i) => {
    out[`${2 * i}.weight`] = { shape: [net.widths[i + 1], net.widths[i]], data: W };
    const b = net.b[i];
    if (b) out[`${2 * i}.bias`] = { shape: [b.length], data: b };
  });
  return out;
}

/**
 * The network as .safetensors bytes: the float64 state_dict of nn.Sequential(Linear, act, …, Linear)
 * (`0.weight`, `0.bias`, `2.weight`, …), with the format, activation and provenance in the metadata, so that
 * PyTorch's `model.load_state_dict(load_file(path))` reads it and anyModelFromTensorBytes reads it back.
 *
 * @example
 * ```ts
 * import { anyModelFromTensorBytes, createMlp, mlpToSafetensors } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const back = anyModelFromTensorBytes(mlpToSafetensors(net, { seed: 0 }), 'safetensors');
 * console.log(back.kind, back.provenance); // deep { seed: 0 }
 * ```
 */
export function mlpToSafetensors(net: Mlp, provenance: Record<string, unknown> = {}): Uint8Array {
  return writeSafetensors(mlpStateDict(net), {
    format: MLP_MODEL_FORMAT,
    activation: activationToString(net.act.spec),
    provenance: JSON.stringify(provenance),
  });
}

/**
 * The network as .npz bytes: one float64 .npy member per state_dict key (`0.weight`, `0.bias`, `2.weight`, …,
 * as PyTorch names them) plus `activation` and `provenance` text members; numpy's `np.load` reads it.
 *
 * @example
 * ```ts
 * import { anyModelFromTensorBytes, createMlp, mlpToNpz } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const back = anyModelFromTensorBytes(mlpToNpz(net), 'npz');
 * console.log(back.kind, back.kind === 'deep' && back.net.widths); // deep [2, 3, 1]
 * ```
 */
export function mlpToNpz(net: Mlp, provenance: Record<string, unknown> = {}): Uint8Array {
  const members: Record<string, Uint8Array> = {};
  for (const [k, t] of Object.entries(mlpStateDict(net))) members[k] = writeNpy(t.shape, t.data);
  members.activation = writeNpyText(activationToString(net.act.spec));
  members.provenance = writeNpyText(JSON.stringify(provenance));
  return writeNpz(members);
}

/** A scalar-label data set as MlpData (c = 1). */
export function mlpDataOf(data: Dataset): MlpData {
  return { n: data.n, d: data.d, c: 1, X: data.X, Y: data.y };
}

/** The label columns of an .npz data set's y: 1 for (n) or (n, 1), c for (n, c); null when y is absent. */
export function npzLabelColumns(bytes: Uint8Array, where: string): number | null {
  const y = readNpz(bytes, where).get('y');
  if (!y) return null;
  const t = parseNpy(y, `${where}: "y"`);
  return t.shape.length === 2 ? t.shape[1] : 1;
}

/** An .npz data set with labels y of shape (n, c) (x of shape (n, d)). */
export function mlpDataFromNpz(bytes: Uint8Array, where: string): MlpData {
  const members = readNpz(bytes, where);
  const get = (k: string): Tensor => {
    const b = members.get(k);
    if (!b) throw new InputError(`${where}: no array "${k}" (a data set .npz holds x (n × d) and y (n) or (n, c))`);
    return parseNpy(b, `${where}: "${k}"`);
  };
  const x = get('x');
  const y = get('y');
  if (x.shape.length !== 2 || x.shape[0] < 1 || x.shape[1] < 1)
    throw new InputError(`${where}: x must be 2-D (n × d), got shape ${shapeText(x.shape)}`);
  const [n, d] = x.shape;
  if (y.shape.length !== 2 || y.shape[0] !== n || y.shape[1] < 1)
    throw new InputError(`${where}: y has shape ${shapeText(y.shape)} but x has n = ${n} rows (expected (${n}, c))`);
  checkFinite(x, 'x', where);
  checkFinite(y, 'y', where);
  return { n, d, c: y.shape[1], X: x.data, Y: y.data };
}

/** A flatlab.dataset/1 JSON object whose y holds rows of c labels (x rows of d inputs). */
export function mlpDataFromJson(json: unknown, where: string): MlpData {
  const o = (json ?? {}) as Record<string, unknown>;
  if (o.format !== DATASET_FORMAT) throw new InputError(`${where}: "format" must be "${DATASET_FORMAT}"`);
  const rows = (key: 'x' | 'y'): { data: Float64Array; n: number; cols: number } => {
    const raw = o[key];
    if (!Array.isArray(raw) || raw.length === 0 || !Array.isArray(raw[0]) || raw[0].length === 0)
      throw new InputError(`${where}: "${key}" must be a non-empty array of non-empty rows`);
    const cols = raw[0].length;
    const data = new Float64Array(raw.length * cols);
    raw.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols)
        throw new InputError(`${where}: ${key}[${i}] must be a row of ${cols} numbers like ${key}[0]`);
      row.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new InputError(`${where}: ${key}[${i}][${j}] must be a finite number`);
        data[i * cols + j] = v;
      });
    });
    return { data, n: raw.length, cols };
  };
  const x = rows('x');
  const y = rows('y');
  if (y.n !== x.n) throw new InputError(`${where}: "y" has ${y.n} rows but "x" has ${x.n}`);
  if (o.n !== undefined && o.n !== x.n) throw new InputError(`${where}: "n" is ${String(o.n)} but "x" has ${x.n} rows`);
  if (o.d !== undefined && o.d !== x.cols)
    throw new InputError(`${where}: "d" is ${String(o.d)} but x rows have ${x.cols}`);
  return { n: x.n, d: x.cols, c: y.cols, X: x.data, Y: y.data };
}
