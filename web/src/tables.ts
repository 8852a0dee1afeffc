/**
 * The full table behind the controls and the URL: the core's data table (src/data/params.ts) and
 * training table (src/training/params.ts), decorated for the playground, plus the playground's own
 * rows (params.ts). The core tables' short keys collide with each other (both use `s`, `r`, `n`), so
 * the playground assigns the URL keys of the training rows here; uniqueness is checked at load.
 * Ranges are narrowed to what a browser tab handles comfortably; everything else (help, formula,
 * validation) is the core's.
 */
import { DATA_PARAMS as CORE_DATA } from '../../src/data/params.js';
import { makeActivation } from '../../src/model/activations.js';
import { parseActivationString } from '../../src/model/model-json.js';
import type { ParamDef } from '../../src/params/table.js';
import {
  type Algorithm,
  algoDefaults,
  TRAIN_PARAMS as CORE_TRAIN,
  parseTrainConfig,
} from '../../src/training/params.js';
import { type Group, MODEL_PARAMS, type PlaygroundParam, VIEW_PARAMS } from './params.js';

export type State = Record<string, unknown>;

type Override = Partial<Omit<PlaygroundParam, 'key' | 'type'>> & { group?: Group };

const STOCHASTIC = ['sgd', 'adam', 'sam', '1sam', 'asam', 'label-noise', 'trace-penalty', 'invariant-penalty'];
const algoIs =
  (...names: string[]) =>
  (s: State) =>
    names.includes(String(s.algo));

/** Data rows: playground defaults and ranges. Rows not listed keep the core default and are not shown. */
const DATA_UI: Record<string, Override> = {
  d: { label: 'dimension d', default: 20, max: 200 },
  n: { label: 'samples n', default: 200, max: 5000 },
  r: { label: 'indices r', default: 2, max: 10 },
  links: { label: 'target links', default: 'relu+abs' },
  noise: { label: 'label noise σ_ε', max: 10 },
  coeffs: { label: 'coefficients', advanced: true },
  input: { label: 'input law', advanced: true },
  index: { label: 'index U', advanced: true },
  seed: {
    label: 'seed',
    default: 1,
    help: 'one seed for everything: index matrix, inputs and label noise here; initialization, batches and training noise in the trainer (independent sub-streams)',
    formula: 'same seed ⇒ bit-identical numbers',
  },
};

/** Training rows, with the playground's URL keys. `seed` is bound to the data seed (one seed). */
const TRAIN_UI: Record<string, Override> = {
  algo: { short: 'al', label: 'algorithm' },
  width: {
    short: 'm',
    label: 'width m',
    group: 'model',
    default: 100,
    max: 1000,
    formula: 'f(x; θ) = Σ_{j=1..m} a_j σ(w_jᵀx)',
  },
  init: { short: 'in', label: 'init', group: 'model' },
  initScale: { short: 'is', label: 'init scale s', group: 'model', default: 0.5, min: 1e-3, max: 100 },
  lr: { short: 'lr', label: 'learning rate η', min: 1e-5, max: 100 },
  steps: {
    short: 'T',
    label: 'horizon T',
    default: 5000,
    max: 1_000_000,
    help: 'maximum number of optimizer steps (the trainer then polishes and stops); also the length of the λ continuation for flattest',
  },
  batch: { short: 'b', label: 'batch', max: 5000, showIf: algoIs(...STOCHASTIC) },
  rho: { short: 'rho', label: 'ρ', showIf: algoIs('sam', '1sam', 'asam') },
  microBatch: { short: 'mb', label: 'micro-batch', showIf: algoIs('1sam') },
  asamEta: { short: 'ea', label: 'ASAM η', showIf: algoIs('asam') },
  noiseSigma: { short: 'ln', label: 'noise σ', showIf: algoIs('label-noise') },
  noiseKind: { short: 'nk', label: 'noise law', showIf: algoIs('label-noise') },
  lambda: { short: 'la', label: 'λ', showIf: algoIs('trace-penalty', 'invariant-penalty', 'flattest') },
  lambdaFinal: { short: 'lf', label: 'λ final', showIf: algoIs('flattest') },
  optimizer: { short: 'op', label: 'optimizer', advanced: true },
  momentum: { short: 'mo', label: 'momentum μ', advanced: true },
  nesterov: { short: 'ne', label: 'Nesterov', advanced: true },
  beta1: { short: 'b1', label: 'Adam β₁', advanced: true, showIf: (s) => s.algo === 'adam' || s.optimizer === 'adam' },
  beta2: { short: 'b2', label: 'Adam β₂', advanced: true, showIf: (s) => s.algo === 'adam' || s.optimizer === 'adam' },
  adamEps: { short: 'ae', label: 'Adam ε', advanced: true, showIf: (s) => s.algo === 'adam' || s.optimizer === 'adam' },
  schedule: { short: 'sch', label: 'schedule', advanced: true },
  stepEvery: { short: 'se', label: 'decay every', advanced: true, showIf: (s) => s.schedule === 'step' },
  stepGamma: { short: 'sg', label: 'decay γ', advanced: true, showIf: (s) => s.schedule === 'step' },
  lrMin: { short: 'lm', label: 'η_min', advanced: true, showIf: (s) => s.schedule === 'cosine' },
  lrCap: { short: 'lc', label: 'η cap (× 1/λ_max)', advanced: true },
  replacement: { short: 'rp', label: 'with replacement', advanced: true, showIf: algoIs(...STOCHASTIC) },
  lossTol: { short: 'tol', label: 'loss tolerance', advanced: true },
  polish: { short: 'po', label: 'polish', advanced: true },
  polishSteps: { short: 'ps', label: 'polish steps', advanced: true },
};

function decorate(def: ParamDef, o: Override, group: Group): PlaygroundParam {
  return {
    ...def,
    label: def.key,
    ...o,
    group: o.group ?? group,
    short: o.short ?? def.short ?? def.key,
  } as PlaygroundParam;
}

function rows(core: readonly ParamDef[], ui: Record<string, Override>, group: Group): PlaygroundParam[] {
  // Keep the playground's order (the override tables), which puts the important controls first.
  return Object.keys(ui).map((key) => {
    const def = core.find((d) => d.key === key);
    if (!def) throw new Error(`playground: the core table has no "${key}"`);
    return decorate(def, ui[key], group);
  });
}

const dataRows = rows(CORE_DATA, DATA_UI, 'data');
/**
 * The training rows' defaults are those of the start state: the default algorithm's column of the core
 * table (for a ReLU student on the default n), so a row never states a default the app does not use.
 */
const START_ALGO = parseTrainConfig({}).algo;
const startDefaults: Record<string, unknown> = algoDefaults(START_ALGO, {
  k: 1,
  n: Number(DATA_UI.n.default),
  searchPlan: false,
});
const trainRows = rows(CORE_TRAIN, TRAIN_UI, 'train').map((p) =>
  p.key in startDefaults ? { ...p, default: startDefaults[p.key] } : p,
);

export const DATA_PARAMS: readonly PlaygroundParam[] = dataRows;
export const NETWORK_PARAMS: readonly PlaygroundParam[] = [
  ...trainRows.filter((p) => p.group === 'model'),
  ...MODEL_PARAMS,
];
export const TRAIN_PARAMS: readonly PlaygroundParam[] = trainRows.filter((p) => p.group === 'train');

export const TABLE: readonly PlaygroundParam[] = [...DATA_PARAMS, ...NETWORK_PARAMS, ...TRAIN_PARAMS, ...VIEW_PARAMS];

const seen = new Map<string, string>();
for (const p of TABLE) {
  const prev = seen.get(p.short);
  if (prev) throw new Error(`playground table: short key "${p.short}" used by both ${prev} and ${p.key}`);
  seen.set(p.short, p.key);
}

export function byKey(key: string): PlaygroundParam {
  const p = TABLE.find((q) => q.key === key);
  if (!p) throw new Error(`playground table has no "${key}"`);
  return p;
}

export function defaults(): State {
  const s: State = {};
  for (const p of TABLE) s[p.key] = p.default;
  return withAlgoDefaults(s, activationDegree(s));
}

/** Degree k of the state's activation (written as on the CLI: relu, relu-pow:2, …); 1 if none. */
export function activationDegree(s: State): number {
  try {
    return makeActivation(parseActivationString(String(s.activation))).degree ?? 1;
  } catch {
    return 1;
  }
}

/**
 * The state with the selected algorithm's hyperparameters from the core table's per-algorithm column
 * (perAlgo in src/training/params.ts, the same values `flatlab train` and the studies use; the search
 * plan is left out, as the playground trains one network), for a k-homogeneous student. Called at
 * start and whenever the algorithm or the activation changes.
 */
export function withAlgoDefaults(s: State, k: number): State {
  const n = Number(s.n);
  const h = algoDefaults(String(s.algo) as Algorithm, {
    k,
    n: Number.isFinite(n) && n >= 1 ? n : 200,
    searchPlan: false,
  });
  const next: State = { ...s };
  for (const [key, v] of Object.entries(h)) if (trainRows.some((p) => p.key === key)) next[key] = v;
  return next;
}

/** The data fields of a state, as the core's parseDataParams expects them. */
export function dataFields(s: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of DATA_PARAMS) out[p.key] = s[p.key];
  return out;
}

/** The training fields of a state (seed bound to the one seed), as resolveTrainConfig expects them. */
export function trainFields(s: State): Record<string, unknown> {
  const out: Record<string, unknown> = { seed: s.seed };
  for (const p of trainRows) out[p.key] = s[p.key];
  return out;
}
