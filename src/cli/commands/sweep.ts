/**
 * `flatlab sweep submit|collect|status`: run a study's trials on any number of machines through one
 * Redis server (BullMQ). `submit` enqueues the trials not yet in the database, `flatlab worker` runs
 * them anywhere, `collect` (or `submit --wait`) writes the results into the study's SQLite database.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { checkResultsDb } from '../../studies/results-db.js';
import { allTrials } from '../../studies/runner.js';
import { parseSpec, SCALES, type Scale, type StudySpec, uniqueSpecs } from '../../studies/spec.js';
import { ResultStore } from '../../studies/store.js';
import type { Trial } from '../../studies/trial-types.js';
import {
  type CollectProgress,
  checkAttempts,
  cleanFinished,
  collectResults,
  type QueueTarget,
  queueStatus,
  submitTrials,
} from '../../sweep/distributed.js';
import { intFlag, redisUrlFlag } from '../../sweep/options.js';
import { readTextFile } from '../io.js';
import { loadBuiltinSpecs } from './reproduce.js';

interface CommonFlags {
  redis?: string;
  queue: string;
}

interface SpecFlags extends CommonFlags {
  scale: string;
  db?: string;
}

/** Each argument is a spec file or the name of a built-in study (studies/*.yaml). */
function loadSpecs(args: readonly string[]): StudySpec[] {
  if (args.length === 0) throw new InputError('give at least one study spec file or built-in study name');
  let builtin: StudySpec[] | null = null;
  const specs = args.map((a) => {
    if (existsSync(a)) return parseSpec(readTextFile(a, 'study spec'), a);
    builtin ??= loadBuiltinSpecs();
    const spec = builtin.find((s) => s.name === a);
    if (!spec)
      throw new InputError(
        `study spec not found: ${a} (give a .yaml/.json file or a built-in study: ${builtin.map((s) => s.name).join(', ')})`,
      );
    return spec;
  });
  return uniqueSpecs(specs, args);
}

function checkScale(s: string): Scale {
  if (!(SCALES as readonly string[]).includes(s))
    throw new InputError(`--scale must be one of ${SCALES.join(', ')} (got "${s}")`);
  return s as Scale;
}

function trialsOf(args: readonly string[], f: SpecFlags): Trial[] {
  return allTrials(loadSpecs(args), checkScale(f.scale));
}

function target(f: CommonFlags): QueueTarget {
  return { redis: redisUrlFlag(f.redis), queue: f.queue };
}

function progressLine(p: CollectProgress): string {
  const parts = [`collected ${p.stored}/${p.total}`];
  if (p.failed) parts.push(`${p.failed} failed`);
  parts.push(`${p.pending} pending`);
  if (p.missing) parts.push(`${p.missing} not submitted`);
  return parts.join(', ');
}

async function collect(trials: Trial[], f: SpecFlags & { once?: boolean; pollMs?: string }): Promise<CollectProgress> {
  if (!f.db) throw new InputError('--db is required: the SQLite database the results go into');
  checkResultsDb(f.db);
  const store = new ResultStore(f.db);
  let last = '';
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const p = await collectResults(target(f), trials, store, {
      follow: !f.once,
      pollMs: intFlag(f.pollMs, '--poll-ms', 50, 600_000, 1000),
      signal: stop.signal,
      onRefused: (key, reason) => process.stderr.write(`flatlab: refused the result of trial ${key} (${reason})\n`),
      onProgress: (q) => {
        const line = progressLine(q);
        if (line !== last) process.stderr.write(`${line}\n`);
        last = line;
      },
    });
    if (p.missing)
      process.stderr.write(
        `flatlab: ${p.missing} trial(s) are neither in the database nor queued; run \`flatlab sweep submit\` for them\n`,
      );
    return p;
  } finally {
    process.off('SIGINT', onSignal);
    store.close();
  }
}

const specHelp = 'study spec files (YAML or JSON) or built-in study names';

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('distributed sweeps over Redis (BullMQ): submit, collect, status; see docs/sweeps.md');
  const common = (c: Command) =>
    c
      .option('--redis <url>', 'redis:// or rediss:// URL (default: $FLATLAB_REDIS_URL)')
      .option('--queue <name>', 'queue name', 'flatlab-trials');

  common(sweep.command('submit').argument('<specs...>', specHelp))
    .description("enqueue the study's trials that are not in the database yet (resubmitting never duplicates)")
    .option('--scale <scale>', `grid scale (${SCALES.join(', ')})`, 'default')
    .option('--db <file>', 'results database: trials already in it are not submitted (required with --wait)')
    .option('--attempts <n>', 'attempts per trial before it is recorded as failed', '3')
    .option('--backoff-ms <ms>', 'delay before the first retry (doubles each time)', '1000')
    .option('--retry-failed', 'put trials that failed for good (and are not in --db) back in the queue')
    .option('--wait', 'then collect results into --db until every trial has finished')
    .option('--poll-ms <ms>', 'with --wait: how often to poll Redis', '1000')
    .action(
      async (
        args: string[],
        f: SpecFlags & { attempts: string; backoffMs: string; retryFailed?: boolean; wait?: boolean; pollMs?: string },
      ) => {
        const all = trialsOf(args, f);
        const attempts = checkAttempts(intFlag(f.attempts, '--attempts', 1, 100, 3));
        const backoffMs = intFlag(f.backoffMs, '--backoff-ms', 0, 3_600_000, 1000);
        if (f.wait && !f.db) throw new InputError('--wait needs --db (the database the results are collected into)');
        let todo = all;
        if (f.db) {
          checkResultsDb(f.db);
          const store = new ResultStore(f.db);
          try {
            const done = store.finishedKeys(all.map((t) => t.key));
            todo = all.filter((t) => !done.has(t.key));
          } finally {
            store.close();
          }
        }
        const r = await submitTrials(target(f), todo, { attempts, backoffMs, retryFailed: f.retryFailed });
        const retried = r.retried ? ` (${r.retried} failed one(s) requeued)` : '';
        process.stdout.write(
          `submitted ${r.submitted} trial(s); ${r.alreadyQueued} already queued${retried}; ${all.length - todo.length} already in the database; ${all.length} in all\n`,
        );
        if (f.wait) {
          const p = await collect(all, f);
          process.stdout.write(`${progressLine(p)}\n`);
        }
      },
    );

  common(sweep.command('collect').argument('<specs...>', specHelp))
    .description("write finished trials from Redis into the study's database (idempotent), until all have finished")
    .option('--scale <scale>', `grid scale (${SCALES.join(', ')})`, 'default')
    .option('--db <file>', 'results database (created if missing)')
    .option('--once', 'collect what has finished and exit instead of waiting for the rest')
    .option('--poll-ms <ms>', 'how often to poll Redis', '1000')
    .action(async (args: string[], f: SpecFlags & { once?: boolean; pollMs?: string }) => {
      const p = await collect(trialsOf(args, f), f);
      process.stdout.write(`${progressLine(p)}\n`);
    });

  common(sweep.command('clean'))
    .description('remove finished (done and failed) trials from Redis; collect them first')
    .action(async (f: CommonFlags) => {
      const r = await cleanFinished(target(f));
      process.stdout.write(`removed ${r.removed} finished trial(s) from the queue\n`);
    });

  common(sweep.command('status'))
    .description('queued / active / done / failed trial counts of the queue')
    .option('--failures <n>', 'list up to n failed trials with their errors', '10')
    .option('--json', 'print the counts as JSON')
    .action(async (f: CommonFlags & { failures: string; json?: boolean }) => {
      const s = await queueStatus(target(f), intFlag(f.failures, '--failures', 0, 1000, 10));
      if (f.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const workers = s.workers >= 0 ? `, workers ${s.workers}` : '';
      process.stdout.write(
        `queued ${s.queued}, retrying ${s.retrying}, active ${s.active}, done ${s.done}, failed ${s.failed}${workers}\n`,
      );
      for (const x of s.recentFailures)
        process.stdout.write(`  failed ${x.key} after ${x.attempts} attempt(s): ${x.reason}\n`);
    });
}
