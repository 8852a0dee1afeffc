/**
 * Models as Python writes them, to and from a Network (docs/math.md#network): f(x) = Σ_j a_j σ(w_jᵀx)
 * with a (m) and W (m×d, row j = w_j — PyTorch's Linear weight layout, out × in).
 *
 * Key layouts, in order: explicit `keyW`/`keyA`; flatlab's own `a` and `W`; a PyTorch state_dict with
 * exactly two `….weight` tensors (nn.Sequential(Linear(d,m,bias=False), act, Linear(m,1,bias=False))
 * gives `0.weight` m×d and `2.weight` 1×m). A bias on either layer is refused: flatlab's networks have none.
 */
import { InputError } from '../errors.js';
import type { ActivationSpec } from '../model/activations.js';
import { activationToString, parseActivationString } from '../model/model-json.js';
import { createNetwork, type Network } from '../model/network.js';
import { resolveActivation } from './activation.js';
import { parseNpy, parseNpyText, writeNpy, writeNpyText } from './npy.js';
import { openNpz, writeNpz } from './npz.js';
import { parseSafetensors, writeSafetensors } from './safetensors.js';
import { shapeText, type Tensor } from './tensor.js';

/** The tensor file formats flatlab reads, by extension. */
export type TensorFormat = 'npz' | 'safetensors' | 'npy';

/**
 * The tensor format a path names by its extension, or null (a flatlab JSON file or CSV).
 *
 * @example
 * ```ts
 * import { tensorFormat } from 'flatlab';
 *
 * console.log(tensorFormat('model.safetensors'), tensorFormat('x.NPY'), tensorFormat('model.json')); // 'safetensors' 'npy' null
 * ```
 */
export function tensorFormat(path: string): TensorFormat | null {
  const m = /\.(npz|safetensors|npy)$/i.exec(path);
  return m ? (m[1].toLowerCase() as TensorFormat) : null;
}

/** The activation to assume when the file has none, and the names of the W and a arrays when they differ from the defaults. */
export interface ModelReadOptions {
  /** CLI spelling (relu, relu-pow:2, …) or a spec; required when the file carries no activation. */
  activation?: string | ActivationSpec;
  keyW?: string;
  keyA?: string;
}

/** The named arrays of a file, decoded on request, plus what flatlab itself stored there. */
export interface TensorSource {
  keys: string[];
  tensor(key: string): Tensor;
  activation: string | null;
  provenance: string | null;
}

export function npzSource(bytes: Uint8Array, where: string): TensorSource {
  const members = openNpz(bytes, where);
  const text = (k: string): string | null => {
    const b = members.get(k);
    return b ? parseNpyText(b, `${where}: "${k}"`) : null;
  };
  return {
    keys: [...members.keys()].filter((k) => k !== 'activation' && k !== 'provenance'),
    tensor: (k) => {
      const b = members.get(k);
      if (!b) throw new InputError(`${where}: no array "${k}"`);
      return parseNpy(b, `${where}: "${k}"`);
    },
    activation: text('activation'),
    provenance: text('provenance'),
  };
}

export function safetensorsSource(bytes: Uint8Array, where: string): TensorSource {
  const st = parseSafetensors(bytes, where);
  return {
    keys: [...st.entries.keys()],
    tensor: (k) => st.tensor(k),
    activation: st.metadata.activation ?? null,
    provenance: st.metadata.provenance ?? null,
  };
}

const BIAS_HELP =
  "flatlab's networks f(x) = Σ_j a_j σ(w_jᵀx) have none; a first-layer bias b is the same model on inputs [x, 1] with W' = [W, b] (d + 1 columns), so append a column of ones to x, or retrain with bias=False";

/** The (W, a) keys a file's names suggest: "W" and "a", or a two-layer state_dict's weights; null when neither. */
function detectKeys(keys: string[], has: Set<string>, where: string): [string, string] | null {
  if (has.has('W') && has.has('a')) return ['W', 'a'];
  const weights = keys
    .map((k) => ({ k, m: /^(.*?)(\d+)\.weight$/.exec(k) }))
    .filter((e) => e.m !== null)
    .sort((p, q) => Number(p.m?.[2]) - Number(q.m?.[2]));
  if (weights.length > 2) {
    throw new InputError(
      `${where}: ${weights.length} weight tensors (${weights.map((e) => e.k).join(', ')}): a deep network, read whole by mlpFromTensorBytes (src/io/mlp-state-dict.ts), as flatlab measure does`,
    );
  }
  return weights.length === 2 ? [weights[0].k, weights[1].k] : null;
}

/** Both keys are present, no other layer would be dropped, and neither layer has a bias. */
function checkKeys(keys: string[], has: Set<string>, kW: string, kA: string, where: string, list: string): void {
  for (const [flag, k] of [
    ['--key-W', kW],
    ['--key-a', kA],
  ] as const) {
    if (!has.has(k)) throw new InputError(`${where}: no array "${k}" (${flag}; keys: ${list})`);
  }
  // Two named layers out of a deeper state_dict would measure a network with the others dropped.
  const other = keys.find((k) => /\d+\.weight$/.test(k) && k !== kW && k !== kA);
  if (other !== undefined)
    throw new InputError(
      `${where}: the file also holds the layer "${other}", which --key-W ${kW} --key-a ${kA} would drop; leave out --key-W/--key-a to read the whole network`,
    );
  for (const k of [kW, kA]) {
    const bias = /weight$/.test(k) ? k.replace(/weight$/, 'bias') : null;
    const found = bias !== null && has.has(bias) ? bias : ['b', 'bias'].find((b) => has.has(b) && !/weight$/.test(k));
    if (found) throw new InputError(`${where}: the layer has a bias ("${found}"): ${BIAS_HELP}`);
  }
}

/** Which keys hold W and a, refusing biases and deeper networks with the reason. */
function resolveKeys(keys: string[], opts: ModelReadOptions, where: string): { kW: string; kA: string } {
  const has = new Set(keys);
  const list = keys.join(', ') || 'none';
  let kW = opts.keyW;
  let kA = opts.keyA;
  if (kW === undefined || kA === undefined) {
    const detected = detectKeys(keys, has, where);
    if (!detected) {
      throw new InputError(
        `${where}: no model arrays found (expected "a" and "W", or a PyTorch state_dict "0.weight"/"2.weight"; keys: ${list}); name them with --key-W and --key-a`,
      );
    }
    kW ??= detected[0];
    kA ??= detected[1];
  }
  checkKeys(keys, has, kW, kA, where, list);
  return { kW, kA };
}

/** Refuse a tensor with a non-finite entry, naming the tensor and the index. */
function requireFiniteEntries(name: string, t: Tensor, where: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]))
      throw new InputError(`${where}: ${name} entry ${i} is ${t.data[i]}, not a finite number`);
  }
}

/** Build the network from W (m×d) and a (m, 1×m or m×1), checking every shape and value. */
export function networkFromTensors(W: Tensor, a: Tensor, act: ActivationSpec, where: string): Network {
  if (W.shape.length !== 2) throw new InputError(`${where}: W must be 2-D (m × d), got shape ${shapeText(W.shape)}`);
  const [m, d] = W.shape;
  if (m < 1 || d < 1) throw new InputError(`${where}: W has shape ${shapeText(W.shape)}; m and d must be at least 1`);
  const s = a.shape;
  const vector = s.length === 1 || (s.length === 2 && (s[0] === 1 || s[1] === 1));
  if (!vector) {
    const outs = s.length === 2 ? `${s[0]} outputs; flatlab's networks have one` : 'expected a vector';
    throw new InputError(`${where}: a has shape ${shapeText(s)} (${outs})`);
  }
  if (a.data.length !== m) {
    throw new InputError(
      `${where}: a has ${a.data.length} entries but W has shape ${shapeText(W.shape)}, i.e. m = ${m} neurons (W must be m × d, out × in as in PyTorch)`,
    );
  }
  requireFiniteEntries('W', W, where);
  requireFiniteEntries('a', a, where);
  return createNetwork(act, Float64Array.from(a.data), Float64Array.from(W.data), d);
}

function parseProvenance(text: string | null, where: string): Record<string, unknown> {
  if (text === null) return {};
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    throw new InputError(`${where}: "provenance" is not valid JSON`);
  }
  if (!p || typeof p !== 'object' || Array.isArray(p))
    throw new InputError(`${where}: "provenance" is not a JSON object`);
  return p as Record<string, unknown>;
}

/**
 * Read a model from .npz or .safetensors bytes. `where` names the file in messages.
 *
 * @example
 * ```ts
 * import { createNetwork, modelFromTensorBytes, modelToNpz } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1, -1), Float64Array.of(1, 0, 0, 1), 2);
 * const { net: back } = modelFromTensorBytes(modelToNpz(net), 'npz');
 * console.log(back.m, back.act.spec.name); // 2 'relu' (flatlab's .npz records the activation)
 * ```
 */
export function modelFromTensorBytes(
  bytes: Uint8Array,
  format: 'npz' | 'safetensors',
  opts: ModelReadOptions = {},
  where = `model (.${format})`,
): { net: Network; provenance: Record<string, unknown> } {
  const src = format === 'npz' ? npzSource(bytes, where) : safetensorsSource(bytes, where);
  const fileAct = src.activation === null ? null : parseActivationString(src.activation, `${where}: activation`);
  const act = resolveActivation(fileAct, opts.activation, where);
  const { kW, kA } = resolveKeys(src.keys, opts, where);
  const net = networkFromTensors(src.tensor(kW), src.tensor(kA), act, where);
  return { net, provenance: parseProvenance(src.provenance, where) };
}

function modelArrays(net: Network): {
  W: { shape: number[]; data: Float64Array };
  a: { shape: number[]; data: Float64Array };
} {
  return { W: { shape: [net.m, net.d], data: net.W }, a: { shape: [net.m], data: net.a } };
}

/**
 * An .npz with a (m), W (m×d), activation (str) and provenance (JSON str): np.load reads it as is.
 *
 * @example
 * ```ts
 * import { createNetwork, modelToNpz } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1), Float64Array.of(1, 0), 2);
 * const bytes = modelToNpz(net, { note: 'for numpy' }); // np.load(...)['W'] is the 1×2 first layer
 * console.log(bytes.length > 0); // true
 * ```
 */
export function modelToNpz(net: Network, provenance: Record<string, unknown> = {}): Uint8Array {
  const { W, a } = modelArrays(net);
  return writeNpz({
    a: writeNpy(a.shape, a.data),
    W: writeNpy(W.shape, W.data),
    activation: writeNpyText(activationToString(net.act.spec)),
    provenance: writeNpyText(JSON.stringify(provenance)),
  });
}

/**
 * A safetensors file with F64 tensors a, W and metadata {format, activation, provenance}.
 *
 * @example
 * ```ts
 * import { createNetwork, modelToSafetensors, parseSafetensors } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1), Float64Array.of(1, 0), 2);
 * const file = parseSafetensors(modelToSafetensors(net));
 * console.log([...file.entries.keys()].sort()); // ['W', 'a']
 * ```
 */
export function modelToSafetensors(net: Network, provenance: Record<string, unknown> = {}): Uint8Array {
  return writeSafetensors(modelArrays(net), {
    format: 'flatlab.model/1',
    activation: activationToString(net.act.spec),
    provenance: JSON.stringify(provenance),
  });
}
