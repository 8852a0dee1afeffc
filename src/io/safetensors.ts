/**
 * The safetensors format (Hugging Face; what `safetensors.torch.save_file` writes): an 8-byte
 * little-endian header length N, N bytes of JSON `{"name": {"dtype","shape","data_offsets":[b,e]}, …,
 * "__metadata__": {str: str}}`, then the little-endian tensor bytes (offsets relative to the end of the
 * header). The whole header is validated when parsed; tensors are decoded on request, so a state_dict
 * with integer buffers can still be read for its float weights. F64/F32/F16/BF16 are read; F64 is written.
 */
import { InputError } from '../errors.js';
import { decodeFloats, shapeSize, shapeText, type Tensor } from './tensor.js';

const ITEM_SIZE: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};
const FLOAT_NAMES: Record<string, string> = { F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** One tensor's header entry in a safetensors file: dtype, shape and byte range. */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A parsed safetensors file: its metadata and tensors, decoded on request. */
export interface Safetensors {
  readonly metadata: Readonly<Record<string, string>>;
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  /** Decode one tensor to Float64 (InputError for a missing name or a non-float dtype). */
  tensor(name: string): Tensor;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The JSON header (an object) and where the data start, after checking the length prefix. */
function readHeader(bytes: Uint8Array, where: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new InputError(`${where}: truncated safetensors (${bytes.length} bytes; the header length alone needs 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (bytes.length >= 9 && bytes[8] !== 0x7b) {
    // The JSON header always starts with '{': anything else is not a safetensors file.
    throw new InputError(`${where}: not a safetensors file (the header does not start with '{')`);
  }
  if (n < 2 || n > 100_000_000)
    throw new InputError(`${where}: not a safetensors file (header length ${n} is implausible)`);
  if (8 + n > bytes.length)
    throw new InputError(`${where}: truncated safetensors (header says ${n} bytes, ${bytes.length - 8} present)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new InputError(
      `${where}: safetensors header is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`,
    );
  }
  if (!isObject(header)) throw new InputError(`${where}: safetensors header is not a JSON object`);
  return { header, dataStart: 8 + n };
}

/** The `__metadata__` entry: an object of strings. */
function readMetadata(raw: unknown, where: string): Record<string, string> {
  if (!isObject(raw)) throw new InputError(`${where}: "__metadata__" must be an object of strings`);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new InputError(`${where}: "__metadata__"."${k}" must be a string`);
    metadata[k] = v;
  }
  return metadata;
}

/** One tensor's entry, checked: a known dtype, a shape, offsets that span exactly its bytes within the data. */
function readEntry(raw: unknown, at: string, dataLen: number): SafetensorsEntry {
  if (!isObject(raw)) throw new InputError(`${at} must be an object with dtype, shape, data_offsets`);
  const { dtype, shape, data_offsets: off } = raw;
  if (typeof dtype !== 'string' || ITEM_SIZE[dtype] === undefined) {
    throw new InputError(
      `${at}: unknown dtype ${JSON.stringify(dtype)} (allowed: ${Object.keys(ITEM_SIZE).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new InputError(`${at}: "shape" must be a list of non-negative integers`);
  }
  if (
    !Array.isArray(off) ||
    off.length !== 2 ||
    !off.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    off[0] > off[1]
  ) {
    throw new InputError(`${at}: "data_offsets" must be [begin, end] with 0 ≤ begin ≤ end`);
  }
  const need = shapeSize(shape as number[], at) * ITEM_SIZE[dtype];
  if (off[1] - off[0] !== need) {
    throw new InputError(
      `${at}: data_offsets span ${off[1] - off[0]} bytes but ${dtype} ${shapeText(shape as number[])} needs ${need}`,
    );
  }
  if (off[1] > dataLen)
    throw new InputError(`${at}: truncated safetensors (data ends at byte ${off[1]}, only ${dataLen} present)`);
  return { dtype, shape: shape as number[], begin: off[0], end: off[1] };
}

/**
 * Parse safetensors bytes (a PyTorch state_dict saved with safetensors): the header is validated, each
 * float tensor is decoded to Float64 on request (exactly: float32/float16/bfloat16 widen without rounding).
 *
 * @example
 * ```ts
 * import { parseSafetensors, writeSafetensors } from 'flatlab';
 *
 * const bytes = writeSafetensors({ '0.weight': { shape: [1, 2], data: Float64Array.of(3, 4) } }, { note: 'x' });
 * const file = parseSafetensors(bytes);
 * console.log([...file.entries.keys()], [...file.tensor('0.weight').data], file.metadata.note); // ['0.weight'] [3, 4] 'x'
 * ```
 */
export function parseSafetensors(bytes: Uint8Array, where = '.safetensors'): Safetensors {
  const { header, dataStart } = readHeader(bytes, where);
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') Object.assign(metadata, readMetadata(raw, where));
    else entries.set(name, readEntry(raw, `${where}: tensor "${name}"`, dataLen));
  }
  // Tensors must not overlap (the format also forbids holes; a hole is harmless, an overlap is corruption).
  const sorted = [...entries.values()].sort((p, q) => p.begin - q.begin);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].begin < sorted[k - 1].end)
      throw new InputError(`${where}: safetensors tensors overlap (corrupt file)`);
  }
  return {
    metadata,
    entries,
    tensor(name: string): Tensor {
      const e = entries.get(name);
      if (!e)
        throw new InputError(`${where}: no tensor "${name}" (tensors: ${[...entries.keys()].join(', ') || 'none'})`);
      const dt = FLOAT_NAMES[e.dtype];
      if (!dt)
        throw new InputError(`${where}: tensor "${name}" has dtype ${e.dtype}; flatlab reads F64, F32, F16 and BF16`);
      const size = ITEM_SIZE[e.dtype] as 2 | 4 | 8;
      const count = (e.end - e.begin) / size;
      const data = decodeFloats(bytes, dataStart + e.begin, count, size, true, e.dtype === 'BF16' ? 'bf16' : 'f16');
      return { shape: e.shape, dtype: dt, data };
    },
  };
}

/**
 * A safetensors file of F64 tensors (in the given key order) with string metadata.
 *
 * @example
 * ```ts
 * import { parseSafetensors, writeSafetensors } from 'flatlab';
 *
 * const bytes = writeSafetensors({ bias: { shape: [2], data: Float64Array.of(1, 2) } });
 * console.log(parseSafetensors(bytes).tensor('bias').shape); // [2]
 * ```
 */
export function writeSafetensors(
  tensors: Record<string, { shape: readonly number[]; data: Float64Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (shapeSize(t.shape, 'writeSafetensors') !== t.data.length) {
      throw new InputError(
        `writeSafetensors: tensor "${name}" shape ${shapeText(t.shape)} does not match ${t.data.length} values`,
      );
    }
    header[name] = { dtype: 'F64', shape: t.shape, data_offsets: [offset, offset + 8 * t.data.length] };
    offset += 8 * t.data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces to a multiple of 8 so the tensors are 8-byte aligned (as the reference writer does).
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json, 0);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, p += 8) view.setFloat64(p, t.data[i], true);
  }
  return out;
}
