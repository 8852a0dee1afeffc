/**
 * The array every reader in src/io returns: a shape and its values widened to Float64 in C (row-major)
 * order, whatever the file's dtype, byte order or memory order was. Widening float32/float16/bfloat16 to
 * float64 is exact, so nothing a Python user saved is rounded on the way in.
 */
import { InputError } from '../errors.js';

/** An array read from a numpy or safetensors file: its shape, the file's dtype, and the values as Float64 in C order. */
export interface Tensor {
  readonly shape: readonly number[];
  /** The dtype as the file named it, in numpy spelling (float64, float32, …), for messages. */
  readonly dtype: string;
  readonly data: Float64Array;
}

/** Number of elements of a shape, refusing sizes that do not fit in memory (also guards overflow). */
export function shapeSize(shape: readonly number[], where: string): number {
  let size = 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new InputError(`${where}: shape entry ${s} is not a non-negative integer`);
    size *= s;
    if (size > 2 ** 31) throw new InputError(`${where}: shape (${shape.join(', ')}) is too large (over 2^31 entries)`);
  }
  return size;
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** True when this JavaScript engine stores numbers little-endian (every current one does; checked, not assumed). */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Widen `count` IEEE floats of `size` bytes (2, 4 or 8) starting at `offset` into a Float64Array. */
export function decodeFloats(
  bytes: Uint8Array,
  offset: number,
  count: number,
  size: 2 | 4 | 8,
  littleEndian: boolean,
  half: 'f16' | 'bf16' = 'f16',
): Float64Array {
  const out = new Float64Array(count);
  if (size === 8 && littleEndian && LITTLE_ENDIAN_HOST) {
    // Fast path for the common case: one copy of the bytes, no per-element decoding.
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 8 * count));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  if (size === 8) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, littleEndian);
  else if (size === 4) for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, littleEndian);
  else if (half === 'bf16') {
    // bfloat16 is the upper half of a float32: shifting it back is exact.
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let i = 0; i < count; i++) {
      u[0] = view.getUint16(2 * i, littleEndian) << 16;
      out[i] = f[0];
    }
  } else for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, littleEndian));
  return out;
}

/** IEEE 754 binary16 → number, exactly (subnormals, ±0, ±∞ and NaN included). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** Reorder Fortran-order (column-major) values into C order. */
export function fortranToC(data: Float64Array, shape: readonly number[]): Float64Array {
  if (shape.length < 2) return data;
  const out = new Float64Array(data.length);
  const nd = shape.length;
  // Fortran strides: dimension 0 varies fastest.
  const fStride = new Array<number>(nd);
  fStride[0] = 1;
  for (let k = 1; k < nd; k++) fStride[k] = fStride[k - 1] * shape[k - 1];
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < out.length; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += idx[k] * fStride[k];
    out[c] = data[f];
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}
