/**
 * Data set generation: x_i from the target's input law, y_i = f*(x_i) + σ_ε ε_i. The inputs and the
 * label noise draw from independent sub-streams of the seed, so changing the noise level leaves the
 * inputs (and the noiseless labels) unchanged.
 */
import { InputError } from '../errors.js';
import { checkSeed, deriveSeed, Rng } from '../rng/xoshiro.js';
import type { Dataset } from './dataset.js';
import { sampleInputs } from './inputs.js';
import type { TargetSpec } from './target.js';
import { evaluateTarget, type MakeTargetOptions, makeTarget, validateTarget } from './targets.js';

export const MAX_ENTRIES = 2 ** 28;

/** A ready target and the number of samples to draw from it (see generateDataset). */
export interface DatasetSpec {
  target: TargetSpec;
  n: number;
}

/** Everything needed to make a data set from scratch (the param table's fields). */
export interface DataParams extends MakeTargetOptions {
  n: number;
  /** Seed of the index matrix, the inputs and the label noise (independent sub-streams). */
  seed: number;
}

function checkN(n: number, d: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`n must be an integer ≥ 1 (got ${n})`);
  if (n * d > MAX_ENTRIES) throw new InputError(`n·d = ${n * d} exceeds the limit of ${MAX_ENTRIES} entries`);
}

/**
 * Draw n samples. `spec` is either a ready target with n, or the data parameters (then the target is
 * built first, as in makeDataset, with `seed`). Same (spec, seed) ⇒ bit-identical data.
 *
 * @example
 * ```ts
 * import { generateDataset, makeTarget } from 'flatlab';
 *
 * const target = makeTarget({ d: 4, r: 1, links: 'relu', seed: 1 });
 * const a = generateDataset({ target, n: 10 }, 7);
 * const b = generateDataset({ target, n: 10 }, 7);
 * console.log(a.X.every((v, i) => v === b.X[i])); // true: same seed, same data
 * ```
 */
export function generateDataset(spec: DatasetSpec | Omit<DataParams, 'seed'>, seed: number): Dataset {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InputError(`seed must be a non-negative integer (got ${seed})`);
  checkSeed(seed);
  if (!('target' in spec)) return makeDataset({ ...spec, seed });
  const target = validateTarget(spec.target);
  const { d } = target;
  checkN(spec.n, d);
  const n = spec.n;
  const X = sampleInputs(target.input, d, n, new Rng(deriveSeed(seed, 'data-x')));
  const y = evaluateTarget(target, X, n);
  if (target.noise > 0) {
    const rng = new Rng(deriveSeed(seed, 'data-noise'));
    for (let i = 0; i < n; i++) y[i] += target.noise * rng.normal();
  }
  return { d, n, X, y, target, seed };
}

/**
 * Build the target (index matrix from the seed's 'index' sub-stream) and draw the data set.
 *
 * @example
 * ```ts
 * import { makeDataset } from 'flatlab';
 *
 * const data = makeDataset({ d: 50, n: 200, r: 2, links: 'relu+relu', seed: 0 });
 * console.log(data.n, data.d, data.target?.kind); // 200 50 'sum'
 * ```
 */
export function makeDataset(p: DataParams): Dataset {
  if (!Number.isSafeInteger(p.seed) || p.seed < 0)
    throw new InputError(`seed must be a non-negative integer (got ${p.seed})`);
  const target = makeTarget({
    d: p.d,
    r: p.r,
    links: p.links,
    coeffs: p.coeffs,
    noise: p.noise ?? 0,
    input: p.input,
    index: p.index,
    seed: deriveSeed(p.seed, 'data-index'),
  });
  return generateDataset({ target, n: p.n }, p.seed);
}
