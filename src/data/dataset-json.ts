/**
 * The data set file format, as pure functions between a parsed JSON value and a Dataset:
 *   {"format":"flatlab.dataset/1","d":…,"n":…,"x":[[…]…],"y":[…],"target":{…},"seed":…}
 * `target` and `seed` are absent for imported data (then population risk is unavailable, not guessed).
 * Also a CSV importer (feature columns, then y; header optional). Every problem is an InputError whose
 * one-line message names the field.
 */
import { InputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { MAX_ENTRIES } from './generate.js';
import type { TargetSpec } from './target.js';
import { validateTarget } from './targets.js';

/** The `format` tag of a data set JSON file. */
export const DATASET_FORMAT = 'flatlab.dataset/1';

/** A data set as written to a `flatlab.dataset/1` JSON file (rows of x, labels y, target and seed when known). */
export interface DatasetJson {
  format: typeof DATASET_FORMAT;
  d: number;
  n: number;
  x: number[][];
  y: number[];
  target?: TargetSpec;
  seed?: number;
}

/**
 * The JSON object of a data set (inverse of datasetFromJson).
 *
 * @example
 * ```ts
 * import { datasetFromJson, datasetToJson, makeDataset } from 'flatlab';
 *
 * const data = makeDataset({ d: 3, n: 4, r: 1, links: 'relu', seed: 0 });
 * const back = datasetFromJson(JSON.parse(JSON.stringify(datasetToJson(data))));
 * console.log(back.y.every((v, i) => v === data.y[i])); // true: the JSON round trip is exact
 * ```
 */
export function datasetToJson(data: Dataset): DatasetJson {
  const x: number[][] = [];
  for (let i = 0; i < data.n; i++) x.push(Array.from(data.X.subarray(i * data.d, (i + 1) * data.d)));
  const out: DatasetJson = { format: DATASET_FORMAT, d: data.d, n: data.n, x, y: Array.from(data.y) };
  if (data.target) out.target = data.target;
  if (data.seed !== undefined) out.seed = data.seed;
  return out;
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InputError(`data set: "${field}" must be a positive integer (got ${JSON.stringify(v)})`);
  }
  return v;
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v); // NaN/Infinity can only come from non-JSON sources
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Validate a parsed JSON value as a data set file. `where` prefixes messages (e.g. the file path).
 *
 * @example
 * ```ts
 * import { datasetFromJson } from 'flatlab';
 *
 * const data = datasetFromJson({ format: 'flatlab.dataset/1', d: 2, n: 2, x: [[1, 0], [0, 1]], y: [1, -1] });
 * console.log(data.n, data.d, data.target); // 2 2 undefined (imported data have no target)
 * ```
 */
export function datasetFromJson(value: unknown, where = 'data set'): Dataset {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InputError(`${where}: expected a JSON object with "format": "${DATASET_FORMAT}"`);
  const v = value as Record<string, unknown>;
  if (v.format !== DATASET_FORMAT) {
    throw new InputError(`${where}: wrong format ${describe(v.format)} (expected "${DATASET_FORMAT}")`);
  }
  const d = positiveInt(v.d, 'd');
  const n = positiveInt(v.n, 'n');
  if (n * d > MAX_ENTRIES) throw new InputError(`${where}: n·d = ${n * d} exceeds the limit of ${MAX_ENTRIES} entries`);
  const { X, y } = jsonRows(v.x, v.y, n, d, where);
  const target = jsonTarget(v.target, d, where);
  const seed = jsonSeed(v.seed, where);
  const out: Dataset = { d, n, X, y, ...(target ? { target } : {}), ...(seed !== undefined ? { seed } : {}) };
  return out;
}

/** The "x" rows and "y" values as X (n×d, row-major) and y, every entry a finite number. */
function jsonRows(xs: unknown, ys: unknown, n: number, d: number, where: string): { X: Float64Array; y: Float64Array } {
  if (!Array.isArray(xs)) throw new InputError(`${where}: "x" must be a list of n = ${n} rows`);
  if (xs.length !== n) throw new InputError(`${where}: "x" has ${xs.length} rows but n = ${n}`);
  if (!Array.isArray(ys)) throw new InputError(`${where}: "y" must be a list of n = ${n} numbers`);
  if (ys.length !== n) throw new InputError(`${where}: "y" has ${ys.length} values but n = ${n}`);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    jsonRow(xs[i], i, d, X, where);
    const yi = ys[i];
    if (typeof yi !== 'number' || !Number.isFinite(yi))
      throw new InputError(`${where}: y[${i}] is not a finite number (got ${describe(yi)})`);
    y[i] = yi;
  }
  return { X, y };
}

/** Row i of "x" into X. */
function jsonRow(row: unknown, i: number, d: number, X: Float64Array, where: string): void {
  if (!Array.isArray(row))
    throw new InputError(`${where}: x[${i}] must be a list of d = ${d} numbers (got ${describe(row)})`);
  if (row.length !== d) throw new InputError(`${where}: x[${i}] has ${row.length} entries but d = ${d}`);
  for (let k = 0; k < d; k++) {
    const e = row[k];
    if (typeof e !== 'number' || !Number.isFinite(e))
      throw new InputError(`${where}: x[${i}][${k}] is not a finite number (got ${describe(e)})`);
    X[i * d + k] = e;
  }
}

/** The optional "target", validated and of the data's dimension. */
function jsonTarget(raw: unknown, d: number, where: string): TargetSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  let target: TargetSpec;
  try {
    target = validateTarget(raw, 'target');
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${where}: ${e.message}`);
    throw e;
  }
  if (target.d !== d) throw new InputError(`${where}: target.d = ${target.d} but the data have d = ${d}`);
  return target;
}

/** The optional "seed": a non-negative integer. */
function jsonSeed(raw: unknown, where: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw new InputError(`${where}: "seed" must be a non-negative integer (got ${describe(raw)})`);
  }
  return raw;
}

/**
 * Parse a CSV table: each row is d feature values then y. Separator: comma, semicolon or tab (taken
 * from the first data line); a cell may be double-quoted (RFC 4180, "" for a quote). A first line whose
 * cells are all names (none starts like a number) is a header. Blank lines and lines starting with '#'
 * are skipped. Every other cell must be a plain decimal number: `0x10`, `0b11`, `1,5` or `1_000` are
 * refused, not read as 16, 3, two cells or NaN.
 */
const NUMBER_LIKE = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)$/i;
const PLAIN_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV line's cells (quotes removed), or null when a quote is left open. */
function splitCsvLine(line: string, sep: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted) {
      if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === sep) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  if (quoted) return null;
  cells.push(cell.trim());
  return cells;
}

/**
 * A data set from CSV text: feature columns, then y; a header row is optional. The result has no target,
 * so its population risk is unavailable.
 *
 * @example
 * ```ts
 * import { parseCsvDataset } from 'flatlab';
 *
 * const data = parseCsvDataset('x1,x2,y\n1,0,1\n0,1,-1\n');
 * console.log(data.n, data.d, [...data.y]); // 2 2 [1, -1]
 * ```
 */
export function parseCsvDataset(text: string, where = 'CSV'): Dataset {
  const rows = csvRows(text, where);
  if (rows.length === 0) throw new InputError(`${where}: no data rows`);
  const width = rows[0].cells.length;
  if (width < 2)
    throw new InputError(
      `${where}: each row needs at least 2 columns (features, then y); line ${rows[0].line} has ${width}`,
    );
  const d = width - 1;
  const n = rows.length;
  if (n * d > MAX_ENTRIES) throw new InputError(`${where}: n·d = ${n * d} exceeds the limit of ${MAX_ENTRIES} entries`);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  rows.forEach(({ line, cells }, i) => {
    if (cells.length !== width)
      throw new InputError(`${where}: line ${line} has ${cells.length} columns, expected ${width} (ragged rows)`);
    for (let k = 0; k < width; k++) {
      const val = csvNumber(cells[k], line, k, where);
      if (k < d) X[i * d + k] = val;
      else y[i] = val;
    }
  });
  return { d, n, X, y };
}

/** The data rows of CSV text (with their line numbers): blank lines, comments and a header row skipped. */
function csvRows(text: string, where: string): { line: number; cells: string[] }[] {
  const lines = text.split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  let sep: string | null = null;
  let header = false;
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    sep ??= csvSeparator(raw);
    const cells = splitCsvLine(raw, sep);
    if (cells === null) throw new InputError(`${where}: line ${li + 1} has an unterminated quoted cell`);
    if (rows.length === 0 && !header && isHeaderRow(cells)) {
      header = true;
      continue;
    }
    rows.push({ line: li + 1, cells });
  }
  return rows;
}

/** The separator of a CSV file, from its first data line: comma, else semicolon, else tab, else comma. */
function csvSeparator(line: string): string {
  for (const sep of [',', ';', '\t']) if (line.includes(sep)) return sep;
  return ',';
}

/** A header names its columns: no cell of it may start like a number (so `0x10` or `1,5` are not skipped as one). */
const isHeaderRow = (cells: string[]): boolean =>
  cells.every((c) => c !== '' && !/^[+\-.\d]/.test(c) && !NUMBER_LIKE.test(c));

/** One CSV cell as a finite number (line and 0-based column k name it in errors). */
function csvNumber(c: string, line: number, k: number, where: string): number {
  if (c !== '' && !NUMBER_LIKE.test(c))
    throw new InputError(
      `${where}: line ${line}, column ${k + 1}: "${c}" is not a finite number (write plain decimals such as 1.5 or -2e-3)`,
    );
  const val = PLAIN_DECIMAL.test(c) ? Number(c) : Number.NaN;
  if (!Number.isFinite(val))
    throw new InputError(`${where}: line ${line}, column ${k + 1}: "${c}" is not a finite number`);
  return val;
}
