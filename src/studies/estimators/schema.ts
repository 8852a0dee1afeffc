/** The estimator comparison's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { TARGET_FIELD_DEFAULTS } from '../fields.js';
import { paramsOf, storedNumber } from '../definition.js';

export const ESTIMATORS_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 20,
  activation: 'relu',
  target: 'relu',
  noise: 0,
  method: 'hutchinson',
  budget: 30,
  reps: 20,
} as const;

export const estimatorsParams = paramsOf(ESTIMATORS_DEFAULTS);
export type EstimatorsParams = z.output<typeof estimatorsParams>;

export const estimatorsMetrics = z.object({
  exact: storedNumber,
  meanEstimate: storedNumber,
  meanAbsRelError: storedNumber,
  rmsRelError: storedNumber,
  meanStderr: storedNumber,
});
export type EstimatorsMetrics = z.input<typeof estimatorsMetrics>;
