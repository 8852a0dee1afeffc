/**
 * The playground's own rows of the declarative parameter table (format: src/params/table.ts) and the
 * UI fields every row carries. One table drives the controls (widget, range, hover help) and the URL
 * state (`#short=value&…`); the data and training rows come from the core's tables (tables.ts).
 */
import type { ParamDef } from '../../src/params/table.js';

export type Group = 'data' | 'model' | 'train' | 'view';

export interface PlaygroundParam extends ParamDef {
  readonly short: string;
  readonly group: Group;
  /** Short label on the control. */
  readonly label: string;
  /** Shown only when this holds (e.g. ρ only for the SAM family). */
  readonly showIf?: (state: Record<string, unknown>) => boolean;
  /** Folded under "more" in the controls. */
  readonly advanced?: boolean;
  /** Not a control (state kept in the URL only, e.g. the trained step count). */
  readonly hidden?: boolean;
}

/** Activations offered in the playground: homogeneous ones only (the symmetry views need k), in the CLI spelling. */
export const PLAYGROUND_ACTIVATIONS = ['relu', 'abs', 'leaky-relu', 'relu-pow:2', 'relu-pow:3', 'square'] as const;

/** Activation values of older links (flatlab 0.1), still read from a URL and written in the new spelling. */
export const OLD_ACTIVATION_VALUES: Readonly<Record<string, (typeof PLAYGROUND_ACTIVATIONS)[number]>> = {
  relu2: 'relu-pow:2',
  relu3: 'relu-pow:3',
  'relu_pow:2': 'relu-pow:2',
  'relu_pow:3': 'relu-pow:3',
};

export const MODEL_PARAMS: readonly PlaygroundParam[] = [
  {
    key: 'activation',
    short: 'act',
    group: 'model',
    label: 'activation σ',
    type: 'enum',
    default: 'relu',
    choices: PLAYGROUND_ACTIVATIONS,
    help: 'positively homogeneous activation of degree k (relu-pow:p = ReLU^p, degree p; exact risk for k ≤ 2)',
    formula: 'σ(c t) = c^k σ(t) for c > 0',
  },
];

/** View state: how far training has run and what the symmetry panel shows. */
export const VIEW_PARAMS: readonly PlaygroundParam[] = [
  {
    key: 'trained',
    short: 't',
    group: 'view',
    label: 'steps trained',
    type: 'int',
    default: 0,
    min: 0,
    max: 1_000_000,
    hidden: true,
    help: 'trainer iterations taken; a link replays exactly this many from the seed',
  },
  {
    key: 'symLog',
    short: 'sc',
    group: 'view',
    label: 'log₁₀ c',
    type: 'number',
    default: 0,
    min: -3,
    max: 3,
    hidden: true,
    help: 'rescale along the symmetry orbit: f, the train loss and the risk do not change, the trace F does',
    formula: '(a_j, w_j) ↦ (c_j^{-k} a_j, c_j w_j)',
  },
  {
    key: 'symMode',
    short: 'sm',
    group: 'view',
    label: 'rescaling',
    type: 'enum',
    default: 'global',
    choices: ['global', 'per-neuron'],
    hidden: true,
    help: 'global: every neuron by the same c; per-neuron: c_j = c^{ξ_j} with fixed random ξ_j ∈ [−1, 1]',
    formula: 'c_j = 10^{(log₁₀ c) ξ_j}',
  },
  {
    key: 'balanced',
    short: 'bal',
    group: 'view',
    label: 'balanced',
    type: 'bool',
    default: false,
    hidden: true,
    help: 'start the orbit from the balanced point c* (k A_j = B_j), where the Gauss–Newton trace equals F*',
    formula: 'c_j* = (B_j / (k A_j))^{1/(2k+2)}',
  },
];
