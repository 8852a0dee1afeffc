/** The phase study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf, storedNumber } from '../definition.js';
import { LEARNED_BUDGET_DEFAULTS, TARGET_FIELD_DEFAULTS } from '../fields.js';
import { INTERPOLATOR_METRICS } from '../measure.js';

export const PHASE_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 20,
  nPerD: 2,
  m: 10,
  activation: 'relu',
  target: 'matched',
  noise: 0,
  algorithm: 'flattest',
  ...LEARNED_BUDGET_DEFAULTS,
  steps: 500,
} as const;

export const phaseParams = paramsOf(PHASE_DEFAULTS);
export type PhaseParams = z.output<typeof phaseParams>;

/** The sample size of a trial: n = round(nPerD · d), at least 1. */
export const samplesOf = (p: { d: number; nPerD: number }): number => Math.max(1, Math.round(p.nPerD * p.d));

export const phaseMetrics = z.object({ n: storedNumber, ...INTERPOLATOR_METRICS });
export type PhaseMetrics = z.input<typeof phaseMetrics>;
