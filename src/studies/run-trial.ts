/**
 * Run one trial: pure and deterministic (same trial ⇒ same metrics, bit for bit, on one backend).
 * Dispatches on trial.study through the registry of study modules (src/studies/registry.ts). A
 * deterministic failure (invalid parameters, divergence, a construction that cannot interpolate) is
 * returned as a result with `error`, so a sweep records it once instead of retrying forever.
 */
import { getBackend } from '../linalg/backend.js';
import { VERSION } from '../version.js';
import { finiteOrFailed } from './finite-result.js';
import { studyType } from './registry.js';
import type { Trial, TrialResult } from './trial-types.js';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function runTrial(trial: Trial): TrialResult {
  const t0 = now();
  const base = { key: trial.key, version: VERSION, backend: getBackend().name };
  const study = studyType(trial.study);
  if (!study) {
    return { ...base, metrics: {}, error: `unknown study type "${trial.study}"`, elapsedMs: now() - t0 };
  }
  try {
    const out = study.run(trial.params, trial.seed);
    // A NaN or ±Infinity metric makes the trial a failure here, where it is produced, so every executor
    // (in-process, threads, Redis) reports and counts it as one (src/studies/finite-result.ts).
    return finiteOrFailed({ ...base, metrics: out.metrics, series: out.series, elapsedMs: now() - t0 });
  } catch (e) {
    const msg = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    return { ...base, metrics: {}, error: msg, elapsedMs: now() - t0 };
  }
}
