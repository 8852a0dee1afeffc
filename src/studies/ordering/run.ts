/**
 * H4's trial: one interpolator of the catalogue, measured, plus its raw trace at a random point of its
 * rescaling orbit — the function (hence the risk) is unchanged there, only raw F moves.
 */
import { traceParts } from '../../flatness/trace.js';
import { deriveSeed } from '../../rng/xoshiro.js';
import { randomFactors, rescale } from '../../symmetry/rescale.js';
import type { TrialOutput } from '../definition.js';
import { runInterpolatorTrial } from '../interpolator-run.js';
import type { OrderingMetrics, OrderingParams } from './schema.js';

export function runOrdering(p: OrderingParams, seed: number): TrialOutput<OrderingMetrics> {
  const { net, data, metrics } = runInterpolatorTrial(p, seed);
  // The test uses one global factor c = 10^u, u ~ U[−logRange, logRange]; independent per-neuron factors
  // are recorded too, but the largest of m random terms grows with the width m, which biases raw F
  // towards narrow networks.
  const u = randomFactors(1, p.logRange, deriveSeed(seed, 'orbit-sample-global', p.construction))[0];
  const c = randomFactors(net.m, p.logRange, deriveSeed(seed, 'orbit-sample', p.construction));
  return {
    metrics: {
      ...metrics,
      traceRescaled: traceParts(rescale(net, u), data).trace,
      traceRescaledPerNeuron: traceParts(rescale(net, c), data).trace,
    },
  };
}
