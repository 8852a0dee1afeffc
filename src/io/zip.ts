/**
 * A zip reader that trusts nothing it has not checked (APPNOTE 6.3: end record, zip64 end record,
 * central directory, local headers). Members are listed from the central directory without inflating
 * anything; one member is inflated only on request, streamed into a buffer of its declared size, and
 * refused the moment it would exceed that size or a caller's cap, and when its CRC-32 or its length
 * disagrees with the directory — what Python's zipfile (and so numpy) also refuses. An archive whose
 * unused member inflates to gigabytes therefore costs nothing, and a flipped bit is an error, not data.
 */
import { Inflate } from 'fflate';
import { InputError } from '../errors.js';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  readonly encrypted: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, the zip polynomial) of `bytes`, continuing from `crc` (0 for a fresh sum). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

function u64(view: DataView, at: number, where: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError(`${where}: corrupt zip (a 64-bit size is implausible)`);
  return Number(v);
}

/** The central directory of a zip archive, in file order (a repeated name appears twice, as in zipfile's namelist). */
export function zipEntries(bytes: Uint8Array, where: string): ZipEntry[] {
  const corrupt = (what: string): never => {
    throw new InputError(`${where}: corrupt or truncated zip archive (${what})`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { count, cdSize, cdOffset } = directoryBounds(bytes, view, where, corrupt);
  if (cdOffset + cdSize > bytes.length) corrupt('central directory outside the file');
  // Each directory entry takes at least 46 bytes: a count the directory cannot hold is a lie.
  if (count * 46 > cdSize) corrupt(`${count} entries cannot fit in a ${cdSize}-byte directory`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    const { entry, next } = centralEntry(bytes, view, p, cdOffset + cdSize, `directory entry ${k}`, where, corrupt);
    entries.push(entry);
    p = next;
  }
  return entries;
}

type Corrupt = (what: string) => never;

/** Entry count, size and offset of the central directory, from the end record (zip64 where it says so). */
function directoryBounds(
  bytes: Uint8Array,
  view: DataView,
  where: string,
  corrupt: Corrupt,
): { count: number; cdSize: number; cdOffset: number } {
  const eocd = findEocd(bytes, view);
  if (eocd < 0) corrupt('no end-of-central-directory record');
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count !== 0xffff && cdSize !== 0xffffffff && cdOffset !== 0xffffffff) return { count, cdSize, cdOffset };
  const loc = eocd - 20;
  if (loc < 0 || view.getUint32(loc, true) !== SIG_LOCATOR64) corrupt('zip64 locator missing');
  const at = u64(view, loc + 8, where);
  if (at + 56 > bytes.length || view.getUint32(at, true) !== SIG_EOCD64) corrupt('zip64 end record missing');
  return { count: u64(view, at + 32, where), cdSize: u64(view, at + 40, where), cdOffset: u64(view, at + 48, where) };
}

/** One central-directory entry at `p` (which must end by `limit`), and where the next one starts. */
function centralEntry(
  bytes: Uint8Array,
  view: DataView,
  p: number,
  limit: number,
  label: string,
  where: string,
  corrupt: Corrupt,
): { entry: ZipEntry; next: number } {
  if (p + 46 > limit || view.getUint32(p, true) !== SIG_CENTRAL) corrupt(label);
  const flags = view.getUint16(p + 8, true);
  const nameLen = view.getUint16(p + 28, true);
  const extraLen = view.getUint16(p + 30, true);
  const commentLen = view.getUint16(p + 32, true);
  if (p + 46 + nameLen + extraLen + commentLen > limit) corrupt(label);
  const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(bytes.subarray(p + 46, p + 46 + nameLen));
  const sizes = zip64Sizes(view, p + 46 + nameLen, extraLen, name, where, corrupt, {
    size: view.getUint32(p + 24, true),
    compressedSize: view.getUint32(p + 20, true),
    localOffset: view.getUint32(p + 42, true),
  });
  const entry: ZipEntry = {
    name,
    method: view.getUint16(p + 10, true),
    crc: view.getUint32(p + 16, true),
    ...sizes,
    encrypted: (flags & 1) !== 0,
  };
  return { entry, next: p + 46 + nameLen + extraLen + commentLen };
}

interface MemberSizes {
  size: number;
  compressedSize: number;
  localOffset: number;
}

/** The zip64 extra field (id 1) holds the 64-bit values, in this order, of the fields that read 0xFFFFFFFF. */
function zip64Sizes(
  view: DataView,
  start: number,
  extraLen: number,
  name: string,
  where: string,
  corrupt: Corrupt,
  short: MemberSizes,
): MemberSizes {
  const out = { ...short };
  for (let e = start; e + 4 <= start + extraLen; ) {
    const id = view.getUint16(e, true);
    const len = view.getUint16(e + 2, true);
    if (id === 1) {
      let q = e + 4;
      const next = (): number => {
        if (q + 8 > e + 4 + len) corrupt(`zip64 field of "${name}"`);
        const v = u64(view, q, where);
        q += 8;
        return v;
      };
      if (out.size === 0xffffffff) out.size = next();
      if (out.compressedSize === 0xffffffff) out.compressedSize = next();
      if (out.localOffset === 0xffffffff) out.localOffset = next();
    }
    e += 4 + len;
  }
  return out;
}

/**
 * The inflated bytes of one member. `cap` bounds its size before anything is allocated; `check(prefix)`
 * sees the first bytes as they arrive and may refuse the member early (e.g. a header whose shape
 * disagrees with the declared size).
 */
export function zipMember(
  bytes: Uint8Array,
  entry: ZipEntry,
  where: string,
  cap: number,
  check?: (prefix: Uint8Array) => void,
): Uint8Array {
  const at = `${where}: member "${entry.name}"`;
  if (entry.encrypted) throw new InputError(`${at} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new InputError(`${at} uses compression method ${entry.method} (numpy writes stored or deflated members)`);
  if (entry.size > cap) throw new InputError(`${at} declares ${entry.size} bytes, over the limit of ${cap} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = entry.localOffset;
  if (lo + 30 > bytes.length || view.getUint32(lo, true) !== SIG_LOCAL)
    throw new InputError(`${at}: corrupt or truncated zip archive (no local header)`);
  const start = lo + 30 + view.getUint16(lo + 26, true) + view.getUint16(lo + 28, true);
  if (start + entry.compressedSize > bytes.length) throw new InputError(`${at}: truncated zip archive`);
  const packed = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new InputError(`${at}: stored size disagrees with its size`);
    if (crc32(packed) !== entry.crc) throw new InputError(`${at}: CRC-32 mismatch (the archive is corrupt)`);
    check?.(packed.subarray(0, Math.min(packed.length, 1 << 16)));
    return packed;
  }
  const out = inflateMember(packed, entry.size, at, check);
  if (crc32(out) !== entry.crc) throw new InputError(`${at}: CRC-32 mismatch (the archive is corrupt)`);
  return out;
}

/** Inflates a deflated member into exactly `size` bytes, refusing one that inflates past it (a zip bomb) or short of it. */
function inflateMember(packed: Uint8Array, size: number, at: string, check?: (prefix: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  let checked = check === undefined;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.length > size)
      throw new InputError(`${at} inflates past its declared ${size} bytes (corrupt or a zip bomb)`);
    out.set(chunk, filled);
    filled += chunk.length;
    if (!checked && (filled >= 1 << 16 || filled === size)) {
      checked = true;
      check?.(out.subarray(0, filled));
    }
  });
  try {
    const step = 1 << 20;
    for (let o = 0; o < packed.length || o === 0; o += step)
      inflater.push(packed.subarray(o, o + step), o + step >= packed.length);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${at}: corrupt deflate stream (${(e as Error).message})`);
  }
  if (!checked) check?.(out.subarray(0, filled));
  if (filled !== size) throw new InputError(`${at} inflates to ${filled} bytes, not the declared ${size} (corrupt)`);
  return out;
}

/** The offset of the end-of-central-directory record (its comment must end the file), or -1. */
function findEocd(bytes: Uint8Array, view: DataView): number {
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--)
    if (view.getUint32(p, true) === SIG_EOCD && p + 22 + view.getUint16(p + 20, true) === bytes.length) return p;
  return -1;
}
