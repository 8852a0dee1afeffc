/**
 * Run one trial: pure and deterministic (same trial ⇒ same metrics, bit for bit, on one backend).
 * Dispatches on trial.study through the registry of study modules (src/studies/registry.ts). A
 * deterministic failure (invalid parameters, divergence, a construction that cannot interpolate) is
 * returned as a result with `error`, so a sweep records it once instead of retrying forever. A study
 * type may run asynchronously (its `run` returns a promise): `runTrialAsync`, which the executors call,
 * awaits it; the synchronous `runTrial` serves the synchronous types and reports an asynchronous one as
 * a failure naming runTrialAsync.
 */
import { getBackend } from '../linalg/backend.js';
import { VERSION } from '../version.js';
import type { MetricRecord, RegisteredStudy, TrialOutput } from './definition.js';
import { finiteOrFailed } from './finite-result.js';
import { studyType } from './registry.js';
import type { Trial, TrialResult } from './trial-types.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function runTrial(trial: Trial): TrialResult {
  const t0 = now();
  const started = start(trial);
  if ('result' in started) return started.result;
  try {
    const out = started.study.run(trial.params, trial.seed);
    if (out instanceof Promise) {
      out.catch(() => {}); // its outcome is reported by runTrialAsync, not here
      return failure(trial, t0, `study type "${trial.study}" runs asynchronously: use runTrialAsync`);
    }
    return success(trial, t0, out);
  } catch (e) {
    return failure(trial, t0, message(e));
  }
}

/** runTrial for every study type, synchronous or not (what the executors call). */
export async function runTrialAsync(trial: Trial): Promise<TrialResult> {
  const t0 = now();
  const started = start(trial);
  if ('result' in started) return started.result;
  try {
    return success(trial, t0, await started.study.run(trial.params, trial.seed));
  } catch (e) {
    return failure(trial, t0, message(e));
  }
}

type Started = { study: RegisteredStudy } | { result: TrialResult };

function start(trial: Trial): Started {
  const study = studyType(trial.study);
  return study ? { study } : { result: failure(trial, now(), `unknown study type "${trial.study}"`) };
}

function base(trial: Trial) {
  return { key: trial.key, version: VERSION, backend: getBackend().name };
}

function success(trial: Trial, t0: number, out: TrialOutput<MetricRecord>): TrialResult {
  // A NaN or ±Infinity metric makes the trial a failure here, where it is produced, so every executor
  // (in-process, threads, Redis) reports and counts it as one (src/studies/finite-result.ts).
  return finiteOrFailed({ ...base(trial), metrics: out.metrics, series: out.series, elapsedMs: now() - t0 });
}

function failure(trial: Trial, t0: number, error: string): TrialResult {
  return { ...base(trial), metrics: {}, error, elapsedMs: now() - t0 };
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
}
