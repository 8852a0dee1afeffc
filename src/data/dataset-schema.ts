/**
 * The data set file's schema, as one function any reader applies to the object it parsed (JSON today;
 * npz, safetensors or parquet readers build the same object): a zod check of the top-level shape, then
 * the element-wise checks of datasetFromJson (finite numbers, row lengths, n·d limit, target spec).
 * Every problem is one InputError line naming the source and the field.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { DATASET_FORMAT, datasetFromJson } from './dataset-json.js';

const TOP_LEVEL = z.looseObject({
  format: z.literal(DATASET_FORMAT),
  d: z.number().int().min(1),
  n: z.number().int().min(1),
  x: z.array(z.unknown()),
  y: z.array(z.unknown()),
  target: z.record(z.string(), z.unknown()).nullable().optional(),
  seed: z.number().int().min(0).nullable().optional(),
});

export function validateDatasetObject(raw: unknown, where = 'data set'): Dataset {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`${where}: expected a JSON object with "format": "${DATASET_FORMAT}"`);
  const r = TOP_LEVEL.safeParse(raw);
  // The element-wise validator gives the more specific message for the common mistakes; zod catches the rest.
  if (!r.success) {
    datasetFromJson(raw, where);
    const i = r.error.issues[0];
    throw new InputError(`${where}: ${i.path.map(String).join('.') || '(top level)'}: ${i.message}`);
  }
  return datasetFromJson(raw, where);
}
