/**
 * File reading for the CLI shells, with one-line errors. Writing lives in src/node/safe-write.ts (one
 * writer for every output); it is re-exported here for the command files that import it from cli.
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { fsReason } from '../node/safe-write.js';

export { writeFileAtomic, writeJsonAtomic } from '../node/safe-write.js';

export function readTextFile(path: string, what = 'file'): string {
  if (typeof path !== 'string' || path === '') throw new InputError(`${what}: the path is empty`);
  try {
    // A FIFO or a device would block or never end: only regular files are inputs.
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(`${what} is a directory, expected a file: ${path}`);
    if (!st.isFile()) throw new InputError(`${what} ${path} is not a regular file`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} not found: ${path}`);
    if (code === 'EISDIR') throw new InputError(`${what} is a directory, expected a file: ${path}`);
    if (code === 'ERR_STRING_TOO_LONG' || e instanceof RangeError)
      throw new InputError(`${what} ${path} is too large to read as text`);
    throw new InputError(`cannot read ${what} ${path}: ${fsReason(e)}`);
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
