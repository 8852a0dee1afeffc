/**
 * What a worker checks before it runs a job, the same rules the CLI applies to a spec (Redis is shared
 * state anyone with the URL can write): the trial schema; no parameter the study type does not define
 * (a schema would strip it silently and run a different trial); the study version this worker runs (a
 * job for another version would be computed by this one and stored under the other's key); the key
 * the parameters hash to; the study's own cross-field check; and the CLI's cost bound on one trial.
 */
import { InputError } from '../errors.js';
import { checkSpecCost } from '../studies/cost.js';
import { trialKey } from '../studies/hash.js';
import { studyType } from '../studies/registry.js';
import type { Trial } from '../studies/trial-types.js';
import { PROBE_STUDY } from './probe-study.js';
import { checkTrial } from './trial-schema.js';

/** The trial a job may run, or the reason it may not (the job then fails for good with that reason). */
export function checkJob(raw: unknown): { trial: Trial } | { reason: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { reason: `invalid trial in job: the job data is ${raw === null ? 'null' : typeof raw}, not an object` };
  const checked = checkTrial(raw);
  if ('reason' in checked || checked.trial.study === PROBE_STUDY) return checked;
  const trial = checked.trial;
  const type = studyType(trial.study);
  if (!type) return { reason: `invalid trial in job: unknown study type "${trial.study}"` };
  const unknown = Object.keys(trial.params).filter((k) => !Object.hasOwn(type.defaults, k));
  if (unknown.length)
    return { reason: `invalid trial in job: unknown parameter(s) ${unknown.join(', ')} for study type ${trial.study}` };
  if (trial.studyVersion !== type.version)
    return {
      reason: `job is for version ${trial.studyVersion ?? '(none)'} of study type ${trial.study}; this worker runs version ${type.version} (run a worker of the submitting flatlab version)`,
    };
  if (trialKey(trial.study, trial.params, trial.seed, type.version) !== trial.key)
    return { reason: 'invalid trial in job: its key does not match its study, parameters and seed (edited job)' };
  const msg = type.check(trial.params);
  if (msg) return { reason: `invalid trial in job: ${msg}` };
  try {
    const base = Object.fromEntries(Object.entries(trial.params).map(([k, v]) => [k, [v]]));
    checkSpecCost({ study: trial.study, base, scales: { job: { seeds: [trial.seed], grid: {} } } }, 'job: ', type);
  } catch (e) {
    if (e instanceof InputError) return { reason: e.message };
    throw e;
  }
  return { trial };
}

/** A job's trial key for log lines and status, whatever its data holds (null, corrupted, forged). */
export function jobKey(job: { id?: string | null; data?: unknown }): string {
  const d = job.data as { key?: unknown } | null | undefined;
  if (d && typeof d === 'object' && typeof d.key === 'string') return d.key.slice(0, 128);
  return `(job ${String(job.id ?? '?').slice(0, 64)}: no valid trial)`;
}
