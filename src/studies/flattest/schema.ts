/** The flattest study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf } from '../definition.js';
import { TARGET_FIELD_DEFAULTS } from '../fields.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const FLATTEST_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 10,
  activation: 'relu',
  target: 'relu',
  noise: 0,
  algorithm: 'flattest',
  steps: 1000,
  tol: 1e-8,
} as const;

export const flattestParams = paramsOf(FLATTEST_DEFAULTS);
export type FlattestParams = z.output<typeof flattestParams>;
export const flattestMetrics = z.object(INTERPOLATOR_METRICS);
