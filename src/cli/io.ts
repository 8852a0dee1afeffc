/**
 * File I/O for the CLI shells: JSON reading with one-line errors, and atomic writes (temp file in the
 * same folder, fsync, rename) so a killed process never leaves a half-written result.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

export function readTextFile(path: string, what = 'file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} not found: ${path}`);
    if (code === 'EISDIR') throw new InputError(`${what} is a directory, expected a file: ${path}`);
    throw new InputError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

export function readJsonFile(path: string, what = 'file'): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message can quote the offending input across lines: keep the error on one line.
    throw new InputError(`${what} ${path} is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
