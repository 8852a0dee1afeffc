/** The symmetry study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { paramsOf, storedNumbers } from '../definition.js';
import { PROBLEM_DEFAULTS } from '../fields.js';

export const SYMMETRY_DEFAULTS = {
  ...PROBLEM_DEFAULTS,
  m: 8,
  construction: 'teacher',
  mode: 'global',
  logRange: 3,
  points: 25,
} as const;

export const symmetryParams = paramsOf(SYMMETRY_DEFAULTS);
export type SymmetryParams = z.output<typeof symmetryParams>;

export const symmetryMetrics = z.object({
  ...storedNumbers([
    'trainLoss',
    'risk',
    'fStar',
    'fMin',
    'fMax',
    'fDecades',
    'outputRelChange',
    'lossSpread',
    'riskSpread',
    'fStarRelSpread',
  ]),
  uShaped: z.boolean(),
});
export type SymmetryMetrics = z.input<typeof symmetryMetrics>;

/** The orbit curves a trial records (one value per orbit point). */
export const symmetrySeries = z.object({
  log10c: z.array(z.number()),
  F: z.array(z.number()),
  trainLoss: z.array(z.number()),
  risk: z.array(z.number()),
  fStar: z.array(z.number()),
});
