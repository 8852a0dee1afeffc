import type { Dataset } from '../src/data/dataset.js';
import { createNetwork, type Network } from '../src/model/network.js';
import type { ActivationSpec } from '../src/model/activations.js';
import { Rng } from '../src/rng/xoshiro.js';
import '../src/linalg/index.js';

/** A small random Gaussian data set with labels from a random network (test fixture only). */
export function randomData(n: number, d: number, seed: number, labelScale = 1): Dataset {
  const rng = new Rng(seed);
  const X = rng.fillNormal(new Float64Array(n * d));
  const y = rng.fillNormal(new Float64Array(n), labelScale);
  return { n, d, X, y };
}

export function randomNet(
  act: ActivationSpec | ActivationSpec['name'],
  m: number,
  d: number,
  seed: number,
  scale = 1,
): Network {
  const rng = new Rng(seed);
  const a = rng.fillNormal(new Float64Array(m), scale);
  const W = rng.fillNormal(new Float64Array(m * d), scale / Math.sqrt(d));
  return createNetwork(act, a, W, d);
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
