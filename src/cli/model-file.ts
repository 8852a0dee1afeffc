/**
 * Reading and writing `flatlab.model/1` files (the pure conversion lives in src/model/format.ts).
 * Writes are atomic and record the provenance: flatlab version and linear-algebra backend.
 */
import { getBackend } from '../linalg/backend.js';
import { networkToModel } from '../model/format.js';
import { validateModelObject } from '../model/model-schema.js';
import type { Network } from '../model/network.js';
import { VERSION } from '../version.js';
import { type SafeWriteOptions, writeJsonAtomic } from '../node/safe-write.js';
import { readJsonFile } from './io.js';

export function readModelFile(path: string): { net: Network; provenance: Record<string, unknown> } {
  return validateModelObject(readJsonFile(path, 'model file'), `model file ${path}`);
}

/** Write a model with `provenance` (e.g. construction, seed); version and backend are added here. */
export function writeModelFile(
  path: string,
  net: Network,
  provenance: Record<string, unknown> = {},
  opts: SafeWriteOptions = {},
): void {
  const model = networkToModel(net, { ...provenance, version: VERSION, backend: getBackend().name });
  writeJsonAtomic(path, model, { what: 'model file', ...opts });
}
