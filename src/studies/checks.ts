/**
 * Cross-field checks shared by several study types: they reject an impossible trial (a memorizer
 * without one neuron per sample, a multi-index target in too few dimensions) before anything runs.
 */
import { InputError } from '../errors.js';
import { NEEDS_M_GE_N } from './fields.js';
import { resolveStudyTarget, studyStudent, type TargetFields } from './target.js';

type Check<P> = (p: P) => string | null;

export const memorizerCheck: Check<{ construction: string; m: number; n: number }> = (p) =>
  NEEDS_M_GE_N.has(p.construction) && p.m < p.n
    ? `m = ${p.m} < n = ${p.n}: construction "${p.construction}" needs one neuron per sample (m ≥ n)`
    : null;

/**
 * The trial's target fields fit together and with d (links against r, coeffs, the input law's scales,
 * enough dimensions for the indices): the data command's own checks, reported with their message.
 */
export const sizeCheck: Check<TargetFields> = (p) => {
  try {
    resolveStudyTarget(p);
    studyStudent(p.activation);
    return null;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
};

/** The first failing check's message. */
export function both<A, B>(a: Check<A>, b: Check<B>): Check<A & B> {
  return (p) => a(p) ?? b(p);
}
