/**
 * Data set files for the CLI commands (data, construct, measure, train, rescale): a file path to a
 * validated Dataset and back. The format itself lives in src/data/dataset-json.ts (pure, browser-safe).
 */
import type { Dataset } from '../data/dataset.js';
import { DATASET_FORMAT, type datasetToJson, parseCsvDataset } from '../data/dataset-json.js';
import { validateDatasetObject } from '../data/dataset-schema.js';
import { InputError } from '../errors.js';
import { type SafeWriteOptions, writeFileAtomic } from '../node/safe-write.js';
import { checkReadable, checkWritable } from './file-kinds.js';
import { readJsonFile, readTextFile } from './io.js';
import { readDatasetTensorFile, tensorFormat, writeDatasetTensorFile } from './tensor-files.js';

/**
 * Read and validate a data set file (InputError naming the file and the problem): flatlab.dataset/1
 * JSON, or by extension .npz (x, y) / .npy inputs with a `labels` .npy (tensor-files.ts).
 */
export function readDatasetFile(path: string, labels?: string): Dataset {
  checkReadable(path, 'data set');
  if (tensorFormat(path) !== null) return readDatasetTensorFile(path, labels);
  if (labels !== undefined) throw new InputError(`--labels only applies to --data x.npy (${path} holds y already)`);
  return validateDatasetObject(readJsonFile(path, 'data set file'), path);
}

/**
 * Write a data set atomically as flatlab.dataset/1 JSON, one sample per line (indenting every number, as
 * JSON.stringify(…, 2) would, makes the file several times longer and unreadable).
 */
export function writeDatasetFile(path: string, data: Dataset, opts: SafeWriteOptions = {}): void {
  checkWritable(path, 'data set');
  if (tensorFormat(path) !== null) {
    writeDatasetTensorFile(path, data, opts);
    return;
  }
  writeFileAtomic(path, datasetJsonChunks(data), { what: 'data set file', ...opts });
}

/**
 * The same text as formatDatasetJson, produced a row at a time: a data set within the n·d limit can be
 * larger than the longest string V8 allows (a 30000 × 1000 set is ≈ 600 MB of JSON).
 */
export function* datasetJsonChunks(data: Dataset): Generator<string> {
  yield `{\n  "format": ${JSON.stringify(DATASET_FORMAT)},\n  "d": ${data.d},\n  "n": ${data.n},\n  "x": [\n`;
  let buf = '';
  for (let i = 0; i < data.n; i++) {
    buf += `    ${JSON.stringify(Array.from(data.X.subarray(i * data.d, (i + 1) * data.d)))}${i + 1 < data.n ? ',' : ''}\n`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}  ],\n  "y": [`;
  for (let i = 0; i < data.n; i += 4096) {
    const part = Array.from(data.y.subarray(i, Math.min(data.n, i + 4096)), (v) => JSON.stringify(v));
    yield `${i > 0 ? ',' : ''}${part.join(',')}`;
  }
  yield ']';
  if (data.target) yield `,\n  "target": ${JSON.stringify(data.target)}`;
  if (data.seed !== undefined) yield `,\n  "seed": ${data.seed}`;
  yield '\n}\n';
}

export function formatDatasetJson(j: ReturnType<typeof datasetToJson>): string {
  const head = `{\n  "format": ${JSON.stringify(j.format)},\n  "d": ${j.d},\n  "n": ${j.n},\n`;
  const x = `  "x": [\n${j.x.map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ],\n`;
  const y = `  "y": ${JSON.stringify(j.y)}`;
  const target = j.target ? `,\n  "target": ${JSON.stringify(j.target)}` : '';
  const seed = j.seed !== undefined ? `,\n  "seed": ${j.seed}` : '';
  return `${head}${x}${y}${target}${seed}\n}\n`;
}

/** Import a CSV table (feature columns, then y; header optional). The result has no target. */
export function readCsvDatasetFile(path: string): Dataset {
  return parseCsvDataset(readTextFile(path, 'CSV file'), path);
}
