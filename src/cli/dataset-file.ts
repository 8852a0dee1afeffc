/**
 * Data set files for the CLI commands (data, construct, measure, train, rescale): a file path to a
 * validated Dataset and back. The format itself lives in src/data/format.ts (pure, browser-safe).
 */
import type { Dataset } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { datasetFromJson, datasetToJson, parseCsvDataset } from '../data/format.js';
import { readJsonFile, readTextFile, writeFileAtomic } from './io.js';
import { readDatasetTensorFile, tensorFormat, writeDatasetTensorFile } from './tensor-files.js';

/**
 * Read and validate a data set file (InputError naming the file and the problem): flatlab.dataset/1
 * JSON, or by extension .npz (x, y) / .npy inputs with a `labels` .npy (tensor-files.ts).
 */
export function readDatasetFile(path: string, labels?: string): Dataset {
  if (tensorFormat(path) !== null) return readDatasetTensorFile(path, labels);
  if (labels !== undefined) throw new InputError(`--labels only applies to --data x.npy (${path} holds y already)`);
  return datasetFromJson(readJsonFile(path, 'data set file'), path);
}

/**
 * Write a data set atomically as flatlab.dataset/1 JSON, one sample per line (indenting every number, as
 * JSON.stringify(…, 2) would, makes the file several times longer and unreadable).
 */
export function writeDatasetFile(path: string, data: Dataset): void {
  if (tensorFormat(path) !== null) {
    writeDatasetTensorFile(path, data);
    return;
  }
  writeFileAtomic(path, formatDatasetJson(datasetToJson(data)));
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
