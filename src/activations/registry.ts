/**
 * Activation registry (docs/math.md#network). Each entry carries σ, σ′, σ″ and its degree of positive
 * homogeneity k (σ(ct) = c^k σ(t) for c > 0), or null for non-homogeneous controls. Kernels (JS and
 * native) dispatch on the numeric `code`, so a new activation needs an entry here and a case in both
 * kernels. It sits below linalg, which looks σ up by code, and depends on nothing but errors.ts.
 */
import { InputError } from '../errors.js';
import { currentSpelling } from '../spellings.js';

/** An activation's name (kebab-case; the 0.1 snake_case spellings are read on input only). */
export type ActivationName = 'relu' | 'leaky-relu' | 'abs' | 'relu-pow' | 'abs-pow' | 'square' | 'tanh' | 'softplus';

/** Serializable description, as in the model file: `{"name":"relu-pow","p":2}`. */
export interface ActivationSpec {
  name: ActivationName;
  p?: number;
  alpha?: number;
}

/** An activation σ with its first two derivatives, degree of homogeneity k and kernel code. */
export interface Activation {
  readonly spec: ActivationSpec;
  /** Degree of positive homogeneity, or null when σ is not homogeneous. */
  readonly degree: number | null;
  /** Kernel dispatch code (shared with the native addon). */
  readonly code: number;
  /** The activation's single numeric parameter (p or alpha; 0 when unused). */
  readonly param: number;
  readonly label: string;
  /** σ(t). */
  f(t: number): number;
  /** σ′(t). */
  d1(t: number): number;
  /** σ″(t) (0 at the kink of a piecewise-linear σ). */
  d2(t: number): number;
}

export const ACTIVATION_CODES: Record<ActivationName, number> = {
  relu: 0,
  'leaky-relu': 1,
  abs: 2,
  'relu-pow': 3,
  'abs-pow': 4,
  square: 5,
  tanh: 6,
  softplus: 7,
};

/** Every activation name. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATION_CODES) as ActivationName[];

export { InputError };

function powPos(t: number, e: number): number {
  // t > 0 here; e may be 0, where the result is exactly 1 (and t**0 would be 1 too, but keep it explicit).
  return e === 0 ? 1 : t ** e;
}

/** The exponent p of relu-pow and abs-pow: 2 unless given, and a finite number in [1, 8]. */
function exponentOf(s: ActivationSpec): number {
  const p = s.p ?? 2;
  if (!Number.isFinite(p) || p < 1 || p > 8)
    throw new InputError(`activation ${s.name}: p must be in [1, 8] (got ${s.p})`);
  return p;
}

/** What tells one activation from another: its degree, its label and σ, σ′, σ″. */
type Definition = Pick<Activation, 'degree' | 'label' | 'f' | 'd1' | 'd2'>;

/** The activations without a parameter: their spec is the bare name and their param is 0. */
const FIXED: Record<'relu' | 'abs' | 'square' | 'tanh' | 'softplus', Definition> = {
  relu: { degree: 1, label: 'ReLU', f: (t) => (t > 0 ? t : 0), d1: (t) => (t > 0 ? 1 : 0), d2: () => 0 },
  abs: { degree: 1, label: '|t|', f: (t) => Math.abs(t), d1: (t) => (t > 0 ? 1 : t < 0 ? -1 : 0), d2: () => 0 },
  square: { degree: 2, label: 't²', f: (t) => t * t, d1: (t) => 2 * t, d2: () => 2 },
  tanh: {
    degree: null,
    label: 'tanh',
    f: (t) => Math.tanh(t),
    d1: (t) => {
      const c = Math.tanh(t);
      return 1 - c * c;
    },
    d2: (t) => {
      const c = Math.tanh(t);
      return -2 * c * (1 - c * c);
    },
  },
  softplus: {
    degree: null,
    label: 'softplus',
    f: (t) => (t > 30 ? t : Math.log1p(Math.exp(t))),
    d1: (t) => 1 / (1 + Math.exp(-t)),
    d2: (t) => {
      const s1 = 1 / (1 + Math.exp(-t));
      return s1 * (1 - s1);
    },
  },
};

/** The power families max(t, 0)^p and |t|^p, of degree p (p already checked by exponentOf). */
const POWERS: Record<'relu-pow' | 'abs-pow', (p: number) => Definition> = {
  // Derivatives are exactly 0 for t <= 0 (a naive max(t,0)**0 would give 1).
  'relu-pow': (p) => ({
    degree: p,
    label: `ReLU^${p}`,
    f: (t) => (t > 0 ? powPos(t, p) : 0),
    d1: (t) => (t > 0 ? p * powPos(t, p - 1) : 0),
    d2: (t) => (t > 0 ? p * (p - 1) * powPos(t, p - 2) : 0),
  }),
  'abs-pow': (p) => ({
    degree: p,
    label: `|t|^${p}`,
    f: (t) => (t === 0 ? 0 : powPos(Math.abs(t), p)),
    d1: (t) => (t === 0 ? 0 : p * powPos(Math.abs(t), p - 1) * Math.sign(t)),
    // σ″ is taken as 0 at t = 0 (a null set) so that p < 2 stays finite.
    d2: (t) => (t === 0 ? (p === 2 ? 2 : 0) : p * (p - 1) * powPos(Math.abs(t), p - 2)),
  }),
};

/**
 * The activation of a spec or name, validated (InputError for an unknown name or a parameter out of
 * range); the degree k is read from here, never from the name.
 *
 * @example
 * ```ts
 * import { makeActivation } from 'flatlab';
 *
 * const s = makeActivation({ name: 'relu-pow', p: 2 });
 * console.log(s.f(3), s.d1(3), s.degree); // 9 6 2
 * console.log(makeActivation('tanh').degree); // null: not homogeneous
 * ```
 */
export function makeActivation(spec: ActivationSpec | ActivationName): Activation {
  const given: ActivationSpec = typeof spec === 'string' ? { name: spec } : spec;
  if (!given || typeof given !== 'object' || typeof given.name !== 'string') {
    throw new InputError(`activation must be an object with a "name" (one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  // Deprecated snake_case names (relu_pow, …) of model files and command lines are still accepted.
  const s: ActivationSpec = { ...given, name: currentSpelling(given.name) };
  const code = ACTIVATION_CODES[s.name as ActivationName];
  if (code === undefined) {
    throw new InputError(`unknown activation "${s.name}" (allowed: ${ACTIVATION_NAMES.join(', ')})`);
  }
  // Every activation is its Definition inside the same frame (spec, code, param), with the fields in
  // this order whatever the activation.
  const entry = (spec: ActivationSpec, param: number, d: Definition): Activation => ({
    spec,
    degree: d.degree,
    code,
    param,
    label: d.label,
    f: d.f,
    d1: d.d1,
    d2: d.d2,
  });
  switch (s.name) {
    case 'relu':
    case 'abs':
    case 'square':
    case 'tanh':
    case 'softplus':
      return entry({ name: s.name }, 0, FIXED[s.name]);
    case 'leaky-relu': {
      const alpha = s.alpha ?? 0.01;
      if (!Number.isFinite(alpha) || alpha < 0 || alpha >= 1) {
        throw new InputError(`activation leaky-relu: alpha must be in [0, 1) (got ${s.alpha})`);
      }
      return entry({ name: 'leaky-relu', alpha }, alpha, {
        degree: 1,
        label: `LeakyReLU(${alpha})`,
        f: (t) => (t > 0 ? t : alpha * t),
        d1: (t) => (t > 0 ? 1 : alpha),
        d2: () => 0,
      });
    }
    case 'relu-pow':
    case 'abs-pow': {
      const p = exponentOf(s);
      return entry({ name: s.name, p }, p, POWERS[s.name](p));
    }
    default:
      throw new InputError(`unknown activation "${String((s as ActivationSpec).name)}"`);
  }
}

/** The degree k of a homogeneous activation; a clear error for non-homogeneous ones. */
export function requireHomogeneous(act: Activation, what: string): number {
  if (act.degree === null) {
    throw new InputError(
      `${what} needs a positively homogeneous activation (σ(ct) = c^k σ(t)); ${act.label} is not homogeneous`,
    );
  }
  return act.degree;
}

const BY_CODE = new Map<string, Activation>();

/** The activation behind a kernel code (used by the portable kernels; cached). */
export function activationFromKernel(code: number, param: number): Activation {
  const key = `${code}:${param}`;
  let act = BY_CODE.get(key);
  if (!act) {
    const name = ACTIVATION_NAMES.find((n) => ACTIVATION_CODES[n] === code);
    if (!name) throw new Error(`unknown activation code ${code}`);
    act = makeActivation({ name, p: param, alpha: param });
    BY_CODE.set(key, act);
  }
  return act;
}
