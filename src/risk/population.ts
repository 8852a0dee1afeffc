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

/** How the population risk is computed: exact where a closed form applies (`auto`), or forced. */
export type RiskMethod = 'auto' | 'exact' | 'montecarlo';

/** The method and the Monte Carlo settings of populationRisk. */
export interface RiskOptions extends MonteCarloOptions {
  method?: RiskMethod;
}

/** A population risk with the method that gave it and, for Monte Carlo, its standard error. */
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

/**
 * The population risk E_x (f(x) − f*(x))², exact where a closed form exists (Gaussian inputs, ReLU and
 * ReLU² students, sum targets) and otherwise Monte Carlo on fresh seeded samples with a standard error
 * (docs/math.md#population-risk).
 *
 * @example
 * ```ts
 * import { makeDataset, memorizer, populationRisk } from 'flatlab';
 *
 * const data = makeDataset({ d: 5, n: 40, r: 1, links: 'relu', seed: 0 });
 * const r = populationRisk(memorizer(data, { name: 'relu' }).net, data.target!);
 * console.log(r.method, r.value > 0); // 'exact' true
 * const mc = populationRisk(memorizer(data, { name: 'relu' }).net, data.target!, { method: 'montecarlo', samples: 4096, seed: 1 });
 * console.log(Math.abs(mc.value - r.value) < 5 * mc.stderr); // true
 * ```
 */
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

/**
 * Risk for a data set's target, or null for imported data (no target: unavailable, not guessed).
 *
 * @example
 * ```ts
 * import { datasetRisk, memorizer, parseCsvDataset } from 'flatlab';
 *
 * const imported = parseCsvDataset('1,0,1\n0,1,2\n');
 * console.log(datasetRisk(memorizer(imported, { name: 'relu' }).net, imported)); // null: no target
 * ```
 */
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
