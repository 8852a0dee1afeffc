/**
 * Reading a results database without trusting it: the file must be SQLite, must hold flatlab's
 * `trials` table with its columns (and no table flatlab does not make), and is opened read-only, so
 * `results export` never changes the file it reads. `checkResultsDb` is the same test for commands
 * that then open the store for writing (a foreign database is refused before any table is added).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { fsReason } from '../node/safe-write.js';
import type { StoredTrial } from './store.js';

const TRIAL_COLUMNS = [
  'key',
  'study',
  'params',
  'seed',
  'metrics',
  'series',
  'error',
  'version',
  'backend',
  'elapsed_ms',
  'started_at',
  'finished_at',
];
// Added with study versions (older databases lack it; the store adds it when it opens one for writing).
const OPTIONAL_COLUMNS = ['study_version'];
const FLATLAB_TABLES = new Set(['trials', 'meta', 'trial_specs']);

const jsonText = <T extends z.ZodType>(inner: T) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

const metricValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** One row of the `trials` table, as stored by src/studies/store.ts. */
export const TRIAL_ROW_SCHEMA = z.object({
  key: z.string().min(1),
  study: z.string().min(1),
  params: jsonText(z.record(z.string(), z.unknown())),
  seed: z.number().int(),
  study_version: z.number().int().nullable().optional(),
  metrics: jsonText(z.record(z.string(), metricValue)),
  series: z.union([z.null(), jsonText(z.record(z.string(), z.array(z.number().nullable())))]),
  error: z.string().nullable(),
  version: z.string(),
  backend: z.string(),
  elapsed_ms: z.number(),
  finished_at: z.string(),
});

function isSqliteFile(path: string): boolean {
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

function checkSchema(db: Database.Database, path: string): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (r) => r.name,
  );
  if (!tables.includes('trials'))
    throw new InputError(`results database ${path} is not a flatlab results database (no "trials" table)`);
  const foreign = tables.filter((t) => !FLATLAB_TABLES.has(t) && !t.startsWith('sqlite_'));
  if (foreign.length > 0)
    throw new InputError(
      `results database ${path} is not flatlab's: it has other tables (${foreign.slice(0, 5).join(', ')})`,
    );
  const cols = (db.prepare('PRAGMA table_info(trials)').all() as { name: string }[]).map((c) => c.name);
  const missing = TRIAL_COLUMNS.filter((c) => !cols.includes(c));
  const unknown = cols.filter((c) => !TRIAL_COLUMNS.includes(c) && !OPTIONAL_COLUMNS.includes(c));
  if (missing.length > 0 || unknown.length > 0)
    throw new InputError(
      `results database ${path} is not a flatlab results database (its "trials" table has columns ${cols.join(', ')})`,
    );
}

function openChecked(path: string): Database.Database {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(`--db: results database not found: ${path}`);
    throw new InputError(`cannot read results database ${path}: ${fsReason(e)}`);
  }
  if (!st.isFile()) throw new InputError(`results database ${path} is not a regular file`);
  if (st.size === 0) throw new InputError(`results database ${path} is empty (not a flatlab results database)`);
  if (!isSqliteFile(path)) throw new InputError(`results database ${path} is not an SQLite database`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new InputError(`cannot open results database ${path}: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  try {
    checkSchema(db, path);
  } catch (e) {
    db.close();
    if (e instanceof InputError) throw e;
    throw new InputError(`results database ${path} cannot be read: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  return db;
}

/** Refuse an existing file that is not a flatlab results database (a missing file is fine: it will be created). */
export function checkResultsDb(path: string): void {
  try {
    statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new InputError(`cannot use results database ${path}: ${fsReason(e)}`);
  }
  openChecked(path).close();
}

/** The study types and spec names a database holds (spec names only where it records them). */
export function resultNames(path: string): { types: string[]; specs: string[] } {
  const db = openChecked(path);
  try {
    const types = (db.prepare('SELECT DISTINCT study FROM trials ORDER BY study').all() as { study: string }[]).map(
      (r) => r.study,
    );
    const hasSpecs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trial_specs'").get();
    const specs = hasSpecs
      ? (db.prepare('SELECT DISTINCT spec FROM trial_specs ORDER BY spec').all() as { spec: unknown }[])
          .map((r) => r.spec)
          .filter((s): s is string => typeof s === 'string')
      : [];
    return { types, specs };
  } finally {
    db.close();
  }
}

/** A row that fails the schema, kept and listed: its key and study where readable, and why. */
function unreadable(raw: unknown, i: number, why: string): StoredTrial {
  const r = (raw ?? {}) as Record<string, unknown>;
  const text = (v: unknown, dflt: string) => (typeof v === 'string' && v ? v : dflt);
  return {
    key: text(r.key, `row ${i + 1}`),
    study: text(r.study, 'unknown'),
    params: {},
    seed: typeof r.seed === 'number' && Number.isInteger(r.seed) ? r.seed : 0,
    studyVersion: null,
    metrics: {},
    series: null,
    error: `unreadable stored row: ${why}`,
    version: text(r.version, ''),
    backend: text(r.backend, ''),
    elapsedMs: typeof r.elapsed_ms === 'number' && Number.isFinite(r.elapsed_ms) ? r.elapsed_ms : 0,
    finishedAt: text(r.finished_at, ''),
  };
}

/**
 * Every stored trial, read-only, optionally of one study type or spec name (`select` is checked
 * against resultNames by the caller). A row that fails the schema (foreign or damaged) is kept with an
 * error naming the field, so exports list it instead of failing.
 */
export function readResultsReadOnly(path: string, select?: { type?: string; spec?: string }): StoredTrial[] {
  const db = openChecked(path);
  try {
    const rows = select?.spec
      ? db
          .prepare('SELECT t.* FROM trials t JOIN trial_specs s ON s.key = t.key WHERE s.spec = ? ORDER BY t.key')
          .all(select.spec)
      : select?.type
        ? db.prepare('SELECT * FROM trials WHERE study = ? ORDER BY key').all(select.type)
        : db.prepare('SELECT * FROM trials ORDER BY key').all();
    return rows.map((raw, i) => {
      const r = TRIAL_ROW_SCHEMA.safeParse(raw);
      if (!r.success) {
        const issue = r.error.issues[0];
        return unreadable(raw, i, `${issue.path.join('.') || 'row'}: ${issue.message}`);
      }
      const v = r.data;
      return {
        key: v.key,
        study: v.study,
        params: v.params,
        seed: v.seed,
        studyVersion: v.study_version ?? null,
        metrics: v.metrics,
        series: v.series as StoredTrial['series'],
        error: v.error,
        version: v.version,
        backend: v.backend,
        elapsedMs: v.elapsed_ms,
        finishedAt: v.finished_at,
      };
    });
  } finally {
    db.close();
  }
}
