/**
 * The one writer every command output goes through (models, data sets, results, reports, figures).
 *
 * Why each rule exists (docs/architecture.md, "Errors"):
 * - atomic: the bytes go to a temp file in the target's folder, are fsynced, then renamed over the target,
 *   so a killed process never leaves a half-written result; the temp file is removed on every failure;
 * - the target must be absent or a regular file: renaming over /dev/null, a FIFO or a folder would
 *   replace a device node (as root) or fail half-way;
 * - the target must not be one of the command's inputs (same real path or same inode), or the command
 *   would destroy what it read;
 * - missing folders are created one level at a time after checking the deepest existing ancestor, never
 *   with a recursive mkdir (which spins forever under /proc);
 * - every file-system error becomes one InputError line naming the path and the reason.
 */
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { removeOnSignal } from './signal-cleanup.js';

/** What a write receives: the whole content, or chunks (so large files are never one giant string). */
export type WriteData = string | Uint8Array | Iterable<string | Uint8Array>;

export interface SafeWriteOptions {
  /** The command's input files: the target may not be any of them. */
  inputs?: readonly (string | undefined)[];
  /** What the file is, for messages ("model file", "report"). */
  what?: string;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a parent is not a folder',
  EISDIR: 'is a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EXDEV: 'temp file and target on different devices',
  EBUSY: 'device or resource busy',
  EINVAL: 'invalid argument',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** A one-line reason for a file-system error ("permission denied (EACCES)"). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string') return `${REASONS[code] ?? 'file-system error'} (${code})`;
  return String((e as Error)?.message ?? e).replace(/\s+/g, ' ');
}

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new InputError(`a parent of ${p} is not a folder`);
    throw e;
  }
}

/** Refuse `path` as an output if it is one of `inputs` (by real path or by device and inode). */
export function checkNotAnInput(path: string, inputs: readonly (string | undefined)[], what = 'output'): void {
  const target = statOrNull(path);
  const realTarget = realOrResolved(path);
  for (const input of inputs) {
    if (input === undefined || input === '') continue;
    const st = statOrNull(input);
    const same =
      realOrResolved(input) === realTarget ||
      (st !== null && target !== null && st.dev === target.dev && st.ino === target.ino);
    if (same) throw new InputError(`${what} ${path} is also an input (${input}); refusing to overwrite it`);
  }
}

/** The real path of p, or of its deepest existing ancestor joined with the rest. */
function realOrResolved(p: string): string {
  const abs = resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const up = dirname(cur);
      if (up === cur) return abs;
      rest.push(basename(cur));
      cur = up;
    }
  }
}

/** The stat of a folder on the way up: null when it does not exist, 'enotdir' when a file stands above it. */
function statOnTheWay(cur: string, what: string, target: string): Stats | null | 'enotdir' {
  try {
    return statSync(cur);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return 'enotdir';
    if (code !== 'ENOENT') throw new InputError(`cannot write ${what} ${target}: ${cur}: ${fsReason(e)}`);
    return null;
  }
}

/** The folders of `dir` that do not exist yet, deepest first, and the existing folder they go under. */
function missingFolders(dir: string, what: string, target: string): { missing: string[]; base: string } {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    const st = statOnTheWay(cur, what, target);
    if (st === 'enotdir') {
      cur = dirname(cur);
      missing.length = 0; // the regular-file ancestor is reported below
      continue;
    }
    if (st) {
      if (!st.isDirectory())
        throw new InputError(`cannot write ${what} ${target}: ${cur} is ${kind(st)}, not a folder`);
      break;
    }
    missing.push(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return { missing, base: cur };
}

/**
 * Create the folder `dir` (and its missing parents) one level at a time. Returns the folders it
 * created, deepest last, so a failed write can remove them again.
 */
function ensureDir(dir: string, what: string, target: string): string[] {
  const { missing, base } = missingFolders(dir, what, target);
  // Kernel pseudo file systems accept no new folders; a recursive mkdir there never returns.
  const real = realOrResolved(base);
  if (missing.length > 0 && /^\/(proc|sys)(\/|$)/.test(real))
    throw new InputError(`cannot write ${what} ${target}: cannot create folders under ${real}`);
  const created: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (e) {
      removeDirs(created);
      throw new InputError(`cannot write ${what} ${target}: cannot create folder ${d}: ${fsReason(e)}`);
    }
  }
  return created;
}

/**
 * Create the folder `dir` and its missing parents under the same rules as a write (one level at a time,
 * never under /proc or /sys, one-line errors naming `target`), for outputs that are not written here
 * (the SQLite results database).
 */
export function ensureFolder(dir: string, what: string, target: string): void {
  ensureDir(resolve(dir), what, target);
}

function removeDirs(created: string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty or already gone: leave it
    }
  }
}

function chunksOf(data: WriteData): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

function writeAll(fd: number, chunk: string | Uint8Array): void {
  const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Check that `path` may be written as an output (without writing): every rule except the disk itself. */
export function checkOutputPath(path: string, opts: SafeWriteOptions = {}): void {
  const what = opts.what ?? 'output';
  if (typeof path !== 'string' || path.trim() === '') throw new InputError(`${what}: the output path is empty`);
  if (path.endsWith('/') || path.endsWith(sep) || basename(resolve(path)) === '' || /(^|\/)\.\.?$/.test(path))
    throw new InputError(`${what} ${path} names a folder; give a file name`);
  let st: Stats | null;
  try {
    st = statOrNull(path);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`cannot write ${what} ${path}: ${e.message}`);
    throw new InputError(`cannot write ${what} ${path}: ${fsReason(e)}`);
  }
  if (st && !st.isFile()) throw new InputError(`cannot write ${what} ${path}: it exists and is ${kind(st)}`);
  if (opts.inputs) checkNotAnInput(path, opts.inputs, what);
}

/** Write `data` to `path` atomically under the rules above (InputError on any failure, nothing left behind). */
export function writeFileAtomic(path: string, data: WriteData, opts: SafeWriteOptions = {}): void {
  const what = opts.what ?? 'output';
  checkOutputPath(path, opts);
  const abs = resolve(path);
  const dir = dirname(abs);
  const created = ensureDir(dir, what, path);
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | null = null;
  let release: (() => void) | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    if (isLargeWrite(data)) release = removeOnSignal(tmp);
    for (const chunk of chunksOf(data)) writeAll(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    // Checked again right before the rename: the target may have appeared since the first check.
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (st && !st.isFile() && !st.isSymbolicLink())
      throw new InputError(`cannot write ${what} ${path}: it exists and is ${kind(st)}`);
    renameSync(tmp, abs);
  } catch (e) {
    undoWrite(fd, tmp, created);
    release?.();
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e; // a bug in the data producer, not a file-system problem
    throw new InputError(`cannot write ${what} ${path}: ${fsReason(e)}`);
  }
  release?.();
  syncDir(dir);
}

/** After a failed write: close the file if open, remove the temporary file and the folders the write created. */
function undoWrite(fd: number | null, tmp: string, created: string[]): void {
  if (fd !== null) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  try {
    unlinkSync(tmp);
  } catch {
    // never created, or already renamed
  }
  removeDirs(created);
}

/** Writes of 16 MiB or more, or streamed in chunks, take long enough that a signal may arrive during them. */
function isLargeWrite(data: WriteData): boolean {
  if (typeof data === 'string') return data.length >= 2 ** 23;
  if (data instanceof Uint8Array) return data.length >= 2 ** 24;
  return true;
}

/** fsync the folder so the rename itself survives a crash; best effort (some file systems refuse). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here: the data itself is already on disk
  }
}

export function writeJsonAtomic(path: string, value: unknown, opts: SafeWriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/**
 * Append to an output file (the training log), with the same checks on the target and one-line errors.
 * Not atomic by design: the log grows line by line and is truncated to the checkpoint on resume.
 */
export function appendFileChecked(path: string, text: string, opts: SafeWriteOptions = {}): void {
  const what = opts.what ?? 'output';
  checkOutputPath(path, opts);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'a');
    writeAll(fd, text);
  } catch (e) {
    throw new InputError(`cannot append to ${what} ${path}: ${fsReason(e)}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
