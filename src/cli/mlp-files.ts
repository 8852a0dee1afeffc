/**
 * Model and data files for the commands that take deep networks (measure, rescale, estimate-trace): a path
 * to either today's two-layer Network or a deep Mlp, and labels of shape (n) or (n, c). A file that holds a
 * two-layer, bias-free, scalar network (flatlab.model/1, or /2 with that shape, or such a state_dict) is
 * read as a Network, so every command gives exactly the numbers it gave before deep networks existed.
 */

import { validateDatasetObject } from '../data/dataset-schema.js';
import type { TargetSpec } from '../data/target.js';
import { InputError } from '../errors.js';
import { resolveActivation } from '../io/activation.js';
import {
  type AnyModel,
  anyModelFromTensorBytes,
  mlpDataFromJson,
  mlpDataFromNpz,
  mlpDataOf,
  mlpToNpz,
  mlpToSafetensors,
  npzLabelColumns,
} from '../io/mlp-state-dict.js';
import type { ModelReadOptions } from '../io/model-tensors.js';
import { parseNpy } from '../io/npy.js';
import { getBackend } from '../linalg/backend.js';
import { type Mlp, type MlpData, networkOfMlp } from '../model/mlp.js';
import { MLP_MODEL_FORMAT, mlpToModel, modelToMlp } from '../model/mlp-json.js';
import { type SafeWriteOptions, writeFileAtomic, writeJsonAtomic } from '../node/safe-write.js';
import { VERSION } from '../version.js';
import { readDatasetFile } from './dataset-file.js';
import { checkReadable } from './file-kinds.js';
import { readJsonFile } from './io.js';
import { readModelFile } from './model-file.js';
import { readBinaryFile, tensorFormat } from './tensor-files.js';

/** A model file of any depth, by extension (.json: flatlab.model/1 or /2; .npz, .safetensors: tensors). */
export function readAnyModelFile(path: string, opts: ModelReadOptions = {}): AnyModel {
  checkReadable(path, 'model');
  const fmt = tensorFormat(path);
  if (fmt === 'npz' || fmt === 'safetensors') {
    const r = anyModelFromTensorBytes(readBinaryFile(path, 'model file'), fmt, opts, `model file ${path}`);
    if (r.kind === 'deep') return r;
  } else if (fmt === null) {
    const json = readJsonFile(path, 'model file');
    if (json && typeof json === 'object' && (json as { format?: unknown }).format === MLP_MODEL_FORMAT) {
      const where = `model file ${path}`;
      const { net, provenance } = modelToMlp(json, where);
      resolveActivation(net.act.spec, opts.activation, where);
      const two = networkOfMlp(net);
      return two ? { kind: 'two-layer', net: two, provenance } : { kind: 'deep', net, provenance };
    }
  }
  return { kind: 'two-layer', ...readModelFile(path, opts) };
}

/** A data set for a deep network: labels (n) or (n, 1) as today (target kept), or (n, c) from .npz, .npy or JSON rows. */
export function readMlpDataFile(path: string, labels?: string): { data: MlpData; target?: TargetSpec } {
  checkReadable(path, 'data set');
  if (labels !== undefined) checkReadable(labels, 'data set');
  const fmt = tensorFormat(path);
  if (fmt === 'npz') {
    const bytes = readBinaryFile(path, 'data set file');
    if ((npzLabelColumns(bytes, `data set file ${path}`) ?? 1) > 1 && labels === undefined)
      return { data: mlpDataFromNpz(bytes, `data set file ${path}`) };
  }
  if (fmt === 'npy' && labels !== undefined && tensorFormat(labels) === 'npy') {
    const data = mlpDataFromNpyPair(path, labels);
    if (data) return { data };
  }
  if (fmt === null && !/\.csv$/i.test(path) && labels === undefined) {
    // One parse: rows of labels are a c-output data set, anything else goes through the data set schema.
    const json = readJsonFile(path, 'data set file');
    const y = (json as { y?: unknown } | null)?.y;
    if (Array.isArray(y) && Array.isArray(y[0])) return { data: mlpDataFromJson(json, `data set file ${path}`) };
    const data = validateDatasetObject(json, path);
    return { data: mlpDataOf(data), target: data.target };
  }
  const data = readDatasetFile(path, labels);
  return { data: mlpDataOf(data), target: data.target };
}

/** Write a deep model (.json flatlab.model/2, .npz or .safetensors state_dict) with version and backend. */
export function writeMlpModelFile(
  path: string,
  net: Mlp,
  provenance: Record<string, unknown>,
  opts: SafeWriteOptions = {},
): void {
  const full = { ...provenance, version: VERSION, backend: getBackend().name };
  const fmt = tensorFormat(path);
  const w = { what: 'model file', ...opts };
  if (fmt === 'npz') writeFileAtomic(path, mlpToNpz(net, full), w);
  else if (fmt === 'safetensors') writeFileAtomic(path, mlpToSafetensors(net, full), w);
  else if (fmt === null) writeJsonAtomic(path, mlpToModel(net, full), w);
  else throw new InputError(`--out ${path}: a model is written as .json, .npz or .safetensors`);
}

/** x.npy with (n, c) labels in y.npy, c > 1; null when the labels are one column (the two-layer reader takes them). */
function mlpDataFromNpyPair(path: string, labels: string): MlpData | null {
  const y = parseNpy(readBinaryFile(labels, 'labels file'), `labels file ${labels}`);
  if (y.shape.length !== 2 || y.shape[1] <= 1) return null;
  const x = parseNpy(readBinaryFile(path, 'data set file'), `data set file ${path}`);
  if (x.shape.length !== 2 || x.shape[0] !== y.shape[0])
    throw new InputError(`data set ${path} + ${labels}: x must be (n, d) with n = ${y.shape[0]} rows like y`);
  for (const [k, t] of [
    ['x', x],
    ['y', y],
  ] as const)
    for (let i = 0; i < t.data.length; i++)
      if (!Number.isFinite(t.data[i])) throw new InputError(`data set ${path}: ${k} entry ${i} is not finite`);
  return { n: x.shape[0], d: x.shape[1], c: y.shape[1], X: x.data, Y: y.data };
}
