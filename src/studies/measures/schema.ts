/**
 * The measure league's fields (with defaults), parameters and stored metrics: one trial is one member
 * of the league population (src/studies/measures/league-population.ts), its metrics the flat record of
 * `leagueMetrics` — risk, fit, and per registered measure its value and error bar at θ and at the
 * orbit point — plus whether it interpolates.
 */
import { z } from 'zod';
import { paramsOf, storedNumber } from '../definition.js';
import { LEAGUE_METRIC_NAMES } from './league-records.js';

export const MEASURES_DEFAULTS = {
  d: 6,
  n: 16,
  m: 40,
  noise: 0,
  initScale: 1,
  interpolator: 'gd',
  steps: 800,
  polishSteps: 500,
  measureBudget: 'default',
} as const;

export const measuresParams = paramsOf(MEASURES_DEFAULTS);
export type MeasuresParams = z.output<typeof measuresParams>;

/** A stored null (a measure unavailable for this member, e.g. distance_to_init of a construction) reads back as NaN. */
const leagueShape: Record<string, z.ZodType> = Object.fromEntries(
  LEAGUE_METRIC_NAMES.map((k) => [k, k === 'riskMethod' ? z.string() : storedNumber]),
);

export const measuresMetrics = z.object({ ...leagueShape, interpolates: z.boolean() });
export type MeasuresMetrics = z.input<typeof measuresMetrics>;
