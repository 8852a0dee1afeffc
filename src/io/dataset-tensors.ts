/**
 * Data sets as Python writes them (docs/math.md#data): an .npz with x (n×d) and y (n, or n×1), or two
 * .npy files. flatlab's own .npz data also hold the teacher `target` (JSON string) and `seed`, so a
 * generated data set keeps its exact population risk after a trip through numpy.
 */
import type { Dataset } from '../data/dataset.js';
import { MAX_ENTRIES } from '../data/generate.js';
import type { TargetSpec } from '../data/target.js';
import { validateTarget } from '../data/targets.js';
import { InputError } from '../errors.js';
import { parseNpy, parseNpyText, writeNpy, writeNpyText } from './npy.js';
import { type NpzArchive, openNpz, writeNpz } from './npz.js';
import { shapeText, type Tensor } from './tensor.js';

function checkFinite(t: Tensor, name: string, d: number, where: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      const at = d > 0 ? `${name}[${Math.floor(i / d)}][${i % d}]` : `${name}[${i}]`;
      throw new InputError(`${where}: ${at} is ${t.data[i]}, not a finite number`);
    }
  }
}

/** A Dataset from x (n×d) and y (n or n×1), checking shapes, sizes and values. */
export function datasetFromTensors(
  x: Tensor,
  y: Tensor,
  where: string,
  extra: { target?: TargetSpec; seed?: number } = {},
): Dataset {
  if (x.shape.length !== 2) throw new InputError(`${where}: x must be 2-D (n × d), got shape ${shapeText(x.shape)}`);
  const [n, d] = x.shape;
  if (n < 1 || d < 1) throw new InputError(`${where}: x has shape ${shapeText(x.shape)}; n and d must be at least 1`);
  if (n * d > MAX_ENTRIES) throw new InputError(`${where}: n·d = ${n * d} exceeds the limit of ${MAX_ENTRIES} entries`);
  const ys = y.shape;
  if (!(ys.length === 1 || (ys.length === 2 && ys[1] === 1)) || y.data.length !== n) {
    throw new InputError(
      `${where}: y has shape ${shapeText(ys)} but x has n = ${n} rows (expected (${n},) or (${n}, 1))`,
    );
  }
  checkFinite(x, 'x', d, where);
  checkFinite(y, 'y', 0, where);
  if (extra.target && extra.target.d !== d)
    throw new InputError(`${where}: target.d = ${extra.target.d} but x has d = ${d}`);
  return { d, n, X: x.data, y: y.data, ...extra };
}

function extras(members: NpzArchive, where: string): { target?: TargetSpec; seed?: number } {
  const out: { target?: TargetSpec; seed?: number } = {};
  const t = members.get('target');
  if (t) {
    let raw: unknown;
    try {
      raw = JSON.parse(parseNpyText(t, `${where}: "target"`));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${where}: "target" is not valid JSON`);
    }
    try {
      out.target = validateTarget(raw, 'target');
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${where}: ${e.message}`);
      throw e;
    }
  }
  const s = members.get('seed');
  if (s) {
    const v = parseNpy(s, `${where}: "seed"`).data;
    if (v.length !== 1 || !Number.isSafeInteger(v[0]) || v[0] < 0)
      throw new InputError(`${where}: "seed" must be one non-negative integer`);
    out.seed = v[0];
  }
  return out;
}

/**
 * Read an .npz data set: arrays x and y (extra arrays are ignored, except flatlab's target and seed).
 *
 * @example
 * ```ts
 * import { datasetFromNpz, datasetToNpz, makeDataset } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 5, r: 1, links: 'relu', seed: 0 });
 * const back = datasetFromNpz(datasetToNpz(data));
 * console.log(back.n, back.d, back.target?.kind); // 5 3 'sum': flatlab's .npz keeps the target
 * ```
 */
export function datasetFromNpz(bytes: Uint8Array, where = 'data set (.npz)'): Dataset {
  const members = openNpz(bytes, where);
  const get = (k: string): Tensor => {
    const b = members.get(k);
    if (!b) {
      throw new InputError(
        `${where}: no array "${k}" (a data set .npz holds x (n × d) and y (n); keys: ${[...members.keys()].join(', ') || 'none'})`,
      );
    }
    return parseNpy(b, `${where}: "${k}"`);
  };
  return datasetFromTensors(get('x'), get('y'), where, extras(members, where));
}

/**
 * A data set from two .npy files: inputs x (n×d) and labels y (n).
 *
 * @example
 * ```ts
 * import { datasetFromNpyPair, writeNpy } from 'flatlab';
 *
 * const data = datasetFromNpyPair(writeNpy([2, 1], Float64Array.of(1, 2)), writeNpy([2], Float64Array.of(3, 4)));
 * console.log(data.n, data.d, data.target); // 2 1 undefined
 * ```
 */
export function datasetFromNpyPair(xBytes: Uint8Array, yBytes: Uint8Array, where = 'data set'): Dataset {
  return datasetFromTensors(parseNpy(xBytes, `${where}: x`), parseNpy(yBytes, `${where}: labels`), where);
}

/**
 * An .npz with x (n×d), y (n), and the target (JSON) and seed when the data were generated.
 *
 * @example
 * ```ts
 * import { datasetToNpz, makeDataset } from 'flatlab';
 *
 * const bytes = datasetToNpz(makeDataset({ d: 3, n: 5, r: 1, links: 'relu', seed: 0 }));
 * console.log(bytes.length > 0); // true: np.load(...)['x'] is the 5×3 input matrix
 * ```
 */
export function datasetToNpz(data: Dataset): Uint8Array {
  const members: Record<string, Uint8Array> = { x: writeNpy([data.n, data.d], data.X), y: writeNpy([data.n], data.y) };
  if (data.target) members.target = writeNpyText(JSON.stringify(data.target));
  if (data.seed !== undefined) members.seed = writeNpy([], Float64Array.of(data.seed));
  return writeNpz(members);
}
