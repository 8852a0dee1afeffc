/**
 * The catalogue of study parameters: every field a study grid may vary, with its type and allowed
 * range. Each study type picks the fields it understands (src/studies/<type>/schema.ts); a spec naming any
 * other field is rejected. Activations and targets are named presets so that a grid axis is a list of
 * plain strings.
 */
import { z } from 'zod';
import { parseInputSyntax } from '../data/inputs.js';
import { DATA_PARAMS } from '../data/params.js';
import type { LinkSpec } from '../data/target.js';
import { parseLinksSyntax } from '../data/targets.js';
import { InputError } from '../errors.js';
import { ACTIVATION_NAMES, type ActivationSpec, makeActivation } from '../model/activations.js';
import { activationToString, parseActivationString } from '../model/model-json.js';
import type { ParamDef } from '../params/table.js';
import { currentSpelling } from '../spellings.js';
import { MLP_ALGORITHMS } from '../training/mlp-train.js';
import { ALGORITHMS, TRAIN_PARAMS } from '../training/params.js';
import { LEAGUE_CONSTRUCTIONS } from './measures/league-population.js';

/**
 * The one study alias of a student activation, read from specs and result databases of flatlab 0.1 and
 * never written: `relu2` is `relu-pow:2` (the CLI's syntax, which specs use for every other student).
 */
export const STUDY_ACTIVATIONS = {
  relu2: { spec: { name: 'relu-pow', p: 2 } },
} as const satisfies Record<string, { spec: ActivationSpec }>;
/** A student activation as a spec writes it: the CLI's syntax (relu, leaky-relu:0.1, relu-pow:2, …). */
export type StudyActivation = string;

/**
 * Teacher presets f*(x) = Σ_l c_l g_l(u_lᵀx), the old `target` values. `exactFor` is what these presets
 * were documented with; whether a student represents a target exactly is now decided by the teacher
 * construction's rule (src/studies/target.ts `representsExactly`), which agrees on every built-in
 * pairing — it does not know t² = relu²(t) + relu²(−t), so `square` counts as approximate for relu².
 * Names are as outputs spell them; TARGET_ALIASES lists the old ones that specs may still use.
 */
export const STUDY_TARGETS = {
  relu: { links: [{ name: 'relu' }], coeffs: [1], exactFor: ['relu'] },
  // abs(t) = relu(t) + relu(−t): exact for a ReLU student; an abs student is even and cannot make relu.
  'relu+abs': { links: [{ name: 'relu' }, { name: 'abs' }], coeffs: [1, 1], exactFor: ['relu'] },
  abs: { links: [{ name: 'abs' }], coeffs: [1], exactFor: ['relu', 'abs'] },
  tanh: { links: [{ name: 'tanh' }], coeffs: [1], exactFor: [] },
  // He_3(t)/√6 in the orthonormal Hermite basis: information exponent 3.
  he3: { links: [{ name: 'hermite', coeffs: [0, 0, 0, 1] }], coeffs: [1], exactFor: [] },
  'relu-pow:2': { links: [{ name: 'relu-pow', p: 2 }], coeffs: [1], exactFor: ['relu-pow:2'] },
  // t² = He_2(t) + 1 = √2 · He_2(t)/√2 + 1 in the orthonormal basis; t² = relu²(t) + relu²(−t).
  square: { links: [{ name: 'hermite', coeffs: [1, 0, Math.SQRT2] }], coeffs: [1], exactFor: ['relu-pow:2', 'square'] },
  'relu-pow:2+relu-pow:2': {
    links: [
      { name: 'relu-pow', p: 2 },
      { name: 'relu-pow', p: 2 },
    ],
    coeffs: [1, 1],
    exactFor: ['relu-pow:2'],
  },
  'relu-pow:2+square': {
    links: [
      { name: 'relu-pow', p: 2 },
      { name: 'hermite', coeffs: [1, 0, Math.SQRT2] },
    ],
    coeffs: [1, 1],
    exactFor: ['relu-pow:2'],
  },
} as const satisfies Record<
  string,
  { links: readonly LinkSpec[]; coeffs: readonly number[]; exactFor: readonly string[] }
>;
export type StudyTarget = keyof typeof STUDY_TARGETS;

/** Old preset names (flatlab 0.1's `relu2` spelling), read from specs and databases and never written. */
export const TARGET_ALIASES: Readonly<Record<string, StudyTarget>> = {
  relu2: 'relu-pow:2',
  'relu2+relu2': 'relu-pow:2+relu-pow:2',
  'relu2+square': 'relu-pow:2+square',
};

/**
 * Targets chosen per student so that a grid over activations keeps zero approximation error:
 * "matched" is one index, "matched2" two indices (where the student can represent two).
 */
export const MATCHED_TARGETS: Record<string, Record<string, StudyTarget>> = {
  matched: { relu: 'relu', abs: 'abs', 'relu-pow:2': 'relu-pow:2', square: 'square' },
  matched2: { relu: 'relu+abs', abs: 'abs', 'relu-pow:2': 'relu-pow:2+relu-pow:2', square: 'square' },
};

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
  'flattest-convex',
] as const;
/**
 * Constructions whose solver runs asynchronously (the convex flattest interpolator loads HiGHS'
 * WebAssembly) and exists for 1-homogeneous students only (docs/math.md#convex-flattest, §10): built by
 * `buildConvexFlattest` in the studies that ask for them (H2), never by the synchronous catalogue.
 */
export const CONVEX_CONSTRUCTIONS = new Set<string>(['flattest-convex']);
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

/**
 * A string field parsed by the CLI's own parser: the parser's one-line InputError becomes the field's
 * message (the spec validator prefixes the path).
 */
function parsedBy(parse: (s: string) => unknown) {
  return z.string().superRefine((s, ctx) => {
    try {
      parse(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    }
  });
}

/** A homogeneous student activation in `flatlab train --activation` syntax (or the old alias). */
function checkActivation(s: string): void {
  // Own-property test: a name such as "constructor" must not pass through the prototype.
  const raw = /^([a-z_-]+)/.exec(s.trim())?.[1] ?? '';
  const name = currentSpelling(raw); // relu_pow, leaky_relu, abs_pow: deprecated spellings
  if (!Object.hasOwn(STUDY_ACTIVATIONS, name) && !(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    throw new InputError(
      `unknown activation "${s}" (allowed: flatlab train's syntax: ${ACTIVATION_NAMES.join(', ')} with leaky-relu:α, relu-pow:p, abs-pow:p)`,
    );
  }
  const act = makeActivation(activationSpec(s, `"${s}"`));
  if (act.degree === null) throw new InputError(`"${s}" is not positively homogeneous (σ(ct) = c^k σ(t) needed)`);
}

/**
 * A student activation as outputs spell it: the CLI's kebab-case syntax with its parameter
 * (`relu2` and `relu_pow:2` → `relu-pow:2`), so a trial's parameters, key and labels have one spelling.
 */
export const canonicalActivation = (s: StudyActivation): string => activationToString(activationSpec(s.trim()));

/** Links in `flatlab data --links` syntax (the count of '+' parts is r unless r is given). */
function checkLinks(s: string): void {
  const t = s.trim();
  parseLinksSyntax(t, ['product', 'max', 'norm'].includes(t) ? 2 : t.split('+').length);
}

/** Field name → schema of ONE value. */
export const FIELDS = {
  d: fromDef(DATA_PARAMS, 'd'),
  n: fromDef(DATA_PARAMS, 'n'),
  m: fromDef(TRAIN_PARAMS, 'width'),
  activation: parsedBy(checkActivation).transform(canonicalActivation),
  /** A preset target (absent when the spec gives links instead). */
  target: z
    .enum([...names(STUDY_TARGETS), ...names(MATCHED_TARGETS), 'matched3', ...Object.keys(TARGET_ALIASES)])
    .transform((t) => (Object.hasOwn(TARGET_ALIASES, t) ? TARGET_ALIASES[t] : t))
    .optional(),
  noise: fromDef(DATA_PARAMS, 'noise'),
  /** Samples per input dimension (the phase study's n/d axis; n = round(nPerD · d)). */
  nPerD: z.number().min(0.01).max(100_000),
  /** Target in `flatlab data` terms (instead of a preset `target`): links, r, coeffs, input law, index. */
  links: parsedBy(checkLinks).optional(),
  r: fromDef(DATA_PARAMS, 'r').optional(),
  coeffs: z.union([z.string(), z.number()]).optional(),
  input: parsedBy((s) => parseInputSyntax(s, /anisotropic:[^p]/.test(s) ? s.split(',').length : 1)).optional(),
  index: z.enum(['random', 'axes']).optional(),
  construction: z.enum(CONSTRUCTIONS),
  algorithm: z.enum(ALGORITHMS),
  /** H2: random features of width rfWidthFactor · n (the memorizer is always m = n). */
  rfWidthFactor: z.number().int().min(1).max(64),
  /** H2: the lazy construction's initialization scale α (its width is m). */
  lazyScale: fromDef(TRAIN_PARAMS, 'initScale'),
  /** Width of learned interpolators (gd, sam, label-noise, flattest) in H2/H4. */
  searchWidth: fromDef(TRAIN_PARAMS, 'width'),
  initScale: fromDef(TRAIN_PARAMS, 'initScale'),
  steps: fromDef(TRAIN_PARAMS, 'steps'),
  tol: fromDef(TRAIN_PARAMS, 'lossTol'),
  /** Symmetry orbit: global factor c or independent per-neuron factors. */
  mode: z.enum(['global', 'per-neuron']),
  /** Orbit factors span 10^-logRange … 10^logRange. */
  logRange: z.number().min(0).max(12),
  points: z.number().int().min(3).max(1000),
  method: z.enum(['hutchinson', 'hutchpp']),
  budget: z.number().int().min(3).max(100_000),
  /** Independent estimator repetitions per trial (error statistics). */
  reps: z.number().int().min(1).max(10_000),
  /** The measure league (docs/measures.md, the league): one member of its population, its measure budget. */
  interpolator: z.enum([...LEAGUE_CONSTRUCTIONS, ...ALGORITHMS]),
  polishSteps: fromDef(TRAIN_PARAMS, 'polishSteps'),
  measureBudget: z.enum(['smoke', 'default']),
  /** Deep networks (the depth study): number of layers L, the training algorithm and its step size. */
  depth: z.number().int().min(2).max(8),
  deepAlgorithm: z.enum(MLP_ALGORITHMS),
  lr: fromDef(TRAIN_PARAMS, 'lr'),
} as const;
export type FieldName = keyof typeof FIELDS;

/**
 * The target fields in `flatlab data` terms, accepted by every study type; absent by default, so a
 * trial that does not use them keeps the parameters (and key) it had before they existed.
 */
export const TARGET_FIELD_DEFAULTS = {
  links: undefined,
  r: undefined,
  coeffs: undefined,
  input: undefined,
  index: undefined,
} as const;

/**
 * The student–teacher problem the study types start from, each overriding what it is about: d = 10,
 * n = 50 samples, a width-20 ReLU student, the ReLU teacher (no target fields), no label noise.
 * Overrides keep a field's place, so the field order (listed in a spec error) is the same for all.
 */
export const PROBLEM_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 20,
  activation: 'relu',
  target: 'relu',
  noise: 0,
} as const;

/** How long a learned interpolator trains: at most 1000 steps, stopping once the train loss is ≤ 1e-8. */
export const LEARNED_BUDGET_DEFAULTS = { steps: 1000, tol: 1e-8 } as const;

/** The activation spec of a study's `activation` field: an old alias first, else the CLI syntax. */
export function activationSpec(name: StudyActivation, where = 'activation'): ActivationSpec {
  const aliases = STUDY_ACTIVATIONS as Record<string, { spec: ActivationSpec }>;
  return Object.hasOwn(aliases, name) ? { ...aliases[name].spec } : parseActivationString(name, where);
}
