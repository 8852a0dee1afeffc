/**
 * The measurements every interpolator study records (H2, H3, H4, the algorithm comparison): F*, the raw
 * trace, fit, population risk, the baselines and the path norm, with their stored schema. Shared so the
 * four modules record the same quantities the same way.
 */
import { z } from 'zod';
import { traceParts } from '../flatness/trace.js';
import type { Network } from '../model/network.js';
import { invariantFlatness } from '../symmetry/invariant.js';
import { pathNorm } from '../symmetry/rescale.js';
import { baselines, interpolates, type StudyDataset, studyRisk } from './common.js';
import { storedNumber } from './definition.js';

/** Metric shape of one measured interpolator. */
export const INTERPOLATOR_METRICS = {
  fStar: storedNumber,
  trace: storedNumber,
  trainLoss: storedNumber,
  maxResidual: storedNumber,
  risk: storedNumber,
  riskStderr: storedNumber,
  riskMethod: z.string(),
  varF: storedNumber,
  varY: storedNumber,
  pathNorm: storedNumber,
  steps: storedNumber,
  interpolates: z.boolean(),
};

const schema = z.object(INTERPOLATOR_METRICS);
export type InterpolatorMetrics = z.input<typeof schema>;

/** Measure one interpolator on its trial's data (the order of the fields is the table's column order). */
export function measureInterpolator(
  net: Network,
  data: StudyDataset,
  steps: number,
  seed: number,
): InterpolatorMetrics {
  const parts = traceParts(net, data);
  const base = baselines(data.target);
  return {
    fStar: invariantFlatness(net, data, parts).value,
    trace: parts.trace,
    trainLoss: parts.loss,
    maxResidual: parts.maxResidual,
    ...studyRisk(net, data.target, seed),
    ...base,
    pathNorm: pathNorm(net),
    steps,
    interpolates: interpolates(parts.maxResidual, base.varY),
  };
}
