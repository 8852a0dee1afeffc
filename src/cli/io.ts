/**
 * File reading for the CLI shells, with one-line errors. Writing lives in src/node/safe-write.ts (one
 * writer for every output); it is re-exported here for the command files that import it from cli.
 */
import { InputError } from '../errors.js';
import { readTextBounded, TEXT_FILE_LIMIT } from '../node/safe-read.js';

export { writeFileAtomic, writeJsonAtomic } from '../node/safe-write.js';

/** A regular text file's contents (FIFOs, devices and oversized files refused before reading: safe-read.ts). */
export function readTextFile(path: string, what = 'file', limit = TEXT_FILE_LIMIT): string {
  return readTextBounded(path, what, limit);
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
