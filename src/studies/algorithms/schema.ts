/** The algorithm comparison's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf } from '../definition.js';
import { LEARNED_BUDGET_DEFAULTS, PROBLEM_DEFAULTS } from '../fields.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const ALGORITHMS_DEFAULTS = {
  ...PROBLEM_DEFAULTS,
  target: 'relu+abs',
  algorithm: 'gd',
  initScale: 0.1,
  ...LEARNED_BUDGET_DEFAULTS,
} as const;

export const algorithmsParams = paramsOf(ALGORITHMS_DEFAULTS);
export type AlgorithmsParams = z.output<typeof algorithmsParams>;
export const algorithmsMetrics = z.object(INTERPOLATOR_METRICS);
