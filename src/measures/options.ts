/**
 * Tunable settings of the measures, as one declarative parameter table (src/params/table.ts), so the
 * CLI, study specs and the playground expose the same names, ranges and defaults.
 */
import { type ParamDef, type ParamValues, parseTable } from '../params/table.js';

export const MEASURE_OPTION_PARAMS = [
  {
    key: 'rho',
    type: 'number',
    default: 0.05,
    min: 0,
    max: 1e6,
    help: 'worst-case sharpness radius ρ (‖δ‖₂ ≤ ρ)',
    formula: 'max_{‖δ‖≤ρ} L(θ+δ) − L(θ)',
  },
  {
    key: 'adaptiveRho',
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1e6,
    help: 'adaptive sharpness radius (‖δ ⊘ |θ|‖₂ ≤ ρ)',
  },
  {
    key: 'ascentSteps',
    type: 'int',
    default: 20,
    min: 1,
    max: 10000,
    help: 'projected gradient-ascent steps per start',
  },
  {
    key: 'ascentRestarts',
    type: 'int',
    default: 1,
    min: 0,
    max: 1000,
    help: 'random starts besides the gradient-direction start',
  },
  {
    key: 'sigma',
    type: 'number',
    default: 0.01,
    min: 0,
    max: 1e6,
    help: 'average-case sharpness noise σ (δ ~ N(0, σ²I))',
  },
  {
    key: 'adaptiveSigma',
    type: 'number',
    default: 0.05,
    min: 0,
    max: 1e6,
    help: 'adaptive average-case noise (δ = σ |θ| ∘ ξ)',
  },
  { key: 'noiseSamples', type: 'int', default: 16, min: 1, max: 1e6, help: 'Monte Carlo samples of the weight noise' },
  {
    key: 'pacBayesTarget',
    type: 'number',
    default: 0.1,
    min: 1e-12,
    max: 1e6,
    help: 'PAC-Bayes target loss increase, as a fraction of mean(y²)/2',
  },
  { key: 'pacBayesSteps', type: 'int', default: 30, min: 1, max: 200, help: 'PAC-Bayes bisection steps on log σ' },
  {
    key: 'lanczosBudget',
    type: 'int',
    default: 60,
    min: 1,
    max: 1e6,
    help: 'matrix-vector products for the top Hessian eigenvalue',
  },
] as const satisfies readonly ParamDef[];

/** The measures' settings: one field per row of MEASURE_OPTION_PARAMS (its help says what it is). */
export type MeasureOptions = ParamValues<typeof MEASURE_OPTION_PARAMS>;

export function resolveMeasureOptions(raw: Partial<MeasureOptions> = {}): MeasureOptions {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  return parseTable(MEASURE_OPTION_PARAMS, clean, 'measure option ');
}
