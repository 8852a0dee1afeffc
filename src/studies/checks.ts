/**
 * Cross-field checks shared by several study types: they reject an impossible trial (a memorizer
 * without one neuron per sample, a multi-index target in too few dimensions) before anything runs.
 */
import { InputError } from '../errors.js';
import { degreeOf } from './analysis-helpers.js';
import { CONVEX_CONSTRUCTIONS, NEEDS_M_GE_N, type StudyActivation } from './fields.js';
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

/**
 * The convex constructions are built only by the studies that await them (H2): elsewhere a spec asking
 * for one is refused before anything runs.
 */
export const synchronousConstructionCheck: Check<{ construction: string }> = (p) =>
  CONVEX_CONSTRUCTIONS.has(p.construction)
    ? `construction "${p.construction}" is offered by the nongeneralizing study only`
    : null;

/**
 * The largest n·d at which a study solves the convex problem. Its cost grows like n²·d per pricing
 * round (measured, docs/studies.md#h2-fmin: 30 s at n·d = 640·10 or 640·30, 71 s at 800·200, 375 s at
 * 1600·200 with only 3 rounds): beyond this, a study grid point gets no convex trial and F_min of its
 * group is the smallest F* found, as the table's "F_min from" column says.
 */
export const CONVEX_STUDY_MAX_ND = 10_000;

/**
 * Whether a construction exists for the trial: the convex flattest interpolator only for a
 * 1-homogeneous student (for k ≥ 2 the infimum over widths is 0, docs/math.md#convex-flattest, §10)
 * and n·d ≤ CONVEX_STUDY_MAX_ND. A grid point where it does not is dropped from the expansion
 * (StudyDefinition.applies), not failed.
 */
export function constructionApplies(p: {
  construction: string;
  activation: StudyActivation;
  n: number;
  d: number;
}): boolean {
  if (!CONVEX_CONSTRUCTIONS.has(p.construction)) return true;
  return degreeOf(p.activation) === 1 && p.n * p.d <= CONVEX_STUDY_MAX_ND;
}

/** The first failing check's message. */
export function both<A, B>(a: Check<A>, b: Check<B>): Check<A & B> {
  return (p) => a(p) ?? b(p);
}
