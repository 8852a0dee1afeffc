/**
 * Run studies: expand every spec, skip the trials the store already holds (so a killed run resumes),
 * hand the rest to an executor and record each result as it arrives.
 */

import { inProcessExecutor } from './executors.js';
import { expandStudy } from './expand.js';
import { type Progress, silentProgress } from './progress.js';
import type { Scale, StudySpec } from './spec.js';
import type { Trial, TrialExecutor, TrialResult } from './trial-types.js';

/** What the runner needs of a store (ResultStore implements it). */
export interface ResultSink {
  finishedKeys(keys: readonly string[], opts?: { retryFailed?: boolean }): Set<string>;
  insert(trial: Trial, result: TrialResult): boolean;
  /** Record each trial's spec names (optional: a sink that does not keep them ignores them). */
  tagSpecs?(pairs: readonly { key: string; spec: string }[]): void;
}

export interface RunSummary {
  total: number;
  resumed: number;
  ran: number;
  failed: number;
  seconds: number;
}

/** All trials of the specs at a scale, de-duplicated by key (two specs may share a trial). */
export function allTrials(specs: readonly StudySpec[], scale: Scale): Trial[] {
  const seen = new Map<string, Trial>();
  for (const spec of specs) for (const t of expandStudy(spec, scale)) if (!seen.has(t.key)) seen.set(t.key, t);
  return [...seen.values()];
}

export async function runStudies(
  specs: readonly StudySpec[],
  opts: { store: ResultSink; scale: Scale; executor?: TrialExecutor; progress?: Progress; retryFailed?: boolean },
): Promise<RunSummary> {
  const t0 = Date.now();
  const trials = allTrials(specs, opts.scale);
  opts.store.tagSpecs?.(specs.flatMap((s) => expandStudy(s, opts.scale).map((t) => ({ key: t.key, spec: s.name }))));
  // Failed trials are re-run by default: a deterministic failure costs little to reproduce, and a
  // failure caused by the environment is cured.
  const done = opts.store.finishedKeys(
    trials.map((t) => t.key),
    { retryFailed: opts.retryFailed ?? true },
  );
  const todo = trials.filter((t) => !done.has(t.key));
  const executor = opts.executor ?? inProcessExecutor();
  const progress = opts.progress ?? silentProgress;
  let failed = 0;
  progress.start(trials.length, done.size);
  try {
    await executor.run(todo, (trial, result) => {
      opts.store.insert(trial, result);
      if (result.error) failed++;
      progress.tick(trial.study, Boolean(result.error));
    });
  } finally {
    progress.stop();
    if (!opts.executor) await executor.close();
  }
  return { total: trials.length, resumed: done.size, ran: todo.length, failed, seconds: (Date.now() - t0) / 1000 };
}
