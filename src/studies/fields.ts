/**
 * The catalogue of study parameters: every field a study grid may vary, with its type and allowed
 * range. Each study type picks the fields it understands (src/studies/types.ts); a spec naming any
 * other field is rejected. Activations and targets are named presets so that a grid axis is a list of
 * plain strings.
 */
import { z } from 'zod';
import type { ActivationSpec } from '../model/activations.js';
import { DATA_PARAMS } from '../data/params.js';
import type { LinkSpec } from '../data/target.js';
import type { ParamDef } from '../params/table.js';
import { ALGORITHMS, TRAIN_PARAMS } from '../training/params.js';

/** Student activations offered to studies, with their degree of homogeneity k. */
export const STUDY_ACTIVATIONS = {
  relu: { spec: { name: 'relu' }, k: 1 },
  abs: { spec: { name: 'abs' }, k: 1 },
  relu2: { spec: { name: 'relu-pow', p: 2 }, k: 2 },
  square: { spec: { name: 'square' }, k: 2 },
} as const satisfies Record<string, { spec: ActivationSpec; k: number }>;
export type StudyActivation = keyof typeof STUDY_ACTIVATIONS;

/**
 * Teacher presets f*(x) = Σ_l c_l g_l(u_lᵀx). `exactFor` lists the student activations that represent
 * the target exactly (zero approximation error); every other pairing has an approximation error.
 */
export const STUDY_TARGETS = {
  relu: { links: [{ name: 'relu' }], coeffs: [1], exactFor: ['relu'] },
  // abs(t) = relu(t) + relu(−t): exact for a ReLU student; an abs student is even and cannot make relu.
  'relu+abs': { links: [{ name: 'relu' }, { name: 'abs' }], coeffs: [1, 1], exactFor: ['relu'] },
  abs: { links: [{ name: 'abs' }], coeffs: [1], exactFor: ['relu', 'abs'] },
  tanh: { links: [{ name: 'tanh' }], coeffs: [1], exactFor: [] },
  // He_3(t)/√6 in the orthonormal Hermite basis: information exponent 3.
  he3: { links: [{ name: 'hermite', coeffs: [0, 0, 0, 1] }], coeffs: [1], exactFor: [] },
  relu2: { links: [{ name: 'relu-pow', p: 2 }], coeffs: [1], exactFor: ['relu2'] },
  // t² = He_2(t) + 1 = √2 · He_2(t)/√2 + 1 in the orthonormal basis; t² = relu²(t) + relu²(−t).
  square: { links: [{ name: 'hermite', coeffs: [1, 0, Math.SQRT2] }], coeffs: [1], exactFor: ['relu2', 'square'] },
  'relu2+relu2': {
    links: [
      { name: 'relu-pow', p: 2 },
      { name: 'relu-pow', p: 2 },
    ],
    coeffs: [1, 1],
    exactFor: ['relu2'],
  },
  'relu2+square': {
    links: [
      { name: 'relu-pow', p: 2 },
      { name: 'hermite', coeffs: [1, 0, Math.SQRT2] },
    ],
    coeffs: [1, 1],
    exactFor: ['relu2'],
  },
} as const satisfies Record<
  string,
  { links: readonly LinkSpec[]; coeffs: readonly number[]; exactFor: readonly StudyActivation[] }
>;
export type StudyTarget = keyof typeof STUDY_TARGETS;

/**
 * Targets chosen per student so that a grid over activations keeps zero approximation error:
 * "matched" is one index, "matched2" two indices (where the student can represent two).
 */
export const MATCHED_TARGETS: Record<string, Record<StudyActivation, StudyTarget>> = {
  matched: { relu: 'relu', abs: 'abs', relu2: 'relu2', square: 'square' },
  matched2: { relu: 'relu+abs', abs: 'abs', relu2: 'relu2+relu2', square: 'square' },
};

/** The concrete target preset of a (target, activation) pair. */
export function resolveTarget(target: string, act: StudyActivation): StudyTarget {
  return MATCHED_TARGETS[target]?.[act] ?? (target as StudyTarget);
}

/** Interpolator constructions and learned interpolators compared in H2/H4. */
export const CONSTRUCTIONS = [
  'teacher',
  'memorizer',
  'random-features',
  'lazy',
  'gd',
  'sam',
  'label-noise',
  'flattest',
] as const;
/** Constructions that need one neuron per sample (m ≥ n). */
export const NEEDS_M_GE_N = new Set<string>(['memorizer', 'random-features']);

export { ALGORITHMS };

/**
 * A zod schema from a shared parameter-table entry, so a range is written once (src/params/table.ts):
 * d, n and noise come from the data table, the width, init scale, steps and tol from the training table.
 */
function fromDef(table: readonly ParamDef[], key: string): z.ZodNumber {
  const def = table.find((p) => p.key === key);
  if (!def || (def.type !== 'int' && def.type !== 'number'))
    throw new Error(`no numeric parameter "${key}" in the table`);
  let s = def.type === 'int' ? z.number().int() : z.number();
  if (def.min !== undefined) s = s.min(def.min);
  if (def.max !== undefined) s = s.max(def.max);
  return s;
}

const names = <T extends Record<string, unknown>>(o: T) =>
  Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** Field name → schema of ONE value. */
export const FIELDS = {
  d: fromDef(DATA_PARAMS, 'd'),
  n: fromDef(DATA_PARAMS, 'n'),
  m: fromDef(TRAIN_PARAMS, 'width'),
  activation: z.enum(names(STUDY_ACTIVATIONS)),
  target: z.enum([...names(STUDY_TARGETS), ...names(MATCHED_TARGETS)]),
  noise: fromDef(DATA_PARAMS, 'noise'),
  construction: z.enum(CONSTRUCTIONS),
  algorithm: z.enum(ALGORITHMS),
  /** Width of learned interpolators (gd, sam, label-noise, flattest) in H2/H4. */
  searchWidth: fromDef(TRAIN_PARAMS, 'width'),
  initScale: fromDef(TRAIN_PARAMS, 'initScale'),
  steps: fromDef(TRAIN_PARAMS, 'steps'),
  tol: fromDef(TRAIN_PARAMS, 'tol'),
  /** Symmetry orbit: global factor c or independent per-neuron factors. */
  mode: z.enum(['global', 'per-neuron']),
  /** Orbit factors span 10^-logRange … 10^logRange. */
  logRange: z.number().min(0).max(12),
  points: z.number().int().min(3).max(1000),
  method: z.enum(['hutchinson', 'hutchpp']),
  budget: z.number().int().min(3).max(100_000),
  /** Independent estimator repetitions per trial (error statistics). */
  reps: z.number().int().min(1).max(10_000),
} as const;
export type FieldName = keyof typeof FIELDS;

export function activationSpec(name: StudyActivation): ActivationSpec {
  return { ...STUDY_ACTIVATIONS[name].spec } as ActivationSpec;
}

export function activationDegree(name: StudyActivation): number {
  return STUDY_ACTIVATIONS[name].k;
}

/** Whether the student `act` can represent target `t` exactly (no approximation error). */
export function isExact(t: string, act: StudyActivation): boolean {
  return (STUDY_TARGETS[resolveTarget(t, act)].exactFor as readonly string[]).includes(act);
}
