/**
 * The training parameter table: one declarative definition per hyperparameter (range, default, help,
 * formula). The CLI flags of `flatlab train`, study specs and the playground's controls are generated
 * from it, so a range is written once and every front end rejects the same bad values.
 */
import { InputError } from '../errors.js';
import { type ParamDef, type ParamValues, parseParam, parseTable, seedParam } from '../params/table.js';

/** The training algorithms of `flatlab train` (docs/math.md §6), in the order the CLI lists them. */
export const ALGORITHMS = [
  'gd',
  'sgd',
  'adam',
  'sam',
  '1sam',
  'asam',
  'label-noise',
  'trace-penalty',
  'invariant-penalty',
  'flattest',
] as const;
/** One of ALGORITHMS. */
export type Algorithm = (typeof ALGORITHMS)[number];

export const INITS = ['gaussian', 'balanced', 'symmetric'] as const;
export type InitKind = (typeof INITS)[number];

export const SCHEDULES = ['constant', 'step', 'cosine'] as const;
export type Schedule = (typeof SCHEDULES)[number];

export const OPTIMIZERS = ['auto', 'sgd', 'adam'] as const;
export const POLISH = ['none', 'gd', 'gn'] as const;
export type PolishKind = (typeof POLISH)[number];

/**
 * A per-algorithm default (the `perAlgo` column of a row): a value; `{ capN }`, the value min(capN, n)
 * on n samples; `{ k1, k2 }`, a value for 1-homogeneous (and non-homogeneous) students and one for
 * k ≥ 2, whose curvature grows with the weights; `{ perN, atLeast }`, max(atLeast, perN · n) within the
 * row's range.
 */
export type AlgoDefault =
  | number
  | string
  | { readonly capN: number }
  | { readonly k1: number; readonly k2: number }
  | { readonly perN: number; readonly atLeast: number };

/** A training parameter: a table row, with the algorithms whose default differs from the row's. */
export interface TrainParamDef extends ParamDef {
  readonly perAlgo?: Partial<Record<Algorithm, AlgoDefault>>;
  /**
   * Part of the flattest search's plan (restarts, width raising): applied by `flatlab train` and the
   * library's defaults, not where one network is trained at a stated width from a known initialization
   * (the studies: H2 at a fixed width, distance_to_init).
   */
  readonly plan?: boolean;
}

/**
 * The training parameter table. Per-algorithm defaults were tuned on the studies' problems (Gaussian
 * multi-index targets, d ≈ 10–50, n ≈ 50–500, widths 50–400, initialization scale 1); for k ≥ 2 (relu²,
 * |t|³) the step sizes are a quarter of the k = 1 ones except where stated.
 */
export const TRAIN_PARAMS = [
  {
    key: 'algo',
    type: 'enum',
    default: 'gd',
    choices: ALGORITHMS,
    short: 'al',
    help: 'training algorithm (the direction each step follows)',
  },
  { key: 'width', type: 'int', default: 200, min: 1, max: 100000, short: 'm', help: 'number of hidden neurons m' },
  seedParam('seed of the initialization, batch sampling and label noise (independent sub-streams)', { short: 's' }),
  {
    key: 'init',
    type: 'enum',
    default: 'gaussian',
    choices: INITS,
    short: 'in',
    help: 'initialization: gaussian; balanced (‖w_j‖² = k a_j², conserved by gradient flow); symmetric (neuron pairs with opposite a, so f = 0 at init)',
    formula: 'a_j ~ N(0, s²/m), w_j ~ N(0, s² I/d)',
  },
  {
    key: 'initScale',
    type: 'number',
    default: 1,
    min: 1e-8,
    max: 1e4,
    log: true,
    short: 'is',
    help: 'initialization scale s: ≲ 0.1 small/rich, 1 standard, ≳ 5 large/lazy',
  },
  {
    key: 'lr',
    type: 'number',
    default: 0.05,
    min: 0,
    max: 1e6,
    log: true,
    short: 'lr',
    help: 'learning rate η (base value of the schedule)',
    perAlgo: {
      gd: { k1: 0.2, k2: 0.05 },
      sgd: { k1: 0.3, k2: 0.075 },
      adam: { k1: 0.01, k2: 0.01 },
      sam: { k1: 0.2, k2: 0.05 },
      '1sam': { k1: 0.05, k2: 0.0125 },
      asam: { k1: 0.2, k2: 0.05 },
      'label-noise': { k1: 0.05, k2: 0.0125 },
      'trace-penalty': { k1: 0.2, k2: 0.05 },
      'invariant-penalty': { k1: 0.2, k2: 0.05 },
      flattest: { k1: 0.02, k2: 0.02 },
    },
  },
  { key: 'steps', type: 'int', default: 2000, min: 0, max: 1e9, short: 'n', help: 'maximum number of optimizer steps' },
  {
    key: 'batch',
    type: 'int',
    default: 0,
    min: 0,
    max: 1e9,
    short: 'b',
    help: "mini-batch size (gd and flattest: always the full batch); 0 = the algorithm's default, the full batch where it has none",
    perAlgo: { sgd: { capN: 50 }, '1sam': { capN: 32 }, 'label-noise': { capN: 32 } },
  },
  {
    key: 'replacement',
    type: 'bool',
    default: false,
    short: 'rp',
    help: 'sample mini-batches with replacement (otherwise: reshuffled epochs)',
  },
  {
    key: 'optimizer',
    type: 'enum',
    default: 'auto',
    choices: OPTIMIZERS,
    short: 'op',
    help: 'update rule applied to the direction: sgd (with momentum) or adam; auto = adam for algo adam, else sgd',
    perAlgo: { flattest: 'adam' },
  },
  {
    key: 'momentum',
    type: 'number',
    default: 0,
    min: 0,
    max: 0.9999,
    short: 'mo',
    help: 'heavy-ball momentum μ',
    formula: 'v ← μ v + g;  θ ← θ − η v',
  },
  {
    key: 'nesterov',
    type: 'bool',
    default: false,
    short: 'ne',
    help: 'Nesterov form of momentum: θ ← θ − η (g + μ v)',
  },
  { key: 'beta1', type: 'number', default: 0.9, min: 0, max: 0.9999, short: 'b1', help: 'Adam first-moment decay β₁' },
  {
    key: 'beta2',
    type: 'number',
    default: 0.999,
    min: 0,
    max: 0.999999,
    short: 'b2',
    help: 'Adam second-moment decay β₂',
  },
  { key: 'adamEps', type: 'number', default: 1e-8, min: 0, max: 1, log: true, short: 'ae', help: 'Adam ε' },
  {
    key: 'schedule',
    type: 'enum',
    default: 'constant',
    choices: SCHEDULES,
    short: 'sc',
    help: 'learning-rate schedule',
    formula: 'step: η γ^⌊t/every⌋;  cosine: η_min + (η − η_min)(1 + cos(π t/T))/2',
  },
  {
    key: 'stepEvery',
    type: 'int',
    default: 1000,
    min: 1,
    max: 1e9,
    short: 'se',
    help: 'step schedule: decay every this many steps',
  },
  {
    key: 'stepGamma',
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    short: 'sg',
    help: 'step schedule: decay factor γ',
  },
  {
    key: 'lrMin',
    type: 'number',
    default: 0,
    min: 0,
    max: 1e6,
    short: 'lm',
    help: 'cosine schedule: final learning rate η_min',
  },
  {
    key: 'lrCap',
    type: 'number',
    default: 1,
    min: 0,
    max: 2,
    short: 'lc',
    help: 'plain-gradient steps (every optimizer but Adam): η is capped at lrCap/λ_max(∇²L) of the initialization, measured by 20 power iterations; 1 = half the stability limit, 0 = no cap',
    formula: 'η ← min(η, lrCap / λ_max(∇²L(θ₀)))',
  },
  {
    key: 'rho',
    type: 'number',
    default: 0.05,
    min: 0,
    max: 1e3,
    log: true,
    short: 'r',
    help: 'SAM / 1-SAM / ASAM perturbation radius ρ',
    formula: 'θ ← θ − η ∇L(θ + ρ g/‖g‖)',
    perAlgo: { sam: 0.05, '1sam': 0.02, asam: 0.5 },
  },
  {
    key: 'microBatch',
    type: 'int',
    default: 1,
    min: 1,
    max: 1e9,
    short: 'mb',
    help: '1-SAM (m-sharpness) micro-batch size: one ascent step per micro-batch, perturbed gradients averaged',
    perAlgo: { '1sam': { capN: 4 } },
  },
  {
    key: 'asamEta',
    type: 'number',
    default: 0.01,
    min: 0,
    max: 1e3,
    short: 'ea',
    help: 'ASAM η (Kwon et al. 2021)',
    formula: 'ε = ρ T² g / ‖T g‖,  T = |θ| + η',
    perAlgo: { asam: 0.01 },
  },
  {
    key: 'noiseSigma',
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1e3,
    short: 'ns',
    help: 'label-noise SGD: σ of the noise added to the sampled labels every step',
    formula: "y_i' = y_i + σ ξ_i",
    perAlgo: { 'label-noise': 0.1 },
  },
  {
    key: 'noiseKind',
    type: 'enum',
    default: 'rademacher',
    choices: ['rademacher', 'gaussian'],
    short: 'nk',
    help: 'label-noise distribution of ξ (±1 or N(0, 1))',
  },
  {
    key: 'lambda',
    type: 'number',
    default: 1e-3,
    min: 0,
    max: 1e6,
    log: true,
    short: 'la',
    help: 'penalty weight λ (trace-penalty, invariant-penalty); flattest: initial λ of the continuation',
    formula: 'trace-penalty: L + λ Σ_j (A_j + B_j);  invariant-penalty: L + λ F*',
    perAlgo: { 'trace-penalty': 1e-4, 'invariant-penalty': 1e-4, flattest: 3e-3 },
  },
  {
    key: 'lambdaFinal',
    type: 'number',
    default: 1e-7,
    min: 0,
    max: 1e6,
    log: true,
    short: 'lf',
    help: 'flattest: final λ of the geometric continuation λ_t = λ (λ_final/λ)^{t/T}',
    perAlgo: { flattest: 1e-6 },
  },
  {
    key: 'restarts',
    type: 'int',
    default: 1,
    min: 1,
    max: 1000,
    short: 'rs',
    help: 'flattest: independent runs (run 0 from seed, run r from a seed derived from it); the flattest interpolator is kept',
    perAlgo: { flattest: 3 },
    plan: true,
  },
  {
    key: 'stopWindow',
    type: 'int',
    default: 100,
    min: 0,
    max: 1e9,
    short: 'sw',
    help: 'flattest: window (steps) of the adaptive continuation and early stop; 0 = fixed geometric λ schedule, whole step budget',
  },
  {
    key: 'stopRel',
    type: 'number',
    default: 1e-3,
    min: 0,
    max: 1,
    short: 'sr',
    help: 'flattest: a relative decrease below this over a window counts as stalled (cut λ; at λ_final or interpolating: stop)',
  },
  {
    key: 'maxWidth',
    type: 'int',
    default: 0,
    min: 0,
    max: 100000,
    short: 'mw',
    help: 'flattest: when no run reaches train loss ≤ lossTol, double the width up to this cap (0 = never raise)',
    perAlgo: { flattest: { perN: 2, atLeast: 64 } },
    plan: true,
  },
  {
    key: 'lossTol',
    type: 'number',
    default: 1e-8,
    min: 0,
    max: 1e6,
    log: true,
    short: 't',
    help: 'stop (and end the polish) once the train loss is ≤ lossTol (an interpolator)',
  },
  {
    key: 'tol',
    type: 'number',
    default: 1e-8,
    min: 0,
    max: 1e6,
    log: true,
    help: "deprecated name of lossTol (construct's --tol is a residual bound)",
    deprecated: 'lossTol',
  },
  {
    key: 'polish',
    type: 'enum',
    default: 'gn',
    choices: POLISH,
    short: 'po',
    help: 'final polish to an interpolator: gn (damped Gauss–Newton, minimum-norm steps), gd, or none',
  },
  {
    key: 'polishSteps',
    type: 'int',
    default: 100,
    min: 0,
    max: 1e9,
    short: 'ps',
    help: 'maximum polish iterations (GD polish: steps)',
  },
  {
    key: 'balance',
    type: 'bool',
    default: false,
    short: 'ba',
    help: 'rescale the result to the flattest point of its orbit (k A_j = B_j); always on for flattest',
  },
  {
    key: 'logEvery',
    type: 'int',
    default: 100,
    min: 1,
    max: 1e9,
    short: 'le',
    help: 'log metrics every this many steps (CLI; the library logs only when given onLog)',
  },
  {
    key: 'checkpointEvery',
    type: 'int',
    default: 500,
    min: 1,
    max: 1e9,
    short: 'ce',
    help: 'CLI: write a checkpoint every this many steps',
  },
  {
    key: 'timeBudget',
    type: 'number',
    default: 0,
    min: 0,
    max: 1e9,
    short: 'tb',
    help: 'wall-clock budget in seconds (0 = none)',
  },
] as const satisfies readonly TrainParamDef[];

/** A full training configuration: one field per row of TRAIN_PARAMS, of the type the row declares. */
export type TrainConfig = ParamValues<typeof TRAIN_PARAMS>;

/**
 * Validate a raw record (CLI flags, a study spec, URL state) into a full TrainConfig (the rows' defaults under it).
 *
 * @example
 * ```ts
 * import { parseTrainConfig } from 'flatlab';
 *
 * const c = parseTrainConfig({ algo: 'sam', width: 8, rho: 0.1 });
 * console.log(c.algo, c.width, c.rho, c.steps); // sam 8 0.1 2000
 * try {
 *   parseTrainConfig({ algo: 'sam', rho: -1 });
 * } catch (e) {
 *   console.log((e as Error).message); // rho must be a number in [0, 1000] (got -1)
 * }
 * ```
 */
export function parseTrainConfig(raw: Record<string, unknown>, context = ''): TrainConfig {
  const c = parseTable(TRAIN_PARAMS, raw, context);
  if (c.init === 'symmetric' && c.width % 2 !== 0) {
    throw new InputError(`${context}width must be even for init symmetric (got ${c.width})`);
  }
  return c;
}

/** What the per-algorithm defaults depend on: the student's degree k and the number of samples n. */
export interface TrainDefaultsContext {
  /** Degree of homogeneity of the student (1 for a non-homogeneous one; default 1). */
  k?: number;
  /** Number of samples (unknown: batch 0, i.e. the algorithm's default at the data's n; a cap's own value). */
  n?: number;
  /** Apply the flattest search's plan (restarts, width raising): default true, as `flatlab train` does. */
  searchPlan?: boolean;
}

/** The value of a per-algorithm default for a student of degree k on n samples (undefined n: unknown). */
function algoDefaultValue(def: TrainParamDef, v: AlgoDefault, k: number, n: number | undefined): unknown {
  if (typeof v !== 'object') return v;
  if ('k1' in v) return k >= 2 ? v.k2 : v.k1;
  if ('capN' in v) return n === undefined ? (def.key === 'batch' ? 0 : v.capN) : Math.min(v.capN, n);
  const w = Math.max(v.atLeast, n === undefined ? 0 : v.perN * n);
  return def.max === undefined ? w : Math.min(def.max, w);
}

/** The rows whose default depends on the algorithm (the `perAlgo` column). */
export const PER_ALGO_PARAMS: readonly TrainParamDef[] = TRAIN_PARAMS.filter((d: TrainParamDef) => d.perAlgo);

/** The column's raw values for `algo` (before validation). */
function columnValues(algo: Algorithm, ctx: TrainDefaultsContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of PER_ALGO_PARAMS) {
    const v = def.perAlgo?.[algo];
    if (v === undefined || (def.plan && ctx.searchPlan === false)) continue;
    out[def.key] = algoDefaultValue(def, v, ctx.k ?? 1, ctx.n);
  }
  return out;
}

const isConfigKey = (c: TrainConfig, key: string): key is keyof TrainConfig => key in c;
function copyField<K extends keyof TrainConfig>(to: Partial<TrainConfig>, from: TrainConfig, key: K): void {
  to[key] = from[key];
}

/** The fields `keys` of a config. */
function pick(c: TrainConfig, keys: readonly string[]): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  for (const key of keys) if (isConfigKey(c, key)) copyField(out, c, key);
  return out;
}

/** The per-algorithm defaults of `algo` (the `perAlgo` column), validated, as a partial config. */
export function algoDefaults(algo: Algorithm, ctx: TrainDefaultsContext = {}): Partial<TrainConfig> {
  const raw = columnValues(algo, ctx);
  return pick(parseTrainConfig({ algo, ...raw }), Object.keys(raw));
}

const ALGO_PARAM = TRAIN_PARAMS[0];

/**
 * The one way to a full training configuration (CLI flags, study specs, the playground's state, the
 * library): what the caller sets wins, what it leaves out (or sets undefined) comes from the
 * algorithm's column of the table, then from the row's default.
 */
export function resolveTrainConfig(
  raw: Record<string, unknown>,
  ctx: TrainDefaultsContext = {},
  context = '',
): TrainConfig {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const algo = parseParam(ALGO_PARAM, given.algo ?? ALGO_PARAM.default, `${context}algo`);
  return parseTrainConfig({ ...columnValues(algo, ctx), ...given }, context);
}

/**
 * What `flatlab train --algo ALGO` uses on a data set of n samples for a student of degree k (the
 * library's `{ ...defaultTrainConfig('sam'), width: 50 }`).
 *
 * @example
 * ```ts
 * import { defaultTrainConfig } from 'flatlab';
 *
 * console.log(defaultTrainConfig('gd').lr, defaultTrainConfig('gd', { k: 2 }).lr); // 0.2 0.05
 * console.log(defaultTrainConfig('sgd', { n: 20 }).batch); // 20: min(50, n)
 * ```
 */
export function defaultTrainConfig(algo: Algorithm = 'gd', ctx: TrainDefaultsContext = {}): TrainConfig {
  return resolveTrainConfig({ algo }, ctx);
}

/** Checks that need the data set (batch larger than n). */
export function checkConfigAgainstData(c: TrainConfig, n: number): void {
  if (c.batch > n) throw new InputError(`batch must be an integer in [0, n = ${n}] (got ${c.batch})`);
  if (c.microBatch > n) throw new InputError(`microBatch must be an integer in [1, n = ${n}] (got ${c.microBatch})`);
}

/** The update rule a configuration uses: its optimizer, or for auto Adam for algo adam and SGD otherwise. */
export function effectiveOptimizer(c: TrainConfig): 'sgd' | 'adam' {
  return c.optimizer === 'auto' ? (c.algo === 'adam' ? 'adam' : 'sgd') : c.optimizer;
}

/** The mini-batch size actually used: the full batch for gd and flattest; batch 0 → the algorithm's default. */
export function effectiveBatch(c: TrainConfig, n: number): number {
  if (c.algo === 'gd' || c.algo === 'flattest') return n;
  if (c.batch > 0) return Math.min(c.batch, n);
  return algoDefaults(c.algo, { n }).batch || n;
}

/** The flattest search's plan defaults (restarts, maxWidth) of `algo` on n samples. */
export function searchPlanDefaults(algo: Algorithm, n: number): Partial<TrainConfig> {
  const plan = PER_ALGO_PARAMS.filter((d) => d.plan).map((d) => d.key);
  const all = algoDefaults(algo, { n });
  return pick(
    parseTrainConfig({ algo, ...all }),
    plan.filter((k) => k in all),
  );
}

/** How a per-algorithm default reads in help: "0.2 (k ≥ 2: 0.05)", "min(50, n)", "max(64, 2n)". */
function describeDefault(v: AlgoDefault): string {
  if (typeof v !== 'object') return String(v);
  if ('k1' in v) return v.k1 === v.k2 ? String(v.k1) : `${v.k1} (k ≥ 2: ${v.k2})`;
  if ('capN' in v) return `min(${v.capN}, n)`;
  return `max(${v.atLeast}, ${v.perN}n)`;
}

/** The effective defaults of every algorithm, one line each (for `flatlab train --help`), from the column. */
export function describeAlgoDefaults(): string {
  const lines = ALGORITHMS.map((a) => {
    const parts = PER_ALGO_PARAMS.flatMap((def) => {
      const v = def.perAlgo?.[a];
      return v === undefined ? [] : [`${def.key} ${describeDefault(v)}`];
    });
    return `  ${a.padEnd(18)} ${parts.join(', ')}`;
  });
  return `Effective defaults per algorithm (flags you pass override them; the rest are the defaults above):\n${lines.join('\n')}`;
}
