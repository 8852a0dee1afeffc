/**
 * The deep model file format, `flatlab.model/2`, converted to and from an `Mlp` (pure: no I/O).
 *
 *   {"format":"flatlab.model/2", "activation":{"name":"relu"},
 *    "layers":[{"W":[[…d]…h1], "b":[…h1]}, …, {"W":[[…h]…c], "b":[…c]}], …provenance}
 *
 * Layer l holds W (out × in, PyTorch's Linear layout) and an optional bias b. Every other top-level field is
 * provenance, kept as in flatlab.model/1 (src/model/format.ts, read and written unchanged).
 */
import { InputError } from '../errors.js';
import { createMlp, type Mlp, type MlpLayerInput } from './mlp.js';
import { parseActivationObject } from './model-json.js';

/** The `format` field of a deep model file: `flatlab.model/2` (layers of W and optional b, plus provenance). */
export const MLP_MODEL_FORMAT = 'flatlab.model/2';

const REQUIRED = new Set(['format', 'activation', 'layers']);

/**
 * The flatlab.model/2 JSON object of a network: the activation, each layer's W as rows (out × in) and its
 * bias where present, and the provenance fields (any of `format`, `activation`, `layers` among them is
 * ignored, so provenance cannot overwrite the model). Write it with JSON.stringify; modelToMlp reads it back.
 *
 * @example
 * ```ts
 * import { createMlp, mlpToModel } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const json = mlpToModel(net, { seed: 0 });
 * console.log(json.format, json.seed, (json.layers as unknown[]).length); // flatlab.model/2 0 2
 * ```
 */
export function mlpToModel(net: Mlp, provenance: Record<string, unknown> = {}): Record<string, unknown> {
  const layers = net.W.map((W, i) => {
    const rows = net.widths[i + 1];
    const cols = net.widths[i];
    const out: { W: number[][]; b?: number[] } = { W: [] };
    for (let r = 0; r < rows; r++) out.W.push(Array.from(W.subarray(r * cols, (r + 1) * cols)));
    const b = net.b[i];
    if (b) out.b = Array.from(b);
    return out;
  });
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(provenance)) if (!REQUIRED.has(k) && v !== undefined) extra[k] = v;
  return { format: MLP_MODEL_FORMAT, activation: { ...net.act.spec }, ...extra, layers };
}

function numbers(raw: unknown, where: string): Float64Array {
  if (!Array.isArray(raw)) throw new InputError(`${where} must be an array of numbers`);
  const out = new Float64Array(raw.length);
  raw.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}[${i}] must be a finite number`);
    out[i] = v;
  });
  return out;
}

/**
 * Validate a parsed flatlab.model/2 object and build the network, with every other top-level field returned as
 * provenance (InputError naming the field on bad input, and saying so when the object is a flatlab.model/1 file).
 *
 * @example
 * ```ts
 * import { createMlp, mlpToModel, modelToMlp, packMlp } from 'flatlab';
 *
 * const net = createMlp({ name: 'relu' }, [
 *   { W: Float64Array.of(1, 0, 0, 1, 1, -1), b: Float64Array.of(0, 0, 1), rows: 3, cols: 2 },
 *   { W: Float64Array.of(1, 2, -1), b: Float64Array.of(0.5), rows: 1, cols: 3 },
 * ]);
 * const back = modelToMlp(JSON.parse(JSON.stringify(mlpToModel(net, { seed: 0 }))));
 * console.log(back.provenance, packMlp(back.net).join() === packMlp(net).join()); // { seed: 0 } true
 * ```
 */
export function modelToMlp(json: unknown, where = 'model'): { net: Mlp; provenance: Record<string, unknown> } {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new InputError(`${where}: expected a JSON object with "format": "${MLP_MODEL_FORMAT}"`);
  const o = json as Record<string, unknown>;
  if (o.format !== MLP_MODEL_FORMAT) throw new InputError(`${where}: "format" must be "${MLP_MODEL_FORMAT}"`);
  const spec = parseActivationObject(o.activation, `${where}: activation`);
  if (!Array.isArray(o.layers) || o.layers.length < 2)
    throw new InputError(
      `${where}: "layers" must be an array of at least 2 layers${'W' in o || 'a' in o ? ' ("a" and "W" are the fields of flatlab.model/1)' : ''}`,
    );
  const layers: MlpLayerInput[] = o.layers.map((raw, i) => parseLayer(raw, `${where}: layers[${i}]`));
  const provenance: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!REQUIRED.has(k)) provenance[k] = v;
  return { net: createMlp(spec, layers, where), provenance };
}

/** One layer of a flatlab.model/2 file: `W` as rows, optional bias `b`, no other field. */
function parseLayer(raw: unknown, at: string): MlpLayerInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${at} must be an object`);
  const layer = raw as Record<string, unknown>;
  for (const k of Object.keys(layer))
    if (k !== 'W' && k !== 'b') throw new InputError(`${at}: unknown field "${k}" (allowed: W, b)`);
  if (!Array.isArray(layer.W) || layer.W.length === 0)
    throw new InputError(`${at}.W must be a non-empty array of rows`);
  const rows = layer.W.length;
  const first = layer.W[0];
  const cols = Array.isArray(first) ? first.length : 0;
  const W = new Float64Array(rows * cols);
  layer.W.forEach((row, r) => {
    const v = numbers(row, `${at}.W[${r}]`);
    if (v.length !== cols) throw new InputError(`${at}.W[${r}] has ${v.length} entries but W[0] has ${cols}`);
    W.set(v, r * cols);
  });
  const b = layer.b === undefined ? null : numbers(layer.b, `${at}.b`);
  return { W, b, rows, cols };
}
