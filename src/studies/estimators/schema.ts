/** The estimator comparison's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf, storedNumbers } from '../definition.js';
import { PROBLEM_DEFAULTS } from '../fields.js';

export const ESTIMATORS_DEFAULTS = { ...PROBLEM_DEFAULTS, method: 'hutchinson', budget: 30, reps: 20 } as const;

export const estimatorsParams = paramsOf(ESTIMATORS_DEFAULTS);
export type EstimatorsParams = z.output<typeof estimatorsParams>;

export const estimatorsMetrics = z.object(
  storedNumbers(['exact', 'meanEstimate', 'meanAbsRelError', 'rmsRelError', 'meanStderr']),
);
export type EstimatorsMetrics = z.input<typeof estimatorsMetrics>;
