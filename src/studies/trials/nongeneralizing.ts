/**
 * H2 (and the per-interpolator rows of H4): build one interpolator of the catalogue on the trial's data
 * and record its invariant flatness F*, raw trace, fit, risk and the baselines Var(y) / Var f*.
 * F_min (the flattest interpolator found on the same data) is taken at analysis time, across the
 * constructions of the same data group.
 */
import { traceParts } from '../../flatness/trace.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { invariantFlatness } from '../../symmetry/invariant.js';
import { pathNorm, randomFactors, rescale } from '../../symmetry/rescale.js';
import type { TrialOutput } from '../run-trial.js';
import {
  baselines,
  buildInterpolator,
  type CommonParams,
  interpolates,
  studyActivation,
  studyData,
  studyRisk,
} from './common.js';

interface InterpParams extends CommonParams {
  construction: string;
  initScale?: number;
  steps?: number;
  tol?: number;
  logRange?: number;
}

export function runInterpolator(raw: Record<string, unknown>, seed: number): TrialOutput {
  const p = raw as unknown as InterpParams;
  const data = studyData(p, seed);
  const act = studyActivation(p);
  const built = buildInterpolator(p.construction, data, act, p, seed);
  const parts = traceParts(built.net, data);
  const fStar = invariantFlatness(built.net, data, parts).value;
  const risk = studyRisk(built.net, data.target, seed);
  const metrics: TrialOutput['metrics'] = {
    fStar,
    trace: parts.trace,
    trainLoss: parts.loss,
    maxResidual: parts.maxResidual,
    ...risk,
    ...baselines(data.target),
    pathNorm: pathNorm(built.net),
    steps: built.steps,
    interpolates: interpolates(parts.loss, p.tol),
  };
  if (p.logRange !== undefined) {
    // H4: the raw trace at a random point of the interpolator's orbit. The test uses one global factor
    // c = 10^u, u ~ U[−logRange, logRange]; independent per-neuron factors are recorded too, but the
    // largest of m random terms grows with the width m, which biases raw F towards narrow networks.
    const u = randomFactors(1, p.logRange, deriveSeed(seed, 'orbit-sample-global', p.construction))[0];
    metrics.traceRescaled = traceParts(rescale(built.net, u), data).trace;
    const c = randomFactors(built.net.m, p.logRange, deriveSeed(seed, 'orbit-sample', p.construction));
    metrics.traceRescaledPerNeuron = traceParts(rescale(built.net, c), data).trace;
  }
  return { metrics };
}
