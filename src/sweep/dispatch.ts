/**
 * The one function every executor calls to run a trial: the sweep's own probe study, or the studies'
 * `runTrialAsync` (synchronous and asynchronous study types alike) for everything else. Keeping it in
 * one place is what makes the thread pool, the Redis workers and an in-process run produce the same bits.
 */
import type { Trial, TrialResult } from '../studies/trial-types.js';
import { PROBE_STUDY, runProbeTrial } from './probe-study.js';

type RunTrial = (trial: Trial) => TrialResult | Promise<TrialResult>;
let studiesRunTrial: RunTrial | null = null;

async function loadStudiesRunner(): Promise<RunTrial> {
  if (!studiesRunTrial) {
    // Loaded lazily so the probe study runs without the study catalogue (and its imports) in workers.
    studiesRunTrial = (await import('../studies/run-trial.js')).runTrialAsync;
  }
  return studiesRunTrial;
}

export async function executeTrial(trial: Trial): Promise<TrialResult> {
  if (trial.study === PROBE_STUDY) return runProbeTrial(trial);
  return (await loadStudiesRunner())(trial);
}

/** The record of a trial that failed with an exception (the message is what the database keeps). */
export function failedResult(
  trial: Trial,
  error: unknown,
  backend: string,
  version: string,
  elapsedMs = 0,
): TrialResult {
  const message = error instanceof Error ? error.message : String(error);
  return { key: trial.key, metrics: {}, error: message || 'failed without a message', version, backend, elapsedMs };
}
