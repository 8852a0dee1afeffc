/**
 * The trial of H2 and H4: build one interpolator of the catalogue (a construction of
 * docs/math.md#interpolators (§5) or a learned one) on the trial's data and measure it.
 */
import type { Network } from '../model/network.js';
import { buildInterpolator, type CommonParams, type StudyDataset, studyActivation, studyData } from './common.js';
import { LEARNED_BUDGET_DEFAULTS, TARGET_FIELD_DEFAULTS } from './fields.js';
import { type InterpolatorMetrics, measureInterpolator } from './measure.js';

/** Defaults shared by the interpolator studies (H2, H4); each adds its construction (and H4 its orbit range). */
export const INTERPOLATOR_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 50,
  searchWidth: 10,
  activation: 'relu',
  target: 'relu',
  noise: 0,
  initScale: 0.1,
  ...LEARNED_BUDGET_DEFAULTS,
} as const;

export interface InterpolatorParams extends CommonParams {
  construction: string;
  searchWidth: number;
  initScale: number;
  steps: number;
  tol: number;
}

export interface BuiltTrial {
  net: Network;
  data: StudyDataset;
  metrics: InterpolatorMetrics;
}

export function runInterpolatorTrial(p: InterpolatorParams, seed: number): BuiltTrial {
  const data = studyData(p, seed);
  const built = buildInterpolator(p.construction, data, studyActivation(p), p, seed);
  return { net: built.net, data, metrics: measureInterpolator(built.net, data, built.steps, seed) };
}
