/** The algorithm comparison's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { TARGET_FIELD_DEFAULTS } from '../fields.js';
import { paramsOf } from '../definition.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const ALGORITHMS_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 20,
  activation: 'relu',
  target: 'relu+abs',
  noise: 0,
  algorithm: 'gd',
  initScale: 0.1,
  steps: 1000,
  tol: 1e-8,
} as const;

export const algorithmsParams = paramsOf(ALGORITHMS_DEFAULTS);
export type AlgorithmsParams = z.output<typeof algorithmsParams>;
export const algorithmsMetrics = z.object(INTERPOLATOR_METRICS);
