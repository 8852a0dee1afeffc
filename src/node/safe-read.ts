/**
 * The one reader for every input file. A FIFO blocks `open` forever and a device (`/dev/zero`) never
 * ends, so only regular files are inputs: the path is checked before it is opened, opened non-blocking,
 * and checked again on the open descriptor (a path swapped in between is caught). At most `limit`
 * bytes are read, and the size is known before any buffer is allocated; the caller states the limit.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { fsReason } from './safe-write.js';

/** Longest text file read (V8's longest string is just under 2^29 UTF-16 units). */
export const TEXT_FILE_LIMIT = 2 ** 29 - 64;

/** Longest binary (tensor) file read: a data set at the entry limit (2^28 float64 values) with its labels. */
export const BINARY_FILE_LIMIT = 2 ** 31 + 2 ** 28 * 8 + 2 ** 20;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuse(what: string, path: string, st: Stats): never {
  throw new InputError(`${what} ${path} is ${kindOf(st)}; flatlab reads regular files only`);
}

/** Open a regular file for reading (InputError for anything else); the caller closes the descriptor. */
export function openRegularFile(path: string, what = 'file'): { fd: number; size: number } {
  if (typeof path !== 'string' || path === '') throw new InputError(`${what}: the path is empty`);
  let fd: number | undefined;
  try {
    const before = statSync(path); // follows symlinks: a link to /dev/zero is a device
    if (!before.isFile()) refuse(what, path, before);
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const st = fstatSync(fd);
    if (!st.isFile()) refuse(what, path, st);
    return { fd, size: st.size };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} not found: ${path}`);
    if (code === 'EISDIR') throw new InputError(`${what} ${path} is a directory; flatlab reads regular files only`);
    throw new InputError(`cannot read ${what} ${path}: ${fsReason(e)}`);
  }
}

function readFd(fd: number, into: Uint8Array, from: number, what: string, path: string): number {
  let got = 0;
  try {
    while (got < into.length) {
      const k = readSync(fd, into, got, Math.min(into.length - got, 2 ** 30), from + got);
      if (k === 0) break; // the file shrank while read
      got += k;
    }
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${fsReason(e)}`);
  }
  return got;
}

function tooLarge(what: string, path: string, size: number, limit: number): never {
  throw new InputError(`${what} ${path} is ${size} bytes, over the limit of ${limit} bytes`);
}

/**
 * The bytes of a regular file of at most `limit` bytes. `expected(prefix)` may state the exact length
 * from the file's own header (null: not known from this prefix); a file that disagrees is refused after
 * reading only the prefix.
 */
export function readFileBounded(
  path: string,
  what: string,
  limit: number,
  expected?: { prefix: number; length(prefix: Uint8Array): number | null },
): Uint8Array {
  const { fd, size } = openRegularFile(path, what);
  try {
    if (size > limit) tooLarge(what, path, size, limit);
    if (expected) {
      const head = new Uint8Array(Math.min(size, expected.prefix));
      const got = readFd(fd, head, 0, what, path);
      const need = expected.length(head.subarray(0, got));
      if (need !== null && need !== size) {
        throw new InputError(
          need > size
            ? `${what} ${path} is truncated (its header declares ${need} bytes, the file has ${size})`
            : `${what} ${path} has ${size - need} bytes after the data its header declares (corrupt file)`,
        );
      }
    }
    const out = new Uint8Array(size);
    const got = readFd(fd, out, 0, what, path);
    return got === size ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** A regular text file (UTF-8) of at most `limit` bytes. */
export function readTextBounded(path: string, what = 'file', limit = TEXT_FILE_LIMIT): string {
  return new TextDecoder().decode(readFileBounded(path, what, limit));
}
