/**
 * The results store: one SQLite database (better-sqlite3, WAL mode) holding every finished trial. Each
 * result is written in its own transaction with INSERT … ON CONFLICT DO NOTHING, so a killed run loses
 * at most the trial in flight, a re-run skips what is done, and two writers can never duplicate a
 * trial (the key is the primary key).
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.js';
import { ensureFolder } from '../node/safe-write.js';
import { finiteOrFailed } from './finite-result.js';
import type { Trial, TrialResult } from './trial-types.js';

export interface StoredTrial {
  readonly key: string;
  readonly study: string;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  /** The study module's computation version that produced it (null: stored before versioning). */
  readonly studyVersion: number | null;
  readonly metrics: Record<string, number | string | boolean | null>;
  readonly series: Record<string, number[]> | null;
  readonly error: string | null;
  readonly version: string;
  readonly backend: string;
  readonly elapsedMs: number;
  readonly finishedAt: string;
}

interface Row {
  key: string;
  study: string;
  params: string;
  seed: number;
  study_version: number | null;
  metrics: string;
  series: string | null;
  error: string | null;
  version: string;
  backend: string;
  elapsed_ms: number;
  finished_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trials (
  key         TEXT PRIMARY KEY,
  study       TEXT NOT NULL,
  params      TEXT NOT NULL,
  seed        INTEGER NOT NULL,
  study_version INTEGER,
  metrics     TEXT NOT NULL,
  series      TEXT,
  error       TEXT,
  version     TEXT NOT NULL,
  backend     TEXT NOT NULL,
  elapsed_ms  REAL NOT NULL,
  started_at  TEXT,
  finished_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trials_study ON trials (study);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trial_specs (key TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (key, spec));
`;

/** A stored JSON field, or the reason it cannot be read (a foreign or damaged row is listed, not thrown). */
function parsed<T>(text: string | null, field: string, problems: string[], empty: T): T {
  if (text === null) return empty;
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as T;
    problems.push(`${field} is not a JSON object`);
  } catch {
    problems.push(`${field} is not JSON`);
  }
  return empty;
}

function fromRow(r: Row): StoredTrial {
  const problems: string[] = [];
  const params = parsed<Record<string, unknown>>(r.params, 'params', problems, {});
  const metrics = parsed<StoredTrial['metrics']>(r.metrics, 'metrics', problems, {});
  const series = parsed<StoredTrial['series']>(r.series, 'series', problems, null);
  return {
    key: r.key,
    study: r.study,
    params,
    seed: r.seed,
    studyVersion: r.study_version,
    metrics: problems.length ? {} : metrics,
    series: problems.length ? null : series,
    error: problems.length ? `unreadable stored row: ${problems.join(', ')}` : r.error,
    version: r.version,
    backend: r.backend,
    elapsedMs: r.elapsed_ms,
    finishedAt: r.finished_at,
  };
}

/**
 * JSON of a stored field. Non-finite numbers are not JSON and are never written as null (null means
 * "unavailable"): results are made finite-or-failed before this point, so one here is a bug.
 */
function json(value: unknown): string {
  return JSON.stringify(value, (k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`store: ${k || 'value'} = ${v} is not finite`);
    return v;
  });
}

/** Open (or create) the database for writing; a file-system or SQLite refusal is one InputError line. */
function openWritable(path: string): Database.Database {
  let db: Database.Database | null = null;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a process kill (not necessarily a power cut).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return db;
  } catch (e) {
    db?.close();
    throw new InputError(`cannot open results database ${path}: ${String((e as Error).message).replace(/\s+/g, ' ')}`);
  }
}

export class ResultStore {
  private readonly db: Database.Database;
  private readonly insertStmt: Database.Statement;
  private readonly hasStmt: Database.Statement;
  private readonly okStmt: Database.Statement;

  constructor(readonly path: string) {
    // The writer's folder rules (no recursive mkdir, which spins under /proc; one-line errors).
    if (path !== ':memory:') ensureFolder(dirname(path), 'results database', path);
    this.db = openWritable(path);
    // Databases written before study versions existed lack the column; their rows read as version null.
    const cols = this.db.prepare('PRAGMA table_info(trials)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'study_version'))
      this.db.exec('ALTER TABLE trials ADD COLUMN study_version INTEGER');
    this.insertStmt = this.db.prepare(`INSERT INTO trials
      (key, study, params, seed, study_version, metrics, series, error, version, backend, elapsed_ms, started_at, finished_at)
      VALUES (@key, @study, @params, @seed, @study_version, @metrics, @series, @error, @version, @backend, @elapsed_ms, @started_at, @finished_at)
      ON CONFLICT(key) DO UPDATE SET
        metrics = excluded.metrics, series = excluded.series, error = excluded.error, version = excluded.version,
        backend = excluded.backend, elapsed_ms = excluded.elapsed_ms, started_at = excluded.started_at, finished_at = excluded.finished_at
      WHERE trials.error IS NOT NULL`);
    this.hasStmt = this.db.prepare('SELECT 1 FROM trials WHERE key = ?');
    this.okStmt = this.db.prepare('SELECT 1 FROM trials WHERE key = ? AND error IS NULL');
  }

  /**
   * Record one finished trial (its own transaction). A successful result is never overwritten (returns
   * false); a stored failure is replaced by a newer result, so a failure caused by the environment (a
   * module that failed to load, memory) can be cured by re-running. A result with a NaN or ±Infinity
   * metric or series value is stored as a failed trial naming it (src/studies/finite-result.ts).
   */
  insert(trial: Trial, given: TrialResult): boolean {
    if (trial.key !== given.key) throw new Error(`result key ${given.key} does not match trial ${trial.key}`);
    // Whoever produced it (an old worker, a forged result), a non-finite metric is stored as a failure.
    const result = finiteOrFailed(given);
    const now = new Date();
    const info = this.db.transaction(() =>
      this.insertStmt.run({
        key: trial.key,
        study: trial.study,
        params: json(trial.params),
        seed: trial.seed,
        study_version: trial.studyVersion ?? null,
        metrics: json(result.metrics),
        series: result.series ? json(result.series) : null,
        error: result.error ?? null,
        version: result.version,
        backend: result.backend,
        elapsed_ms: result.elapsedMs,
        started_at: new Date(now.getTime() - result.elapsedMs).toISOString(),
        finished_at: now.toISOString(),
      }),
    )();
    return info.changes === 1;
  }

  has(key: string): boolean {
    return this.hasStmt.get(key) !== undefined;
  }

  /** The subset of keys already finished (with `retryFailed`, failed trials do not count as finished). */
  finishedKeys(keys: readonly string[], opts: { retryFailed?: boolean } = {}): Set<string> {
    const stmt = opts.retryFailed ? this.okStmt : this.hasStmt;
    const done = new Set<string>();
    for (const k of keys) if (stmt.get(k) !== undefined) done.add(k);
    return done;
  }

  get(key: string): StoredTrial | null {
    const r = this.db.prepare('SELECT * FROM trials WHERE key = ?').get(key) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** All stored trials, optionally of one study type, in key order. */
  all(study?: string): StoredTrial[] {
    const rows = (
      study
        ? this.db.prepare('SELECT * FROM trials WHERE study = ? ORDER BY key').all(study)
        : this.db.prepare('SELECT * FROM trials ORDER BY key').all()
    ) as Row[];
    return rows.map(fromRow);
  }

  /** How many stored trials each (study type, computation version) has; version null = pre-versioning. */
  studyVersions(): { study: string; version: number | null; count: number }[] {
    return this.db
      .prepare(
        'SELECT study, study_version AS version, COUNT(*) AS count FROM trials GROUP BY study, study_version ORDER BY study, study_version',
      )
      .all() as { study: string; version: number | null; count: number }[];
  }

  /** Record that these trials belong to these specs (a trial shared by two specs has both names). */
  tagSpecs(pairs: readonly { key: string; spec: string }[]): void {
    const stmt = this.db.prepare('INSERT INTO trial_specs (key, spec) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.db.transaction(() => {
      for (const p of pairs) stmt.run(p.key, p.spec);
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS c FROM trials').get() as { c: number }).c;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  close(): void {
    this.db.close();
  }
}
