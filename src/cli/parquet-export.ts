/**
 * The trials of a results database as one Parquet table (hyparquet-writer: pure JavaScript, no native
 * download), the same columns as the CSV export: key, study, seed, one column per parameter, one
 * `metric.<name>` column per metric, series (JSON), error, version, backend, elapsed_ms, finished_at.
 * A column whose values are all numbers is DOUBLE, all booleans BOOLEAN, otherwise STRING (objects as
 * JSON), so pandas / polars get typed columns instead of re-parsing text.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { StoredTrial } from '../studies/store.js';

type Cell = string | number | boolean | null;
type Column = { name: string; data: Cell[]; type: 'DOUBLE' | 'BOOLEAN' | 'STRING' };

function column(name: string, values: unknown[]): Column {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) {
    return { name, type: 'DOUBLE', data: values.map((v) => (typeof v === 'number' ? v : null)) };
  }
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) {
    return { name, type: 'BOOLEAN', data: values.map((v) => (typeof v === 'boolean' ? v : null)) };
  }
  const text = (v: unknown): string | null =>
    v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return { name, type: 'STRING', data: values.map(text) };
}

export function toParquet(trials: readonly StoredTrial[]): Uint8Array {
  const pk = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const mk = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  const col = (name: string, get: (t: StoredTrial) => unknown): Column => column(name, trials.map(get));
  const columns: Column[] = [
    col('key', (t) => t.key),
    col('study', (t) => t.study),
    col('seed', (t) => t.seed),
    ...pk.map((k) => col(k, (t) => t.params[k])),
    ...mk.map((k) => col(`metric.${k}`, (t) => t.metrics[k])),
    col('series', (t) => t.series),
    col('error', (t) => t.error),
    col('version', (t) => t.version),
    col('backend', (t) => t.backend),
    col('elapsed_ms', (t) => t.elapsedMs),
    col('finished_at', (t) => t.finishedAt),
  ];
  // An all-null column has no type to infer: STRING keeps it loadable.
  return new Uint8Array(parquetWriteBuffer({ columnData: columns }));
}
