/**
 * The NumPy `.npz` format: a zip archive of `.npy` members named `<key>.npy` (np.savez stores them,
 * np.savez_compressed deflates them; numpy forces zip64 headers). Members are read lazily through the
 * checked zip reader (zip.ts): only the arrays a caller asks for are inflated, each bounded by the size
 * its own `.npy` header declares, and each CRC-checked.
 *
 * Names resolve exactly as numpy's NpzFile does: `archive[key]` is the member named `key` when there is
 * one, else the member `key.npy`; a name listed twice means its last entry (zipfile's rule).
 */
import { zipSync } from 'fflate';
import { InputError } from '../errors.js';
import { npyByteLength } from './npy.js';
import { type ZipEntry, zipEntries, zipMember } from './zip.js';

const ZIP_MAGIC = [0x50, 0x4b]; // "PK"

/** Largest member inflated: 2^28 float64 entries (the data limit) plus a generous header. */
export const NPZ_MEMBER_LIMIT = 8 * 2 ** 28 + (1 << 20);

/** An opened .npz: its keys (as numpy's `files`) and each member's bytes on request. */
export interface NpzArchive {
  /** The keys in archive order, each once (member names with one `.npy` suffix removed). */
  keys(): string[];
  has(key: string): boolean;
  /** The member's checked, inflated bytes, or undefined when numpy would raise KeyError. */
  get(key: string): Uint8Array | undefined;
}

/** Open an .npz without inflating anything (the directory is read and checked). */
export function openNpz(bytes: Uint8Array, where = '.npz', limit = NPZ_MEMBER_LIMIT): NpzArchive {
  if (bytes.length < 22)
    throw new InputError(`${where}: truncated .npz (${bytes.length} bytes; a zip archive needs at least 22)`);
  if (bytes[0] !== ZIP_MAGIC[0] || bytes[1] !== ZIP_MAGIC[1]) {
    throw new InputError(`${where}: not an .npz archive (wrong magic bytes; a zip file starts with "PK")`);
  }
  const byName = new Map<string, ZipEntry>();
  const keys: string[] = [];
  for (const e of zipEntries(bytes, where)) {
    if (e.name.endsWith('/')) continue; // a folder entry
    byName.set(e.name, e);
    const key = e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name;
    if (!keys.includes(key)) keys.push(key);
  }
  const entryOf = (key: string): ZipEntry | undefined => byName.get(key) ?? byName.get(`${key}.npy`);
  return {
    keys: () => [...keys],
    has: (key) => entryOf(key) !== undefined,
    get: (key) => {
      const e = entryOf(key);
      if (!e) return undefined;
      const at = `${where}: "${key}"`;
      return zipMember(bytes, e, where, limit, (prefix) => {
        // A .npy member states its own length: a directory size that disagrees is refused before inflating on.
        if (prefix[0] !== 0x93) return;
        const need = npyByteLength(prefix, at);
        if (need !== null && need !== e.size)
          throw new InputError(`${at}: the .npy header declares ${need} bytes but the archive says ${e.size}`);
      });
    },
  };
}

/** Every member of an .npz, by key, each checked as `openNpz(…).get` checks it. */
export function readNpz(bytes: Uint8Array, where = '.npz'): Map<string, Uint8Array> {
  const archive = openNpz(bytes, where);
  const out = new Map<string, Uint8Array>();
  for (const k of archive.keys()) out.set(k, archive.get(k) as Uint8Array);
  return out;
}

/** An .npz with the given `.npy` members (stored, like np.savez; float data hardly compress). */
export function writeNpz(members: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [key, data] of Object.entries(members)) files[`${key}.npy`] = data;
  // A fixed timestamp keeps the archive byte-identical from run to run.
  return zipSync(files, { level: 0, mtime: new Date(Date.UTC(2000, 0, 1)) });
}
