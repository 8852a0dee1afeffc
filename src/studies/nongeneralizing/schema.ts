/** The nongeneralizing study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf } from '../definition.js';
import { INTERPOLATOR_DEFAULTS } from '../interpolator-run.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const NONGENERALIZING_DEFAULTS = {
  ...INTERPOLATOR_DEFAULTS,
  construction: 'memorizer',
} as const;

export const nongeneralizingParams = paramsOf(NONGENERALIZING_DEFAULTS);
export type NongeneralizingParams = z.output<typeof nongeneralizingParams>;

export const nongeneralizingMetrics = z.object(INTERPOLATOR_METRICS);
export type NongeneralizingRow = {
  params: NongeneralizingParams;
  seed: number;
  metrics: z.output<typeof nongeneralizingMetrics>;
};
