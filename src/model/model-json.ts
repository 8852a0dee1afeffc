/**
 * The model file format, `flatlab.model/1`, converted to and from a `Network` (pure: no I/O).
 *
 *   {"format":"flatlab.model/1", "activation":{"name":"relu-pow","p":2}, "a":[…m], "W":[[…d]…m],
 *    …optional provenance: "seed", "version", "backend", "construction", "rescale", …}
 *
 * Every other top-level field is kept as provenance (round-tripped, never interpreted), so that tools
 * can record how a model was made without a format change.
 */
import { InputError } from '../errors.js';
import { currentSpelling } from '../spellings.js';
import { ACTIVATION_NAMES, type ActivationName, type ActivationSpec, makeActivation } from './activations.js';
import { createNetwork, type Network } from './network.js';

/** The `format` tag of a model JSON file. */
export const MODEL_FORMAT = 'flatlab.model/1';

/** A model as written to a `flatlab.model/1` JSON file; other top-level fields are provenance. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  activation: ActivationSpec;
  a: number[];
  W: number[][];
  [provenance: string]: unknown;
}

const REQUIRED = new Set(['format', 'activation', 'a', 'W']);
const ACTIVATION_FIELDS = new Set(['name', 'p', 'alpha']);
/** The one parameter field each activation takes (none for the others). */
const PARAMETER_OF: Partial<Record<ActivationName, 'p' | 'alpha'>> = {
  'relu-pow': 'p',
  'abs-pow': 'p',
  'leaky-relu': 'alpha',
};

/**
 * The JSON object for a network, with optional provenance fields appended after the weights' header.
 *
 * @example
 * ```ts
 * import { createNetwork, modelToNetwork, networkToModel } from 'flatlab';
 *
 * const net = createNetwork('relu', Float64Array.of(1, -1), Float64Array.of(1, 0, 0, 1), 2);
 * const file = networkToModel(net, { note: 'hand-made' });
 * const { net: back, provenance } = modelToNetwork(JSON.parse(JSON.stringify(file)));
 * console.log(back.m, provenance.note); // 2 'hand-made'
 * ```
 */
export function networkToModel(net: Network, provenance: Record<string, unknown> = {}): ModelFile {
  const W: number[][] = [];
  for (let j = 0; j < net.m; j++) W.push(Array.from(net.W.subarray(j * net.d, (j + 1) * net.d)));
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(provenance)) if (!REQUIRED.has(k) && v !== undefined) extra[k] = v;
  return { format: MODEL_FORMAT, activation: { ...net.act.spec }, ...extra, a: Array.from(net.a), W };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : String(v);
}

/** The activation's parameter fields: only the one it takes (p or alpha), and a finite number. */
function checkActivationParameters(o: Record<string, unknown>, name: ActivationName, where: string): void {
  // A parameter the activation does not take would be silently ignored: {"name":"relu","p":2} is refused.
  const takes = PARAMETER_OF[name];
  for (const k of ['p', 'alpha'] as const) {
    if (o[k] !== undefined && takes !== k)
      throw new InputError(
        `${where}: ${name} takes ${takes === undefined ? 'no parameter' : `only "${takes}"`} (got "${k}")`,
      );
  }
  for (const k of ['p', 'alpha'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]))) {
      throw new InputError(`${where}.${k} must be a finite number (got ${describe(o[k])})`);
    }
  }
}

/** Validate the activation object of a model file and build its spec. */
export function parseActivationObject(raw: unknown, where = 'activation'): ActivationSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`${where} must be an object like {"name":"relu"} (got ${describe(raw)})`);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!ACTIVATION_FIELDS.has(k)) throw new InputError(`${where}: unknown field "${k}" (allowed: name, p, alpha)`);
  }
  if (typeof o.name !== 'string') throw new InputError(`${where}.name must be one of ${ACTIVATION_NAMES.join(', ')}`);
  const name = currentSpelling(o.name); // relu_pow, leaky_relu, abs_pow: deprecated spellings
  // An own-name check: "constructor" or "__proto__" must not reach a prototype lookup.
  if (!(ACTIVATION_NAMES as readonly string[]).includes(name))
    throw new InputError(`${where}: unknown activation ${describe(o.name)} (allowed: ${ACTIVATION_NAMES.join(', ')})`);
  checkActivationParameters(o, name as ActivationName, where);
  const spec: ActivationSpec = { name: name as ActivationName };
  if (o.p !== undefined) spec.p = o.p as number;
  if (o.alpha !== undefined) spec.alpha = o.alpha as number;
  return makeActivation(spec).spec; // validates the name and the parameter ranges
}

/**
 * Parse an activation written on a command line: `relu`, `relu-pow:2`, `abs-pow:3`, `leaky-relu:0.1`
 * (the number after the colon is p, or alpha for leaky-relu).
 *
 * @example
 * ```ts
 * import { parseActivationString } from 'flatlab';
 *
 * console.log(parseActivationString('relu-pow:2')); // { name: 'relu-pow', p: 2 }
 * console.log(parseActivationString('leaky_relu:0.1')); // { name: 'leaky-relu', alpha: 0.1 } (old spelling read)
 * ```
 */
export function parseActivationString(s: string, where = '--activation'): ActivationSpec {
  const m = /^([a-z_-]+)(?::(.+))?$/.exec(s.trim());
  if (!m) throw new InputError(`${where} must look like relu, relu-pow:2 or leaky-relu:0.1 (got ${JSON.stringify(s)})`);
  const name = currentSpelling(m[1]) as ActivationName; // relu_pow, leaky_relu, abs_pow: deprecated
  if (!ACTIVATION_NAMES.includes(name)) {
    throw new InputError(`${where}: unknown activation "${name}" (allowed: ${ACTIVATION_NAMES.join(', ')})`);
  }
  const spec: ActivationSpec = { name };
  if (m[2] !== undefined) {
    const v = Number(m[2]);
    if (!Number.isFinite(v))
      throw new InputError(`${where}: the parameter of ${name} must be a number (got ${JSON.stringify(m[2])})`);
    if (name === 'leaky-relu') spec.alpha = v;
    else if (name === 'relu-pow' || name === 'abs-pow') spec.p = v;
    else throw new InputError(`${where}: ${name} takes no parameter (got ${JSON.stringify(s)})`);
  }
  return makeActivation(spec).spec;
}

/**
 * The CLI spelling of an activation spec (inverse of parseActivationString).
 *
 * @example
 * ```ts
 * import { activationToString } from 'flatlab';
 *
 * console.log(activationToString({ name: 'relu-pow', p: 3 })); // 'relu-pow:3'
 * ```
 */
export function activationToString(spec: ActivationSpec): string {
  if (spec.name === 'leaky-relu') return `leaky-relu:${spec.alpha ?? 0.01}`;
  if (spec.name === 'relu-pow' || spec.name === 'abs-pow') return `${spec.name}:${spec.p ?? 2}`;
  return spec.name;
}

/** The output weights "a": every entry a finite number. */
function modelOutputWeights(raw: unknown[], where: string): Float64Array {
  const a = new Float64Array(raw.length);
  for (let j = 0; j < raw.length; j++) {
    const v = raw[j];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(`${where}: a[${j}] must be a finite number (got ${describe(v)})`);
    a[j] = v;
  }
  return a;
}

/** The input weights "W": m rows of d finite numbers (d from the first row), row-major. */
function modelInputWeights(rows: unknown[], m: number, where: string): { W: Float64Array; d: number } {
  const row0 = rows[0];
  if (!Array.isArray(row0)) throw new InputError(`${where}: W[0] must be an array of numbers (got ${describe(row0)})`);
  const d = row0.length;
  if (d === 0)
    throw new InputError(`${where}: the input dimension d = length of W[0] must be at least 1 (got an empty row)`);
  const W = new Float64Array(m * d);
  for (let j = 0; j < m; j++) {
    const row = rows[j];
    if (!Array.isArray(row))
      throw new InputError(`${where}: W[${j}] must be an array of numbers (got ${describe(row)})`);
    if (row.length !== d)
      throw new InputError(`${where}: W[${j}] has ${row.length} entries but W[0] has ${d} (ragged rows)`);
    for (let t = 0; t < d; t++) {
      const v = row[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(`${where}: W[${j}][${t}] must be a finite number (got ${describe(v)})`);
      }
      W[j * d + t] = v;
    }
  }
  return { W, d };
}

/**
 * Validate a parsed model file and build the network. `where` names the source in messages (e.g. the
 * file path). Returns the provenance fields too.
 *
 * @example
 * ```ts
 * import { modelToNetwork } from 'flatlab';
 *
 * const { net } = modelToNetwork({ format: 'flatlab.model/1', activation: { name: 'relu' }, a: [1], W: [[1, 0]] });
 * console.log(net.m, net.d, net.act.degree); // 1 2 1
 * ```
 */
export function modelToNetwork(json: unknown, where = 'model'): { net: Network; provenance: Record<string, unknown> } {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${where}: expected a JSON object with "format": "${MODEL_FORMAT}" (got ${describe(json)})`);
  }
  const o = json as Record<string, unknown>;
  if (o.format !== MODEL_FORMAT) {
    throw new InputError(`${where}: "format" must be "${MODEL_FORMAT}" (got ${describe(o.format)})`);
  }
  const spec = parseActivationObject(o.activation, `${where}: activation`);
  if (!Array.isArray(o.a)) throw new InputError(`${where}: "a" must be an array of numbers (got ${describe(o.a)})`);
  if (!Array.isArray(o.W)) throw new InputError(`${where}: "W" must be an array of rows (got ${describe(o.W)})`);
  const m = o.a.length;
  if (m === 0) throw new InputError(`${where}: the width m = length of "a" must be at least 1 (got an empty array)`);
  if (o.W.length !== m) {
    throw new InputError(`${where}: "W" has ${o.W.length} rows but "a" has ${m} entries (one row per neuron)`);
  }
  const a = modelOutputWeights(o.a, where);
  const { W, d } = modelInputWeights(o.W, m, where);
  const provenance: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!REQUIRED.has(k)) provenance[k] = v;
  return { net: createNetwork(spec, a, W, d), provenance };
}
