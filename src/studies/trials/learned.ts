/**
 * H3 and the algorithm comparison: train with one of the training module's algorithms on the trial's
 * data (ending at an interpolator after the polish) and record F*, fit, risk and the steps taken.
 */
import { traceParts } from '../../flatness/trace.js';
import type { Algorithm } from '../../training/params.js';
import { invariantFlatness } from '../../symmetry/invariant.js';
import { pathNorm } from '../../symmetry/rescale.js';
import type { TrialOutput } from '../run-trial.js';
import {
  baselines,
  type CommonParams,
  interpolates,
  learned,
  studyActivation,
  studyData,
  studyRisk,
} from './common.js';

interface LearnedParams extends CommonParams {
  algorithm: Algorithm;
  initScale?: number;
  steps?: number;
  tol?: number;
}

export function runLearned(raw: Record<string, unknown>, seed: number): TrialOutput {
  const p = raw as unknown as LearnedParams;
  const data = studyData(p, seed);
  const act = studyActivation(p);
  const built = learned(p.algorithm, data, act, { ...p, initScale: p.initScale ?? 0.1 }, seed);
  const parts = traceParts(built.net, data);
  return {
    metrics: {
      fStar: invariantFlatness(built.net, data, parts).value,
      trace: parts.trace,
      trainLoss: parts.loss,
      maxResidual: parts.maxResidual,
      ...studyRisk(built.net, data.target, seed),
      ...baselines(data.target),
      pathNorm: pathNorm(built.net),
      steps: built.steps,
      interpolates: interpolates(parts.loss, p.tol),
    },
  };
}
