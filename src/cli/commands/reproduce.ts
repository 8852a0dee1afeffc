/**
 * `flatlab reproduce`: run every built-in study (studies/*.yaml) at a scale, resumably, into
 * DIR/results.sqlite, then write DIR/report/index.html with figures, tables and verdicts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { getBackend } from '../../linalg/backend.js';
import { lockOutFolder } from '../../node/out-lock.js';
import { SMOKE_BANNER } from '../../report/html.js';
import { writeReport } from '../../report/render-report.js';
import { textProgress } from '../../studies/progress.js';
import { checkResultsDb } from '../../studies/results-db.js';
import { runStudies } from '../../studies/runner.js';
import { parseSpec, SCALES, type Scale, type StudySpec, uniqueSpecs } from '../../studies/spec.js';
import { ResultStore } from '../../studies/store.js';
import { createExecutor } from '../../sweep/executor.js';
import { checkWorkers } from '../../sweep/pool.js';
import { VERSION } from '../../version.js';
import { readTextFile } from '../io.js';

/** The folder of built-in specs: <package root>/studies, found upward from this file (src/ or dist/src/). */
export function builtinStudiesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'studies'))) return join(dir, 'studies');
    dir = dirname(dir);
  }
  throw new Error('cannot find the built-in studies/ folder next to package.json');
}

/** Built-in specs in file-name order (h1-…, h2-…, …). */
export function loadBuiltinSpecs(dir = builtinStudiesDir()): StudySpec[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => parseSpec(readTextFile(join(dir, f), 'study spec'), `studies/${f}`));
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line that reproduces this run (every flag that changes what it does, as given). */
export function reproduceCommand(f: Flags): string {
  const words = ['flatlab', 'reproduce', '--scale', f.scale, '--out', f.out];
  if (f.workers !== undefined) words.push('--workers', f.workers);
  if (f.study?.length) words.push('--study', ...f.study);
  if (f.spec?.length) words.push('--spec', ...f.spec);
  if (f.reportOnly) words.push('--report-only');
  return words.map(shellWord).join(' ');
}

/** The git commit of the flatlab checkout that runs (FLATLAB_COMMIT overrides), or null when unknown. */
export function flatlabCommit(): string | null {
  const given = process.env.FLATLAB_COMMIT;
  if (given && /^[0-9a-f]{7,40}$/i.test(given)) return given;
  try {
    const root = dirname(builtinStudiesDir());
    if (!existsSync(join(root, '.git'))) return null;
    const out = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

export function checkScale(s: string): Scale {
  if (!(SCALES as readonly string[]).includes(s))
    throw new InputError(`--scale must be one of ${SCALES.join(', ')} (got "${s}")`);
  return s as Scale;
}

export interface Flags {
  scale: string;
  out: string;
  workers?: string;
  study?: string[];
  spec?: string[];
  reportOnly?: boolean;
}

/** The specs to run: the given files or the built-in studies, narrowed to `--study` names. */
function selectSpecs(f: Flags): StudySpec[] {
  const specs = f.spec?.length
    ? uniqueSpecs(
        f.spec.map((p) => parseSpec(readTextFile(p, 'study spec'), p)),
        f.spec,
      )
    : loadBuiltinSpecs();
  if (!f.study?.length) return specs;
  const known = specs.map((s) => s.name);
  for (const s of f.study)
    if (!known.includes(s)) throw new InputError(`--study must be one of ${known.join(', ')} (got "${s}")`);
  return specs.filter((s) => f.study?.includes(s.name));
}

/** Run every trial not yet in the store (resumably); returns the run's seconds, also kept in the store. */
async function runTrials(
  specs: StudySpec[],
  store: ResultStore,
  scale: Scale,
  workers: number | undefined,
  db: string,
): Promise<number> {
  const executor = createExecutor({ workers });
  process.stderr.write(
    `flatlab reproduce: ${specs.length} studies at scale "${scale}", executor ${executor.name}, database ${db}\n`,
  );
  try {
    const summary = await runStudies(specs, {
      store,
      scale,
      executor,
      progress: textProgress((s) => process.stderr.write(s), { tty: process.stderr.isTTY === true }),
    });
    process.stderr.write(
      `ran ${summary.ran} trials (${summary.resumed} already done, ${summary.failed} failed) in ${summary.seconds.toFixed(1)} s\n`,
    );
    store.setMeta(`seconds:${scale}`, String(summary.seconds));
    return summary.seconds;
  } finally {
    await executor.close();
  }
}

/** The seconds of the last run at this scale, from the store (null when none was recorded). */
function storedSeconds(store: ResultStore, scale: Scale): number | null {
  const stored = store.getMeta(`seconds:${scale}`);
  return stored === null ? null : Number(stored);
}

export async function reproduce(f: Flags): Promise<string> {
  const scale = checkScale(f.scale);
  // Validate everything before any trial runs.
  const specs = selectSpecs(f);
  const workers =
    f.workers === undefined ? undefined : checkWorkers(/^\d+$/.test(f.workers) ? Number(f.workers) : Number.NaN);
  const out = resolve(f.out);
  const db = join(out, 'results.sqlite');
  if (f.reportOnly && !existsSync(db))
    throw new InputError(`--report-only: no results database in ${out} (expected ${db})`);
  checkResultsDb(db);
  const store = new ResultStore(db);
  try {
    if (!f.reportOnly) lockOutFolder(out); // the store made the folder under the writer's rules
    const seconds = f.reportOnly ? storedSeconds(store, scale) : await runTrials(specs, store, scale, workers, db);
    const report = await writeReport({
      store,
      specs,
      scale,
      dir: join(out, 'report'),
      backend: getBackend().name,
      version: VERSION,
      seconds,
      command: reproduceCommand(f),
      commit: flatlabCommit(),
    });
    const tag = scale === 'smoke' ? ` (${SMOKE_BANNER})` : '';
    for (const s of report.sections)
      for (const v of s.verdicts)
        process.stderr.write(`  [${v.descriptive ? 'descriptive' : v.status}]${tag} ${v.text}\n`);
    return report.path;
  } finally {
    store.close();
  }
}

export function register(program: Command): void {
  program
    .command('reproduce')
    .description(
      'run the built-in studies (H1–H4, algorithms, estimators) resumably and write an HTML report with verdicts',
    )
    .option(
      '--scale <scale>',
      `grid size: ${SCALES.join(' | ')} (smoke < 1 min, default ≤ 10 min on 2 cores)`,
      'default',
    )
    .option('--out <dir>', 'output folder: DIR/results.sqlite and DIR/report/index.html', 'flatlab-out')
    .option('--workers <n>', 'parallel worker threads (default: one per core; 1 = in this process)')
    .option('--study <name...>', 'only these built-in studies (by spec name)')
    .option('--spec <file...>', 'run these spec files instead of the built-in studies')
    .option('--report-only', 'do not run trials; rebuild the report from the database')
    .action(async (f: Flags) => {
      const path = await reproduce(f);
      process.stdout.write(`${path}\n`);
    });
}
