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

/** The studies' initialization scale of a learned interpolator when the spec gives none. */
export const STUDY_INIT_SCALE = 0.1;
/** The flattest search's second start, for a first run that did not interpolate (see runLearnedTrial). */
export const FLATTEST_RETRY_INIT_SCALE = 1;

/**
 * One learned interpolator, measured. The flattest search starts from init scale 0.1, which finds
 * flatter interpolators of exact labels than scale 1 (on (d, n, m) = (20, 160, 25), five seeds: F* 4.30
 * against 4.32 for ReLU and 10.2 against 12.2 for ReLU², risk/Var f* 10⁻⁷ against 10⁻⁵–10⁻⁶), but at
 * narrow widths it can end with too few live neurons to fit noisy labels (σ_ε = 0.5 there: 6 and 4 of
 * 10 runs interpolate). From scale 1 all 20 do. So when a flattest search started at the default scale
 * does not interpolate, a second run starts from scale 1 and replaces it if that one interpolates; the
 * trial's `steps` counts both runs.
 */
export function runLearnedTrial(p: LearnedParams, seed: number): InterpolatorMetrics {
  const data = studyData(p, seed);
  const act = studyActivation(p);
  const first = learned(p.algorithm, data, act, { ...p, initScale: p.initScale ?? STUDY_INIT_SCALE }, seed);
  const measured = measureInterpolator(first.net, data, first.steps, seed);
  if (measured.interpolates || p.algorithm !== 'flattest' || p.initScale !== undefined) return measured;
  const second = learned(p.algorithm, data, act, { ...p, initScale: FLATTEST_RETRY_INIT_SCALE }, seed);
  const retried = measureInterpolator(second.net, data, first.steps + second.steps, seed);
  return retried.interpolates ? retried : { ...measured, steps: first.steps + second.steps };
}
