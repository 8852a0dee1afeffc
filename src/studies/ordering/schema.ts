/** The ordering study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf, storedNumber } from '../definition.js';
import { INTERPOLATOR_DEFAULTS } from '../interpolator-run.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const ORDERING_DEFAULTS = {
  ...INTERPOLATOR_DEFAULTS,
  construction: 'gd',
  logRange: 2,
} as const;

export const orderingParams = paramsOf(ORDERING_DEFAULTS);
export type OrderingParams = z.output<typeof orderingParams>;

const { fStar, trace, ...rest } = INTERPOLATOR_METRICS;
/** Column order as recorded: F*, raw F, then raw F at a random orbit point (global / per neuron). */
export const orderingMetrics = z.object({
  fStar,
  trace,
  traceRescaled: storedNumber,
  traceRescaledPerNeuron: storedNumber,
  ...rest,
});
export type OrderingMetrics = z.input<typeof orderingMetrics>;
