/**
 * One schema for what crosses Redis, applied on both sides: the worker validates a job's trial before
 * running it, the collector validates a result before storing it. Redis is shared state anyone with the
 * URL can write, so a forged or corrupted job must fail with a clear reason (never run with a wrong
 * seed type or reach a prototype property such as "constructor"), and a forged result must be refused
 * (never stored with elapsedMs "x" or a metric that is a string where numbers are expected).
 */
import { z } from 'zod';
import { STUDY_TYPE_NAMES } from '../studies/registry.js';
import { seedSchema } from '../studies/spec.js';
import type { Trial, TrialResult } from '../studies/trial-types.js';
import { PROBE_STUDY } from './probe-study.js';

/** Study types a job may name: own names only, so "constructor" or "__proto__" never match. */
const STUDIES = new Set<string>([...STUDY_TYPE_NAMES, PROBE_STUDY]);

export const TRIAL_SCHEMA = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'must be 1–128 letters, digits, "_" or "-"' }),
  study: z.string().refine((s) => STUDIES.has(s), { error: `must be one of ${[...STUDIES].join(', ')}` }),
  params: z.record(z.string(), z.unknown()),
  seed: seedSchema,
  /** The study module's computation version (part of the key). */
  studyVersion: z.number().int().min(0).max(1e6).optional(),
});

/** Metric values a trial records; string metrics (e.g. riskMethod) are short labels, not numbers in disguise. */
const metric = z.union([
  z.number(),
  z.boolean(),
  z.null(),
  z
    .string()
    .max(64)
    .refine((s) => !/^[\s+-]*(\d|\.\d|nan|inf)/i.test(s), { error: 'a number-like string is not a metric value' }),
]);

export const RESULT_SCHEMA = z.strictObject({
  key: z.string().min(1).max(128),
  metrics: z.record(z.string(), metric),
  series: z.record(z.string(), z.array(z.number())).optional(),
  error: z.string().optional(),
  version: z.string().max(100),
  backend: z.string().max(100),
  elapsedMs: z.number().min(0),
});

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  return `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`;
}

/** The trial of a job, or the reason it is not one. */
export function checkTrial(raw: unknown): { trial: Trial } | { reason: string } {
  const r = TRIAL_SCHEMA.safeParse(raw);
  return r.success ? { trial: r.data } : { reason: `invalid trial in job: ${firstIssue(r.error)}` };
}

/** A result read back from Redis, or the reason it is refused. */
export function checkResult(raw: unknown): { result: TrialResult } | { reason: string } {
  const r = RESULT_SCHEMA.safeParse(raw);
  return r.success ? { result: r.data } : { reason: `invalid result: ${firstIssue(r.error)}` };
}
