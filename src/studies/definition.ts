/**
 * A study type as one typed object: its grid fields with their defaults, the schema of one trial's
 * parameters and of its metrics, its computation version, `run` (params → typed metrics), and its
 * analysis (typed rows → verdicts, figures, table). Everything outside the module — runner, store,
 * report, workers — sees only the erased `RegisteredStudy` that `defineStudy` builds, and reaches a
 * metric only through the module. Stored rows are decoded with the module's own schemas, so a renamed
 * or missing metric is reported as an unreadable row instead of being read as NaN.
 */
import { z } from 'zod';
import type { Figure } from '../figures/vega-lite.js';
import { FIELDS, type FieldName } from './fields.js';
import type { Verdict } from './verdict.js';

export type MetricValue = number | string | boolean | null;
export type MetricRecord = Readonly<Record<string, MetricValue>>;
export type Series = Record<string, number[]>;

export interface TrialOutput<M> {
  metrics: M;
  /** Optional curves (e.g. F along an orbit), as named arrays of equal length. */
  series?: Series;
}

/**
 * A numeric metric as stored, where null means "unavailable" (risk on imported data, a measure a
 * construction does not have). A non-finite number is never stored: the trial is stored as failed
 * instead (src/studies/finite-result.ts), so it never reaches an analysis. Databases written before
 * that rule may hold null for an overflow; either null reads back as NaN, so arithmetic on it stays NaN
 * instead of silently becoming 0, and the fits and rank statistics skip it.
 */
export const storedNumber = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);

/** A metric shape of stored numbers, one per name, in the order given (the table's column order). */
export function storedNumbers<const K extends string>(names: readonly K[]): { [P in K]: typeof storedNumber } {
  return Object.fromEntries(names.map((k) => [k, storedNumber])) as { [P in K]: typeof storedNumber };
}

export interface Table {
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

export interface Analysis {
  verdict: Verdict;
  /** Sub-verdicts (per activation / dimension / input law). */
  verdicts: Verdict[];
  figures: Figure[];
  table: Table;
  /** Study-specific data for tables.json, spread into the study's entry there (e.g. the measure league's `league`). */
  extra?: Record<string, unknown>;
}

export interface StudyRow<P, M> {
  key: string;
  params: P;
  seed: number;
  metrics: M;
  series: Series | null;
}

/** What a module's analysis knows of the spec: the metrics the spec wants tabulated. */
export interface AnalysisContext {
  readonly outputs: readonly string[];
}

type FieldDefaults = Readonly<Partial<Record<FieldName, unknown>>>;
type ParamSchema = z.ZodObject;
type MetricSchema = z.ZodObject;

export interface StudyDefinition<PS extends ParamSchema, MS extends MetricSchema> {
  readonly name: string;
  /** The hypothesis of docs/math.md#hypotheses (§9) it tests (or a tool comparison). */
  readonly hypothesis: string;
  /**
   * Version of the computation: bump it whenever `run` would give different numbers for the same
   * parameters and seed. It is part of every trial key, so old rows are never silently reused.
   */
  readonly version: number;
  /** Allowed grid fields with their default values. */
  readonly defaults: FieldDefaults;
  /** One trial's parameters (built with `paramsOf(defaults)`). */
  readonly params: PS;
  /** The metrics a trial records (the columns of its table), as stored. */
  readonly metrics: MS;
  /** Cross-field check on one fully specified trial; returns a message naming the fields, or null. */
  check?(p: z.output<PS>): string | null;
  /**
   * Whether the type defines this combination of fields at all (e.g. the convex flattest construction
   * exists only for 1-homogeneous students). A grid point it does not define is dropped from the spec's
   * expansion — not run, not failed, not counted — unlike `check`, which refuses an impossible trial.
   */
  applies?(p: z.output<PS>): boolean;
  /**
   * The trial's parameters with every field its computation does not read set to the type's default
   * (e.g. the width axis for a construction whose width is n by definition), so that a grid over such
   * a field does not repeat one computation under several keys. Applied before the key is hashed.
   */
  canonical?(p: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** May be asynchronous (e.g. a construction that loads a WebAssembly solver); the same seed gives the same output either way. */
  run(p: z.output<PS>, seed: number): TrialOutput<z.input<MS>> | Promise<TrialOutput<z.input<MS>>>;
  analyse(rows: StudyRow<z.output<PS>, z.output<MS>>[], ctx: AnalysisContext): Analysis;
}

/** A stored row, before decoding (what the store and the report hold). */
export interface StoredRow {
  key: string;
  params: Record<string, unknown>;
  seed: number;
  metrics: MetricRecord;
  series: Series | null;
}

/** A row the module could not decode (stale or foreign metrics), listed in the report like a failure. */
export interface UnreadableRow {
  key: string;
  params: Record<string, unknown>;
  seed: number;
  error: string;
}

/** The study as the rest of flatlab sees it: no type parameters, every metric behind the module. */
export interface RegisteredStudy {
  readonly name: string;
  readonly hypothesis: string;
  readonly version: number;
  readonly defaults: FieldDefaults;
  readonly metricNames: readonly string[];
  check(p: Record<string, unknown>): string | null;
  /** False for a grid point the type does not define (dropped from the expansion; see StudyDefinition.applies). */
  applies(p: Record<string, unknown>): boolean;
  /** The parameters with the fields the trial does not read at their defaults (see StudyDefinition.canonical). */
  canonical(p: Record<string, unknown>): Record<string, unknown>;
  run(
    params: Readonly<Record<string, unknown>>,
    seed: number,
  ): TrialOutput<MetricRecord> | Promise<TrialOutput<MetricRecord>>;
  analyse(rows: readonly StoredRow[], ctx: AnalysisContext): Analysis & { unreadable: UnreadableRow[] };
}

const issueLine = (e: z.ZodError): string =>
  e.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`)
    .join('; ');

/** Erase a typed definition into the registry's form (decoding stays inside, with the module's schemas). */
export function defineStudy<PS extends ParamSchema, MS extends MetricSchema>(
  def: StudyDefinition<PS, MS>,
): RegisteredStudy {
  const parseParams = (raw: unknown): z.output<PS> => {
    const r = def.params.safeParse(raw);
    if (!r.success) throw new Error(`${def.name}: invalid trial parameters (${issueLine(r.error)})`);
    return r.data;
  };
  return {
    name: def.name,
    hypothesis: def.hypothesis,
    version: def.version,
    defaults: def.defaults,
    metricNames: Object.keys(def.metrics.shape),
    check(p) {
      const r = def.params.safeParse(p);
      if (!r.success) return issueLine(r.error);
      return def.check?.(r.data) ?? null;
    },
    applies(p) {
      // Unparseable parameters are kept, so that `check` reports them.
      const r = def.params.safeParse(p);
      return !r.success || (def.applies?.(r.data) ?? true);
    },
    canonical(p) {
      return def.canonical ? def.canonical(p) : p;
    },
    run(params, seed) {
      const out = def.run(parseParams(params), seed);
      const record = (o: TrialOutput<z.input<MS>>): TrialOutput<MetricRecord> => ({
        metrics: metricRecord(o.metrics, def.name),
        series: o.series,
      });
      return out instanceof Promise ? out.then(record) : record(out);
    },
    analyse(rows, ctx) {
      const { typed, unreadable } = decodeRows(def, rows);
      return { ...def.analyse(typed, ctx), unreadable };
    },
  };
}

/** The stored rows decoded with the study's schemas; those that do not match are kept aside with the reason. */
function decodeRows<PS extends ParamSchema, MS extends MetricSchema>(
  def: StudyDefinition<PS, MS>,
  rows: readonly StoredRow[],
): { typed: StudyRow<z.output<PS>, z.output<MS>>[]; unreadable: UnreadableRow[] } {
  const typed: StudyRow<z.output<PS>, z.output<MS>>[] = [];
  const unreadable: UnreadableRow[] = [];
  for (const r of rows) {
    const p = def.params.safeParse(r.params);
    const m = def.metrics.safeParse(r.metrics);
    if (p.success && m.success) {
      typed.push({ key: r.key, params: p.data, seed: r.seed, metrics: m.data, series: r.series });
    } else {
      const why = p.success ? `metrics: ${m.error ? issueLine(m.error) : ''}` : `params: ${issueLine(p.error)}`;
      unreadable.push({
        key: r.key,
        params: r.params,
        seed: r.seed,
        error: `stored result does not match the ${def.name} study (version ${def.version}): ${why}`,
      });
    }
  }
  return { typed, unreadable };
}

/**
 * The parameter schema of a study: exactly the fields it has defaults for, each with its catalogue
 * schema (src/studies/fields.ts), so the defaults are type-checked against the catalogue too.
 */
export function paramsOf<K extends FieldName>(defaults: { readonly [P in K]: z.input<(typeof FIELDS)[P]> }) {
  const shape = {} as { [P in K]: (typeof FIELDS)[P] };
  for (const k of Object.keys(defaults) as K[]) shape[k] = FIELDS[k];
  return z.object(shape);
}

/** A run's metrics as the store keeps them, checked value by value (numbers, strings, booleans, null). */
function metricRecord(metrics: object, study: string): MetricRecord {
  const out: Record<string, MetricValue> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else throw new Error(`${study}: metric "${k}" is not a number, string or boolean`);
  }
  return out;
}
