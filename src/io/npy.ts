/**
 * The NumPy `.npy` format (one array): magic `\x93NUMPY`, version, header length, a Python-literal
 * header `{'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }`, then the raw values.
 * Pure (bytes in, typed arrays out). Float32 and float64 of either byte order and either memory order
 * are read; every other dtype is refused by its numpy name. Unicode scalars (`<U…`) are read by
 * `parseNpyText` only: flatlab stores an activation name that way inside its own .npz files.
 */
import { InputError } from '../errors.js';
import { decodeFloats, fortranToC, LITTLE_ENDIAN_HOST, shapeSize, type Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** A small parser for the Python literals numpy writes in headers (dict, tuple, list, str, int, bool, None). */
class PyLiteralParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly where: string,
  ) {}

  parse(): PyValue {
    const v = this.value(0);
    this.ws();
    if (this.i !== this.text.length) this.fail('trailing characters');
    return v;
  }

  private fail(what: string): never {
    throw new InputError(`${this.where}: malformed .npy header (${what} at character ${this.i})`);
  }

  private ws(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private value(depth: number): PyValue {
    if (depth > 20) this.fail('nesting too deep');
    this.ws();
    const c = this.text[this.i];
    if (c === undefined) return this.fail('unexpected end');
    if (c === "'" || c === '"') return this.string(c);
    if (c === '{' || c === '(' || c === '[') return this.container(c, depth);
    return this.atom(c);
  }

  private string(quote: string): string {
    const end = this.text.indexOf(quote, this.i + 1);
    if (end < 0) this.fail('unterminated string');
    const s = this.text.slice(this.i + 1, end);
    this.i = end + 1;
    return s;
  }

  /** A dict, tuple or list from its opening bracket. */
  private container(open: '{' | '(' | '[', depth: number): PyValue {
    const close = open === '{' ? '}' : open === '(' ? ')' : ']';
    this.i++;
    const items: PyValue[] = [];
    const dict: Record<string, PyValue> = {};
    for (;;) {
      this.ws();
      if (this.text[this.i] === close) {
        this.i++;
        break;
      }
      const v = this.value(depth + 1);
      if (open === '{') dict[this.key(v)] = this.value(depth + 1);
      else items.push(v);
      this.ws();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== close) this.fail(`expected ',' or '${close}'`);
    }
    return open === '{' ? dict : items;
  }

  /** A dictionary key (a string) and the ':' after it. */
  private key(v: PyValue): string {
    if (typeof v !== 'string') this.fail('dictionary key that is not a string');
    this.ws();
    if (this.text[this.i] !== ':') this.fail("expected ':'");
    this.i++;
    return v as string;
  }

  private atom(c: string): PyValue {
    const m = /^(True|False|None|[+-]?\d+L?)/.exec(this.text.slice(this.i, this.i + 32));
    if (!m) return this.fail(`unexpected character ${JSON.stringify(c)}`);
    this.i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number.parseInt(m[0], 10);
  }
}

const KIND_NAMES: Record<string, string> = {
  b: 'bool',
  i: 'int',
  u: 'uint',
  f: 'float',
  c: 'complex',
  U: 'str (unicode)',
  S: 'bytes',
  O: 'object',
  M: 'datetime64',
  m: 'timedelta64',
  V: 'void (raw bytes)',
};

/** The numpy name of a dtype string, e.g. '<i8' → 'int64', '<c16' → 'complex128', '<U5' → 'str (unicode)'. */
export function numpyDtypeName(descr: string): string {
  const m = /^[<>|=]?([a-zA-Z])(\d*)/.exec(descr);
  if (!m) return JSON.stringify(descr);
  const kind = KIND_NAMES[m[1]];
  if (!kind) return JSON.stringify(descr);
  if (m[1] === 'b') return 'bool';
  if ('iufc'.includes(m[1]) && m[2] !== '') return `${kind}${8 * Number(m[2])}`;
  return kind;
}

interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

/** The header's text and where the data start, after checking the magic, the version and the lengths. */
function headerText(bytes: Uint8Array, where: string): { text: string; dataOffset: number } {
  if (bytes.length < 10)
    throw new InputError(`${where}: truncated .npy (${bytes.length} bytes; the header alone needs 10)`);
  for (let k = 0; k < MAGIC.length; k++) {
    if (bytes[k] !== MAGIC[k])
      throw new InputError(`${where}: not a .npy array (wrong magic bytes; expected \\x93NUMPY)`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new InputError(`${where}: unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new InputError(`${where}: truncated .npy (header length cut off)`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) {
    throw new InputError(
      `${where}: truncated .npy (header says ${headerLen} bytes, only ${bytes.length - start} present)`,
    );
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  return { text, dataOffset: start + headerLen };
}

function parseHeader(bytes: Uint8Array, where: string): NpyHeader {
  const { text, dataOffset } = headerText(bytes, where);
  const h = new PyLiteralParser(text.trim(), where).parse();
  if (!h || typeof h !== 'object' || Array.isArray(h))
    throw new InputError(`${where}: .npy header is not a dictionary`);
  const { descr, fortran_order: fortran, shape } = h as Record<string, PyValue>;
  if (Array.isArray(descr))
    throw new InputError(`${where}: structured dtype (record array) is not supported; save a plain float64 array`);
  if (typeof descr !== 'string') throw new InputError(`${where}: .npy header has no 'descr' string`);
  if (typeof fortran !== 'boolean') throw new InputError(`${where}: .npy header has no 'fortran_order' True/False`);
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number')) {
    throw new InputError(`${where}: .npy header has no 'shape' tuple of integers`);
  }
  return { descr, fortran, shape: shape as number[], dataOffset };
}

/**
 * The total length (header + data) a `.npy` declares, from its first bytes: null while `prefix` does not
 * yet hold the whole header, or when the dtype has no fixed item size (the parser refuses those anyway).
 * Readers use it to read exactly that many bytes instead of trusting the file's or archive's length.
 */
export function npyByteLength(prefix: Uint8Array, where = '.npy'): number | null {
  if (prefix.length < 12) return null;
  if (MAGIC.some((b, k) => prefix[k] !== b) || prefix[6] < 1 || prefix[6] > 3) parseHeader(prefix, where);
  const lenBytes = prefix[6] === 1 ? 2 : 4;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (8 + lenBytes + headerLen > prefix.length) {
    if (headerLen > 1 << 20) throw new InputError(`${where}: .npy header of ${headerLen} bytes is implausible`);
    return null;
  }
  const h = parseHeader(prefix, where);
  const m = /^[<>=|]?([a-zA-Z])(\d+)$/.exec(h.descr);
  if (!m) return null;
  const itemsize = Number(m[2]) * (m[1] === 'U' ? 4 : 1);
  return h.dataOffset + shapeSize(h.shape, where) * itemsize;
}

function checkLength(bytes: Uint8Array, h: NpyHeader, itemsize: number, where: string): number {
  const count = shapeSize(h.shape, where);
  const need = count * itemsize;
  const have = bytes.length - h.dataOffset;
  if (have < need) throw new InputError(`${where}: truncated .npy (${need} data bytes expected, ${have} present)`);
  if (have > need) throw new InputError(`${where}: .npy has ${have - need} bytes after the data (corrupt file)`);
  return count;
}

/**
 * Parse a float32/float64 `.npy` array (any byte order, C or Fortran order) into C-order Float64 values.
 *
 * @example
 * ```ts
 * import { parseNpy, writeNpy } from 'flatlab';
 *
 * const t = parseNpy(writeNpy([2, 2], Float64Array.of(1, 2, 3, 4)));
 * console.log(t.shape, t.dtype, [...t.data]); // [2, 2] 'float64' [1, 2, 3, 4]
 * ```
 */
export function parseNpy(bytes: Uint8Array, where = '.npy'): Tensor {
  const h = parseHeader(bytes, where);
  const m = /^([<>=|])f([48])$/.exec(h.descr);
  if (!m) {
    throw new InputError(
      `${where}: dtype ${numpyDtypeName(h.descr)} ('${h.descr}') is not supported; flatlab reads float32 and float64 (use arr.astype(np.float64))`,
    );
  }
  const size = Number(m[2]) as 4 | 8;
  const count = checkLength(bytes, h, size, where);
  // '=' (native) and '|' (not applicable) never appear for floats in numpy's files; read them as this host's order.
  const little = m[1] === '<' || (m[1] !== '>' && LITTLE_ENDIAN_HOST);
  let data = decodeFloats(bytes, h.dataOffset, count, size, little);
  if (h.fortran) data = fortranToC(data, h.shape);
  return { shape: h.shape, dtype: size === 8 ? 'float64' : 'float32', data };
}

/** Parse a `.npy` holding one unicode string (a 0-d or 1-element `<U…` array). */
export function parseNpyText(bytes: Uint8Array, where = '.npy'): string {
  const h = parseHeader(bytes, where);
  const m = /^([<>=|])U(\d+)$/.exec(h.descr);
  if (!m)
    throw new InputError(`${where}: expected a string array, got dtype ${numpyDtypeName(h.descr)} ('${h.descr}')`);
  const chars = Number(m[2]);
  const count = checkLength(bytes, h, 4 * chars, where);
  if (count !== 1) throw new InputError(`${where}: expected one string, got shape (${h.shape.join(', ')})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, 4 * chars);
  let s = '';
  for (let k = 0; k < chars; k++) {
    const cp = view.getUint32(4 * k, m[1] !== '>');
    if (cp === 0) break; // numpy pads short strings with NUL code points
    if (cp > 0x10ffff) throw new InputError(`${where}: invalid code point in string`);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** The header bytes of a version-1 .npy, padded with spaces so the data start at a multiple of 64 (as numpy does). */
function header(descr: string, shape: readonly number[]): Uint8Array {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + dict.length + 1;
  dict += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + dict.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let k = 0; k < dict.length; k++) out[10 + k] = dict.charCodeAt(k);
  return out;
}

/**
 * A little-endian float64 C-order `.npy` (np.load gives back the same bits).
 *
 * @example
 * ```ts
 * import { writeNpy } from 'flatlab';
 *
 * const bytes = writeNpy([3], Float64Array.of(1, 2, 3)); // np.load reads it as array([1., 2., 3.])
 * console.log(bytes.length); // 128-byte header + 24 data bytes = 152
 * ```
 */
export function writeNpy(shape: readonly number[], data: Float64Array): Uint8Array {
  if (shapeSize(shape, 'writeNpy') !== data.length)
    throw new InputError(`writeNpy: shape (${shape.join(', ')}) does not match ${data.length} values`);
  const head = header('<f8', shape);
  const out = new Uint8Array(head.length + 8 * data.length);
  out.set(head, 0);
  const view = new DataView(out.buffer, head.length);
  for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  return out;
}

/** A 0-d unicode `.npy` (np.load(...)[()] or str(arr) gives back the string). */
export function writeNpyText(s: string): Uint8Array {
  const cps = Array.from(s, (c) => c.codePointAt(0) as number);
  const chars = Math.max(1, cps.length);
  const head = header(`<U${chars}`, []);
  const out = new Uint8Array(head.length + 4 * chars);
  out.set(head, 0);
  const view = new DataView(out.buffer, head.length);
  for (let k = 0; k < cps.length; k++) view.setUint32(4 * k, cps[k], true);
  return out;
}
