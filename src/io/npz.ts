/**
 * The NumPy `.npz` format: a zip archive of `.npy` members named `<key>.npy` (np.savez stores them,
 * np.savez_compressed deflates them; numpy forces zip64 headers). fflate reads all three; this module
 * turns its errors into one-line InputErrors and maps member names to keys.
 */
import { unzipSync, zipSync } from 'fflate';
import { InputError } from '../errors.js';

const ZIP_MAGIC = [0x50, 0x4b]; // "PK"

/** The members of an .npz, by key (the member name without its `.npy` suffix). */
export function readNpz(bytes: Uint8Array, where = '.npz'): Map<string, Uint8Array> {
  if (bytes.length < 22)
    throw new InputError(`${where}: truncated .npz (${bytes.length} bytes; a zip archive needs at least 22)`);
  if (bytes[0] !== ZIP_MAGIC[0] || bytes[1] !== ZIP_MAGIC[1]) {
    throw new InputError(`${where}: not an .npz archive (wrong magic bytes; a zip file starts with "PK")`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new InputError(`${where}: corrupt or truncated .npz (${(e as Error).message})`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue; // a folder entry
    out.set(name.endsWith('.npy') ? name.slice(0, -4) : name, data);
  }
  return out;
}

/** An .npz with the given `.npy` members (stored, like np.savez; float data hardly compress). */
export function writeNpz(members: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [key, data] of Object.entries(members)) files[`${key}.npy`] = data;
  // A fixed timestamp keeps the archive byte-identical from run to run.
  return zipSync(files, { level: 0, mtime: new Date(Date.UTC(2000, 0, 1)) });
}
