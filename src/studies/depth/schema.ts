/** The depth study's fields (with defaults), parameters, stored metrics and orbit series. */
import { z } from 'zod';
import { paramsOf, storedNumbers } from '../definition.js';
import { PROBLEM_DEFAULTS } from '../fields.js';

/**
 * A depth-3 ReLU network with biases, width 12 per hidden layer, trained by GD for at most 1500 steps of
 * size 0.05 from N(0, initScale²/fan-in) weights, on n = 40 samples in d = 5; 12 random orbit points with
 * per-neuron factors 10^u, u uniform in [−2, 2].
 */
export const DEPTH_DEFAULTS = {
  ...PROBLEM_DEFAULTS,
  d: 5,
  n: 40,
  m: 12,
  depth: 3,
  deepAlgorithm: 'gd',
  initScale: 1,
  lr: 0.05,
  steps: 1500,
  logRange: 2,
  points: 12,
} as const;

export const depthParams = paramsOf(DEPTH_DEFAULTS);
export type DepthParams = z.output<typeof depthParams>;

export const depthMetrics = z.object({
  ...storedNumbers([
    'trainLoss',
    'risk',
    'riskStderr',
    'varY',
    'fStar',
    'trace',
    'traceRescaled',
    'pathNorm',
    'stepsTaken',
    'lrUsed',
    'fMinOrbit',
    'fMaxOrbit',
    'fDecades',
    'fStarRelSpread',
    'outputRelChange',
    'deadNeurons',
    'liveNeurons',
  ]),
  gpConverged: z.boolean(),
});
export type DepthMetrics = z.input<typeof depthMetrics>;

/** F and F* at each random orbit point (point 0 is the trained network itself). */
export const depthSeries = z.object({
  F: z.array(z.number()),
  fStar: z.array(z.number()),
});
