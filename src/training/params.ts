/**
 * The training parameter table: one declarative definition per hyperparameter (range, default, help,
 * formula). The CLI flags of `flatlab train`, study specs and the playground's controls are generated
 * from it, so a range is written once and every front end rejects the same bad values.
 */
import { InputError } from '../errors.js';
import { type ParamDef, parseParams, seedParam } from '../params/table.js';

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
export type Algorithm = (typeof ALGORITHMS)[number];

export const INITS = ['gaussian', 'balanced', 'symmetric'] as const;
export type InitKind = (typeof INITS)[number];

export const SCHEDULES = ['constant', 'step', 'cosine'] as const;
export type Schedule = (typeof SCHEDULES)[number];

export const OPTIMIZERS = ['auto', 'sgd', 'adam'] as const;
export const POLISH = ['none', 'gd', 'gn'] as const;
export type PolishKind = (typeof POLISH)[number];

export interface TrainConfig {
  algo: Algorithm;
  width: number;
  seed: number;
  init: InitKind;
  initScale: number;
  lr: number;
  steps: number;
  batch: number;
  replacement: boolean;
  optimizer: (typeof OPTIMIZERS)[number];
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  adamEps: number;
  schedule: Schedule;
  stepEvery: number;
  stepGamma: number;
  lrMin: number;
  lrCap: number;
  rho: number;
  microBatch: number;
  asamEta: number;
  noiseSigma: number;
  noiseKind: 'rademacher' | 'gaussian';
  lambda: number;
  lambdaFinal: number;
  restarts: number;
  stopWindow: number;
  stopRel: number;
  maxWidth: number;
  tol: number;
  polish: PolishKind;
  polishSteps: number;
  balance: boolean;
  logEvery: number;
  checkpointEvery: number;
  timeBudget: number;
}

export const TRAIN_PARAMS: readonly ParamDef[] = [
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
  },
  { key: 'steps', type: 'int', default: 2000, min: 0, max: 1e9, short: 'n', help: 'maximum number of optimizer steps' },
  {
    key: 'batch',
    type: 'int',
    default: 0,
    min: 0,
    max: 1e9,
    short: 'b',
    help: 'mini-batch size; 0 = full batch (sgd, label-noise and 1sam then use min(32, n))',
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
  },
  {
    key: 'microBatch',
    type: 'int',
    default: 1,
    min: 1,
    max: 1e9,
    short: 'mb',
    help: '1-SAM (m-sharpness) micro-batch size: one ascent step per micro-batch, perturbed gradients averaged',
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
  },
  {
    key: 'restarts',
    type: 'int',
    default: 1,
    min: 1,
    max: 1000,
    short: 'rs',
    help: 'flattest: independent runs (run 0 from seed, run r from a seed derived from it); the flattest interpolator is kept',
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
    help: 'flattest: when no run reaches train loss ≤ tol, double the width up to this cap (0 = never raise)',
  },
  {
    key: 'tol',
    type: 'number',
    default: 1e-8,
    min: 0,
    max: 1e6,
    log: true,
    short: 't',
    help: 'stop (and end the polish) once the train loss is ≤ tol',
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
    help: 'log metrics every this many steps',
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
];

/** Validate a raw record (CLI flags, a study spec, URL state) into a full TrainConfig. */
export function parseTrainConfig(raw: Record<string, unknown>, context = ''): TrainConfig {
  const c = parseParams(TRAIN_PARAMS, raw, context) as unknown as TrainConfig;
  if (c.init === 'symmetric' && c.width % 2 !== 0) {
    throw new InputError(`${context}width must be even for init symmetric (got ${c.width})`);
  }
  return c;
}

/** Defaults for every key, for the library API (`{ ...defaultTrainConfig(), algo: 'sam' }`). */
export function defaultTrainConfig(): TrainConfig {
  return parseTrainConfig({});
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

/** The mini-batch size actually used (0 → full batch, except for the stochastic algorithms). */
export function effectiveBatch(c: TrainConfig, n: number): number {
  if (c.algo === 'gd' || c.algo === 'flattest') return n;
  if (c.batch > 0) return Math.min(c.batch, n);
  return c.algo === 'sgd' || c.algo === 'label-noise' || c.algo === '1sam' ? Math.min(32, n) : n;
}

/**
 * Per-algorithm defaults, the one table every front end uses (`flatlab train` without flags, the
 * studies, the playground): values tuned on the studies' problems (Gaussian multi-index targets,
 * d ≈ 10–50, n ≈ 50–500, widths 50–400, initialization scale 1). For k ≥ 2 (relu², |t|³) the curvature
 * grows with the weights, so the step sizes are a quarter of the k = 1 ones (`lrK2`). Batch sizes are
 * caps, min(cap, n). Fields not listed keep the generic defaults of TRAIN_PARAMS.
 */
export interface AlgoDefaults {
  /** Learning rate for k = 1. */
  readonly lr: number;
  /** Learning rate for k ≥ 2 (default lr / 4). */
  readonly lrK2?: number;
  /** Mini-batch size min(batchCap, n). */
  readonly batchCap?: number;
  readonly optimizer?: (typeof OPTIMIZERS)[number];
  readonly rho?: number;
  readonly microBatch?: number;
  readonly asamEta?: number;
  readonly noiseSigma?: number;
  readonly lambda?: number;
  readonly lambdaFinal?: number;
  readonly restarts?: number;
  /** The final stage may raise the width up to max(widthCap, widthCapPerN · n). */
  readonly widthCapPerN?: number;
  readonly widthCap?: number;
}

export const ALGO_DEFAULTS: Readonly<Record<Algorithm, AlgoDefaults>> = {
  gd: { lr: 0.2 },
  sgd: { lr: 0.3, batchCap: 50 },
  adam: { lr: 0.01, lrK2: 0.01 },
  sam: { lr: 0.2, rho: 0.05 },
  '1sam': { lr: 0.05, rho: 0.02, batchCap: 32, microBatch: 4 },
  asam: { lr: 0.2, rho: 0.5, asamEta: 0.01 },
  'label-noise': { lr: 0.05, batchCap: 32, noiseSigma: 0.1 },
  'trace-penalty': { lr: 0.2, lambda: 1e-4 },
  'invariant-penalty': { lr: 0.2, lambda: 1e-4 },
  flattest: {
    optimizer: 'adam',
    lr: 0.02,
    lrK2: 0.02,
    lambda: 3e-3,
    lambdaFinal: 1e-6,
    restarts: 3,
    widthCapPerN: 2,
    widthCap: 64,
  },
};

/**
 * The hyperparameters of `algo` for a k-homogeneous student (k = 1 for a non-homogeneous one) on n
 * samples, as a partial config to spread under the user's own values.
 */
export function defaultHyperparams(algo: Algorithm, k: number, n: number): Partial<TrainConfig> {
  const t = ALGO_DEFAULTS[algo];
  if (!t) throw new InputError(`unknown algorithm "${algo}" (allowed: ${ALGORITHMS.join(', ')})`);
  const out: Partial<TrainConfig> = { lr: k >= 2 ? (t.lrK2 ?? t.lr / 4) : t.lr };
  if (t.batchCap !== undefined) out.batch = Math.min(t.batchCap, n);
  if (t.optimizer !== undefined) out.optimizer = t.optimizer;
  if (t.rho !== undefined) out.rho = t.rho;
  if (t.microBatch !== undefined) out.microBatch = Math.min(t.microBatch, n);
  if (t.asamEta !== undefined) out.asamEta = t.asamEta;
  if (t.noiseSigma !== undefined) out.noiseSigma = t.noiseSigma;
  if (t.lambda !== undefined) out.lambda = t.lambda;
  if (t.lambdaFinal !== undefined) out.lambdaFinal = t.lambdaFinal;
  return out;
}

/**
 * The flattest search's plan defaults (restarts, maxWidth) of `algo` on n samples, for a bare
 * `flatlab train`. Kept out of defaultHyperparams on purpose: the studies and the measures league
 * train one network at a stated width from a known initialization (H2 at a fixed width,
 * distance_to_init), which restarts and width raising would change; they get the adaptive
 * continuation and early stop (generic defaults) and may ask for the plan explicitly.
 */
export function searchPlanDefaults(algo: Algorithm, n: number): Partial<TrainConfig> {
  const t = ALGO_DEFAULTS[algo];
  const out: Partial<TrainConfig> = {};
  if (t.restarts !== undefined) out.restarts = t.restarts;
  if (t.widthCapPerN !== undefined) out.maxWidth = Math.min(100000, Math.max(t.widthCap ?? 0, t.widthCapPerN * n));
  return out;
}

/**
 * A full config from raw values (CLI flags, a spec, URL state) with the algorithm's defaults under
 * them: what the user sets wins, what they leave out comes from ALGO_DEFAULTS, then TRAIN_PARAMS.
 */
export function trainConfigWithDefaults(raw: Record<string, unknown>, k: number, n: number, context = ''): TrainConfig {
  const algo = parseTrainConfig({ algo: raw.algo ?? 'gd' }, context).algo;
  return parseTrainConfig({ ...defaultHyperparams(algo, k, n), ...searchPlanDefaults(algo, n), ...raw }, context);
}

/** The effective defaults of every algorithm, one line each (for `flatlab train --help`). */
export function describeAlgoDefaults(): string {
  const lines = ALGORITHMS.map((a) => {
    const t = ALGO_DEFAULTS[a];
    const parts = [`lr ${t.lr}${(t.lrK2 ?? t.lr / 4) !== t.lr ? ` (k ≥ 2: ${t.lrK2 ?? t.lr / 4})` : ''}`];
    if (t.optimizer) parts.push(`optimizer ${t.optimizer}`);
    if (t.batchCap !== undefined) parts.push(`batch min(${t.batchCap}, n)`);
    for (const key of ['rho', 'microBatch', 'asamEta', 'noiseSigma', 'lambda', 'lambdaFinal', 'restarts'] as const) {
      if (t[key] !== undefined) parts.push(`${key} ${t[key]}`);
    }
    if (t.widthCapPerN !== undefined) parts.push(`maxWidth max(${t.widthCap ?? 0}, ${t.widthCapPerN}n)`);
    return `  ${a.padEnd(18)} ${parts.join(', ')}`;
  });
  return `Effective defaults per algorithm (flags you pass override them):\n${lines.join('\n')}`;
}
