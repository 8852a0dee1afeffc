/**
 * numpy and safetensors files for the CLI commands: the path's extension picks the format, the pure
 * readers and writers in src/io do the work. dataset-file.ts and model-file.ts dispatch here.
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { datasetFromNpyPair, datasetFromNpz, datasetToNpz } from '../io/dataset-tensors.js';
import {
  type ModelReadOptions,
  modelFromTensorBytes,
  modelToNpz,
  modelToSafetensors,
  tensorFormat,
} from '../io/model-tensors.js';
import { npyByteLength } from '../io/npy.js';
import type { Network } from '../model/network.js';
import { BINARY_FILE_LIMIT, readFileBounded } from '../node/safe-read.js';
import { type SafeWriteOptions, writeFileAtomic } from '../node/safe-write.js';

export { tensorFormat };

/** A regular tensor file's bytes, bounded (safe-read.ts); a .npy is read only up to the length its header declares. */
export function readBinaryFile(path: string, what = 'file'): Uint8Array {
  const npy = tensorFormat(path) === 'npy';
  return readFileBounded(
    path,
    what,
    BINARY_FILE_LIMIT,
    npy ? { prefix: 1 << 16, length: (b) => npyByteLength(b, `${what} ${path}`) } : undefined,
  );
}

/** A data set from `path` (.npz with x, y; or .npy inputs with `labels` .npy). */
export function readDatasetTensorFile(path: string, labels?: string): Dataset {
  const fmt = tensorFormat(path);
  if (fmt === 'npz') {
    if (labels !== undefined) throw new InputError(`--labels only applies to --data x.npy (${path} holds y already)`);
    return datasetFromNpz(readBinaryFile(path, 'data set file'), `data set file ${path}`);
  }
  if (fmt === 'npy') {
    if (labels === undefined)
      throw new InputError(`--data ${path} is one .npy array: give the labels with --labels y.npy`);
    if (tensorFormat(labels) !== 'npy') throw new InputError(`--labels must be a .npy file (got ${labels})`);
    return datasetFromNpyPair(
      readBinaryFile(path, 'data set file'),
      readBinaryFile(labels, 'labels file'),
      `data set ${path} + ${labels}`,
    );
  }
  throw new InputError(`data set file ${path}: a .safetensors file holds a model, not a data set (use .npz or .npy)`);
}

export function readModelTensorFile(
  path: string,
  opts: ModelReadOptions = {},
): { net: Network; provenance: Record<string, unknown> } {
  const fmt = tensorFormat(path);
  if (fmt !== 'npz' && fmt !== 'safetensors') {
    throw new InputError(
      `model file ${path}: a model is read from .json, .npz or .safetensors (a single .npy cannot hold a and W)`,
    );
  }
  return modelFromTensorBytes(readBinaryFile(path, 'model file'), fmt, opts, `model file ${path}`);
}

/** Write a model as .npz or .safetensors (float64, so a round trip is bit-identical). */
export function writeModelTensorFile(
  path: string,
  net: Network,
  provenance: Record<string, unknown>,
  opts: SafeWriteOptions = {},
): void {
  const fmt = tensorFormat(path);
  const w = { what: 'model file', ...opts };
  if (fmt === 'npz') writeFileAtomic(path, modelToNpz(net, provenance), w);
  else if (fmt === 'safetensors') writeFileAtomic(path, modelToSafetensors(net, provenance), w);
  else throw new InputError(`--out ${path}: a model is written as .json, .npz or .safetensors`);
}

export function writeDatasetTensorFile(path: string, data: Dataset, opts: SafeWriteOptions = {}): void {
  if (tensorFormat(path) !== 'npz') throw new InputError(`--out ${path}: a data set is written as .json or .npz`);
  writeFileAtomic(path, datasetToNpz(data), { what: 'data set file', ...opts });
}
