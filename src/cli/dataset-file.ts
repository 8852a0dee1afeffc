/**
 * Data set files for the CLI commands (data, construct, measure, train, rescale): a file path to a
 * validated Dataset and back. The format itself lives in src/data/format.ts (pure, browser-safe).
 */
import type { Dataset } from '../data/dataset.js';
import { datasetFromJson, datasetToJson, parseCsvDataset } from '../data/format.js';
import { readJsonFile, readTextFile, writeJsonAtomic } from './io.js';

/** Read and validate a flatlab.dataset/1 file (InputError naming the file and the problem). */
export function readDatasetFile(path: string): Dataset {
  return datasetFromJson(readJsonFile(path, 'data set file'), path);
}

/** Write a data set atomically as flatlab.dataset/1 JSON. */
export function writeDatasetFile(path: string, data: Dataset): void {
  writeJsonAtomic(path, datasetToJson(data));
}

/** Import a CSV table (feature columns, then y; header optional). The result has no target. */
export function readCsvDatasetFile(path: string): Dataset {
  return parseCsvDataset(readTextFile(path, 'CSV file'), path);
}
