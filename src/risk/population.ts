/**
 * Population (excess) risk R(θ) = E_x (f(x; θ) − f*(x))² (docs/math.md#flatness, §3, §7) — no label noise; the test
 * MSE against noisy labels is R + σ_ε². 'auto' uses the exact formula when it applies (Gaussian inputs,
 * sum target, homogeneous student of degree 1 or 2) and Monte Carlo otherwise; the result says which.
 */
import type { Dataset } from '../data/dataset.js';
import type { TargetSpec } from '../data/target.js';
import { type TargetMoments, targetMoments } from '../data/targets.js';
import { InputError } from '../errors.js';
import type { Network } from '../model/network.js';
import { exactRisk, exactUnavailableReason } from './exact.js';
import { type MonteCarloOptions, monteCarloRisk } from './montecarlo.js';

export type RiskMethod = 'auto' | 'exact' | 'montecarlo';

export interface RiskOptions extends MonteCarloOptions {
  method?: RiskMethod;
}

export interface PopulationRisk {
  value: number;
  /** Standard error (0 for the exact formula). */
  stderr: number;
  method: 'exact' | 'montecarlo';
  /** Monte Carlo sample count. */
  samples?: number;
  /** Under 'auto' with Monte Carlo: why the exact formula did not apply. */
  note?: string;
}

export function populationRisk(net: Network, target: TargetSpec, opts: RiskOptions = {}): PopulationRisk {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'montecarlo') {
    throw new InputError(`risk method must be one of auto, exact, montecarlo (got "${String(method)}")`);
  }
  if (net.d !== target.d)
    throw new InputError(`dimension mismatch: the model has d = ${net.d} but the target has d = ${target.d}`);
  const why = method === 'montecarlo' ? 'Monte Carlo requested' : exactUnavailableReason(net, target);
  if (method === 'exact' && why) throw new InputError(`exact population risk unavailable: ${why}`);
  if (!why) return { value: exactRisk(net, target).value, stderr: 0, method: 'exact' };
  const mc = monteCarloRisk(net, target, opts);
  return {
    value: mc.value,
    stderr: mc.stderr,
    method: 'montecarlo',
    samples: mc.samples,
    ...(method === 'auto' ? { note: why } : {}),
  };
}

/** Risk for a data set's target, or null for imported data (no target: unavailable, not guessed). */
export function datasetRisk(net: Network, data: Dataset, opts: RiskOptions = {}): PopulationRisk | null {
  return data.target ? populationRisk(net, data.target, opts) : null;
}

/** Risk of the zero predictor, E f*(x)², and Var f*(x) (the best constant's risk); Var(y) = Var f* + σ_ε². */
export function baselineRisks(
  target: TargetSpec,
  opts: { samples?: number; seed?: number } = {},
): TargetMoments & { zeroPredictor: number; labelVariance: number } {
  const mo = targetMoments(target, opts);
  return { ...mo, zeroPredictor: mo.secondMoment, labelVariance: mo.variance + target.noise ** 2 };
}

export function zeroPredictorRisk(target: TargetSpec): number {
  return targetMoments(target).secondMoment;
}
