/**
 * Reading and writing `flatlab.model/1` files (the pure conversion lives in src/model/model-json.ts).
 * Writes are atomic and record the provenance: flatlab version and linear-algebra backend.
 */

import { type ModelReadOptions, resolveActivation } from '../io/index.js';
import { getBackend } from '../linalg/backend.js';
import { networkToModel } from '../model/model-json.js';
import { validateModelObject } from '../model/model-schema.js';
import type { Network } from '../model/network.js';
import { type SafeWriteOptions, writeJsonAtomic } from '../node/safe-write.js';
import { VERSION } from '../version.js';
import { checkReadable, checkWritable } from './file-kinds.js';
import { readJsonFile } from './io.js';
import { readModelTensorFile, tensorFormat, writeModelTensorFile } from './tensor-files.js';

/** A model from .json (flatlab.model/1), .npz or .safetensors, by extension (tensor-files.ts). */
export function readModelFile(
  path: string,
  opts: ModelReadOptions = {},
): { net: Network; provenance: Record<string, unknown> } {
  checkReadable(path, 'model');
  if (tensorFormat(path) !== null) return readModelTensorFile(path, opts);
  const r = validateModelObject(readJsonFile(path, 'model file'), `model file ${path}`);
  resolveActivation(r.net.act.spec, opts.activation, `model file ${path}`);
  return r;
}

/** Write a model with `provenance` (e.g. construction, seed); version and backend are added here. */
export function writeModelFile(
  path: string,
  net: Network,
  provenance: Record<string, unknown> = {},
  opts: SafeWriteOptions = {},
): void {
  checkWritable(path, 'model');
  const full = { ...provenance, version: VERSION, backend: getBackend().name };
  if (tensorFormat(path) !== null) {
    writeModelTensorFile(path, net, full, opts);
    return;
  }
  writeJsonAtomic(path, networkToModel(net, full), { what: 'model file', ...opts });
}
