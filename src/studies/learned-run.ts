/**
 * The trial of H3 and of the algorithm comparison: train with one of the training module's algorithms
 * on the trial's data (ending at an interpolator after the polish) and measure the result.
 */
import type { Algorithm } from '../training/params.js';
import { type CommonParams, learned, studyActivation, studyData } from './common.js';
import { type InterpolatorMetrics, measureInterpolator } from './measure.js';

export interface LearnedParams extends CommonParams {
  algorithm: Algorithm;
  initScale?: number;
  steps: number;
  tol: number;
}

export function runLearnedTrial(p: LearnedParams, seed: number): InterpolatorMetrics {
  const data = studyData(p, seed);
  const built = learned(p.algorithm, data, studyActivation(p), { ...p, initScale: p.initScale ?? 0.1 }, seed);
  return measureInterpolator(built.net, data, built.steps, seed);
}
