/**
 * One declarative parameter table format. The same definitions drive CLI flags, study-spec fields and
 * the playground's URL state, so a parameter's name, range, default and help are written once.
 */
import { InputError } from '../errors.js';
import { currentSpelling } from '../spellings.js';

/** The value type of a parameter-table row. */
export type ParamType = 'int' | 'number' | 'string' | 'enum' | 'bool';

/** One row of a declarative parameter table: key, type, default, range or choices, and help text. */
export interface ParamDef<T = unknown> {
  /** Field name in specs and the library API (camelCase). */
  readonly key: string;
  readonly type: ParamType;
  readonly default: T;
  readonly min?: number;
  readonly max?: number;
  /** For enums. */
  readonly choices?: readonly string[];
  /** One line of help (CLI --help, hover text). */
  readonly help: string;
  /** The formula or definition the parameter stands for, when there is one. */
  readonly formula?: string;
  /** Short key for URLs (playground state). */
  readonly short?: string;
  /** Quantities spanning orders of magnitude are shown on log sliders. */
  readonly log?: boolean;
  /**
   * This row is the deprecated name of the row `deprecated`: still read on input (CLI flag, spec field,
   * URL) with that row's range, its value taken as that row's; never a key of the parsed record.
   */
  readonly deprecated?: string;
}

/** The value type a row declares: its choices for an enum, else the type its `type` names. */
export type ParamValue<D> = D extends { readonly type: 'enum'; readonly choices: readonly (infer C)[] }
  ? C
  : D extends { readonly type: 'int' | 'number' }
    ? number
    : D extends { readonly type: 'bool' }
      ? boolean
      : string;

/** The record a table parses into, inferred from the rows (declare the table `as const`). */
export type ParamValues<T extends readonly ParamDef[]> = {
  -readonly [D in T[number] as D extends { readonly deprecated: string } ? never : D['key']]: ParamValue<D>;
};

/** The CLI flag for a key: learningRate → --learning-rate. */
/** Largest seed any command or table accepts (seeds are 31-bit so they survive every JSON and SQLite path). */
export const MAX_SEED = 2 ** 31 - 1;

/** The `seed` parameter every seeded command and table declares: an integer in [0, MAX_SEED], default 0. */
export function seedParam(
  help: string,
  extra: Partial<Omit<ParamDef<number>, 'key' | 'type'>> = {},
): ParamDef<number> & { readonly key: 'seed'; readonly type: 'int' } {
  return { key: 'seed', type: 'int', default: 0, min: 0, max: MAX_SEED, help, ...extra };
}

export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function describeRange(def: ParamDef): string {
  if (def.type === 'enum') return `one of ${def.choices?.join(', ')}`;
  if (def.type === 'bool') return 'true or false';
  const kind = def.type === 'int' ? 'an integer' : 'a number';
  if (def.min !== undefined && def.max !== undefined) return `${kind} in [${def.min}, ${def.max}]`;
  if (def.min !== undefined) return `${kind} ≥ ${def.min}`;
  if (def.max !== undefined) return `${kind} ≤ ${def.max}`;
  return kind;
}

/** parseParam for an optional flag or field: undefined (not given) stays undefined. */
export function parseParamIfGiven<T>(def: ParamDef<T>, raw: unknown, where = def.key): T | undefined {
  return raw === undefined ? undefined : parseParam(def, raw, where);
}

/**
 * Parse and validate one value (from a CLI string, a spec file or a URL). Errors name the field and the
 * allowed range, e.g. `learningRate must be a number ≥ 0 (got "-1")`.
 */
export function parseParam<T>(def: ParamDef<T>, raw: unknown, where = def.key): T {
  const v = rawValue(def, raw);
  if (v === null) throw new InputError(`${where} must be ${describeRange(def)} (got ${JSON.stringify(raw)})`);
  return v as T;
}

/** The value `raw` stands for under the row's type and range; null when it is not a valid one. */
function rawValue(def: ParamDef, raw: unknown): number | boolean | string | null {
  switch (def.type) {
    case 'int':
    case 'number':
      return numberValue(def, raw);
    case 'bool':
      if (raw === true || raw === 'true' || raw === '1') return true;
      if (raw === false || raw === 'false' || raw === '0') return false;
      return null;
    case 'enum': {
      const v = currentSpelling(raw); // a deprecated snake_case value (leaky_relu) maps to its kebab-case one
      return typeof v === 'string' && def.choices?.includes(v) ? v : null;
    }
    case 'string':
      return typeof raw === 'string' ? raw : null;
  }
}

/** A number (or numeric string) within the row's range, an integer for an int row; null otherwise. */
function numberValue(def: ParamDef, raw: unknown): number | null {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(v)) return null;
  if (def.type === 'int' && !Number.isInteger(v)) return null;
  if (def.min !== undefined && v < def.min) return null;
  if (def.max !== undefined && v > def.max) return null;
  return v;
}

/** Whether `v` holds a valid value for every row (the parsed record's type, checked). */
function conforms<const T extends readonly ParamDef[]>(table: readonly ParamDef[], v: object): v is ParamValues<T> {
  const rec: Record<string, unknown> = { ...v };
  return table.every((def) => {
    const x = rec[def.key];
    if (def.type === 'enum') return typeof x === 'string' && (def.choices ?? []).includes(x);
    if (def.type === 'bool') return typeof x === 'boolean';
    return typeof x === (def.type === 'string' ? 'string' : 'number');
  });
}

/**
 * Parse raw values against a table into the record its rows declare (ParamValues): unknown keys are
 * rejected by name, a deprecated row's value is read as its successor's (both given and different:
 * refused).
 */
export function parseTable<const T extends readonly ParamDef[]>(
  table: T,
  raw: Record<string, unknown>,
  context = '',
): ParamValues<T> {
  const given: Record<string, unknown> = { ...raw };
  for (const def of table) {
    const to = def.deprecated;
    if (to === undefined || given[def.key] === undefined) continue;
    if (given[to] !== undefined && given[to] !== given[def.key])
      throw new InputError(`${context}${def.key} is the deprecated name of ${to}: give one of them`);
    given[to] = given[def.key];
    delete given[def.key];
  }
  const current = table.filter((def) => def.deprecated === undefined);
  const out = parseParams(current, given, context);
  if (!conforms<T>(current, out)) throw new Error(`${context}parsed parameters do not match their table`);
  return out;
}

/** Parse a record of raw values against a table; unknown keys are rejected by name. */
export function parseParams(
  table: readonly ParamDef[],
  raw: Record<string, unknown>,
  context = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set(table.map((d) => d.key));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      throw new InputError(`${context}unknown field "${key}" (allowed: ${[...known].join(', ')})`);
    }
  }
  for (const def of table) {
    out[def.key] = raw[def.key] === undefined ? def.default : parseParam(def, raw[def.key], `${context}${def.key}`);
  }
  return out;
}
