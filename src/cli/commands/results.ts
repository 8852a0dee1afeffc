/**
 * `flatlab results export`: the trials of a results database as CSV (one row per trial; params and
 * metrics flattened into columns), JSON (full records, series included) or Parquet (typed columns, for
 * pandas / polars: docs/python.md).
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { checkOutputPath, writeFileAtomic } from '../../node/safe-write.js';
import { readResultsReadOnly, resultNames } from '../../studies/results-db.js';
import type { StoredTrial } from '../../studies/store.js';
import { toParquet } from '../parquet-export.js';

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(trials: readonly StoredTrial[]): string {
  const pk = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const mk = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  const head = [
    'key',
    'study',
    'seed',
    ...pk,
    ...mk.map((m) => `metric.${m}`),
    'error',
    'version',
    'backend',
    'elapsed_ms',
    'finished_at',
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const t of trials) {
    lines.push(
      [
        t.key,
        t.study,
        t.seed,
        ...pk.map((k) => t.params[k]),
        ...mk.map((m) => t.metrics[m]),
        t.error,
        t.version,
        t.backend,
        t.elapsedMs,
        t.finishedAt,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A --study name as a spec name (preferred: it tells h3-class from h3-flattest) or a study type; unknown → exit 2. */
function selection(db: string, name: string): { spec?: string; type?: string } {
  const known = resultNames(db);
  if (known.specs.includes(name)) return { spec: name };
  if (known.types.includes(name)) return { type: name };
  const list = (v: string[]) => (v.length ? v.join(', ') : 'none');
  throw new InputError(
    `--study: "${name}" is neither a spec nor a study type in ${db} (specs: ${list(known.specs)}; study types: ${list(known.types)})`,
  );
}

export function register(program: Command): void {
  const results = program.command('results').description('inspect a results database');
  results
    .command('export')
    .description('export the trials of a results database as CSV, JSON or Parquet')
    .requiredOption('--db <file>', 'the SQLite results database (e.g. flatlab-out/results.sqlite)')
    .option('--csv', 'CSV, one row per trial (default)')
    .option('--json', 'JSON array of full trial records (with series)')
    .option('--parquet', 'Parquet table, the CSV columns typed (needs --out; pandas.read_parquet, polars.read_parquet)')
    .option(
      '--study <name>',
      'only the trials of this spec (e.g. h3-class) or study type (e.g. flattest); an unknown name is refused, listing the names in the database',
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .action(exportResults);
}

interface ExportFlags {
  db: string;
  csv?: boolean;
  json?: boolean;
  parquet?: boolean;
  study?: string;
  out?: string;
}

/** `results export`: one format, every check before anything is read or written. */
function exportResults(f: ExportFlags): void {
  if ([f.csv, f.json, f.parquet].filter(Boolean).length > 1)
    throw new InputError('give one of --csv, --json, --parquet');
  if (f.parquet && !f.out) throw new InputError('--parquet writes a binary file: give --out results.parquet');
  // Both checks before anything is read or written: --out may not be the database itself.
  if (f.out !== undefined) checkOutputPath(f.out, { what: 'export', inputs: [f.db] });
  const trials = readResultsReadOnly(f.db, f.study === undefined ? undefined : selection(f.db, f.study));
  const text = f.parquet ? toParquet(trials) : f.json ? `${JSON.stringify(trials, null, 1)}\n` : toCsv(trials);
  if (f.out !== undefined) writeFileAtomic(f.out, text, { what: 'export', inputs: [f.db] });
  else process.stdout.write(text);
}
