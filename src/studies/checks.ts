/**
 * Cross-field checks shared by several study types: they reject an impossible trial (a memorizer
 * without one neuron per sample, a multi-index target in too few dimensions) before anything runs.
 */
import { NEEDS_M_GE_N, resolveTarget, STUDY_TARGETS, type StudyActivation } from './fields.js';

type Check<P> = (p: P) => string | null;

export const memorizerCheck: Check<{ construction: string; m: number; n: number }> = (p) =>
  NEEDS_M_GE_N.has(p.construction) && p.m < p.n
    ? `m = ${p.m} < n = ${p.n}: construction "${p.construction}" needs one neuron per sample (m ≥ n)`
    : null;

export const sizeCheck: Check<{ d: number; target: string; activation: StudyActivation }> = (p) => {
  if (p.d < 2) {
    const t = STUDY_TARGETS[resolveTarget(p.target, p.activation)];
    if (t.links.length > 1)
      return `d = ${p.d}: target "${p.target}" has ${t.links.length} index directions and needs d ≥ ${t.links.length}`;
  }
  return null;
};

/** The first failing check's message. */
export function both<A, B>(a: Check<A>, b: Check<B>): Check<A & B> {
  return (p) => a(p) ?? b(p);
}
