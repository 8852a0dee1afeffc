/**
 * Monte Carlo population risk on fresh samples from the target's input law, streamed in fixed-size
 * chunks (memory O(chunk · (d + m)) whatever the sample count), with the standard error of the mean.
 * The student's outputs come from `forward` (the one network implementation).
 */

import { sampleInputs } from '../data/inputs.js';
import type { TargetSpec } from '../data/target.js';
import { evaluateTarget } from '../data/targets.js';
import { InputError } from '../errors.js';
import { forward, type Network } from '../model/network.js';
import { deriveSeed, Rng } from '../rng/xoshiro.js';

export const DEFAULT_MC_SAMPLES = 1 << 16;
export const DEFAULT_CHUNK = 4096;

/** Monte Carlo settings of the population risk (sample count, seed, chunk size). */
export interface MonteCarloOptions {
  samples?: number;
  seed?: number;
  chunk?: number;
}

export interface MonteCarloRisk {
  value: number;
  stderr: number;
  samples: number;
}

function checkInt(v: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new InputError(`${field} must be an integer in [${min}, ${max}] (got ${v})`);
  return v;
}

export function monteCarloRisk(net: Network, target: TargetSpec, opts: MonteCarloOptions = {}): MonteCarloRisk {
  if (net.d !== target.d)
    throw new InputError(`dimension mismatch: the model has d = ${net.d} but the target has d = ${target.d}`);
  return monteCarloRiskOf((X, rows) => forward(net, X, rows), target, opts);
}

/** The same estimate for any scalar model given by its outputs on a block of rows (e.g. a deep network). */
export function monteCarloRiskOf(
  outputs: (X: Float64Array, rows: number) => Float64Array,
  target: TargetSpec,
  opts: MonteCarloOptions = {},
): MonteCarloRisk {
  const samples = checkInt(opts.samples ?? DEFAULT_MC_SAMPLES, 'samples', 2, 1e9);
  const chunk = checkInt(opts.chunk ?? DEFAULT_CHUNK, 'chunk', 1, 1 << 20);
  const seed = checkInt(opts.seed ?? 0, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const rng = new Rng(deriveSeed(seed, 'risk-mc'));
  const d = target.d;
  const X = new Float64Array(chunk * d);
  // Welford's running mean and sum of squared deviations of e_i = (f(x_i) − f*(x_i))².
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let done = 0; done < samples; done += chunk) {
    const rows = Math.min(chunk, samples - done);
    const Xb = X.subarray(0, rows * d);
    sampleInputs(target.input, d, rows, rng, Xb);
    const f = outputs(Xb, rows);
    const fs = evaluateTarget(target, Xb, rows);
    for (let i = 0; i < rows; i++) {
      const e = (f[i] - fs[i]) ** 2;
      count++;
      const delta = e - mean;
      mean += delta / count;
      m2 += delta * (e - mean);
    }
  }
  return { value: mean, stderr: Math.sqrt(m2 / (count - 1) / count), samples: count };
}
