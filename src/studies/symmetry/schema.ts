/** The symmetry study's fields (with defaults), parameters and stored metrics. */
import { z } from 'zod';
import { TARGET_FIELD_DEFAULTS } from '../fields.js';
import { paramsOf, storedNumber } from '../definition.js';

export const SYMMETRY_DEFAULTS = {
  ...TARGET_FIELD_DEFAULTS,
  d: 10,
  n: 50,
  m: 8,
  activation: 'relu',
  target: 'relu',
  noise: 0,
  construction: 'teacher',
  mode: 'global',
  logRange: 3,
  points: 25,
} as const;

export const symmetryParams = paramsOf(SYMMETRY_DEFAULTS);
export type SymmetryParams = z.output<typeof symmetryParams>;

export const symmetryMetrics = z.object({
  trainLoss: storedNumber,
  risk: storedNumber,
  fStar: storedNumber,
  fMin: storedNumber,
  fMax: storedNumber,
  fDecades: storedNumber,
  outputRelChange: storedNumber,
  lossSpread: storedNumber,
  riskSpread: storedNumber,
  fStarRelSpread: storedNumber,
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
