import type { Dataset } from '../src/data/dataset.js';
import { getBackend, useBackend } from '../src/linalg/index.js';
import type { ActivationSpec } from '../src/model/activations.js';
import { createNetwork, type Network } from '../src/model/network.js';
import { Rng } from '../src/rng/xoshiro.js';

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

/** One GEMM test case: C ← alpha op(A) op(B) + beta C with op(A) m×k, op(B) k×n. */
export interface GemmCase {
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
  alpha: number;
  beta: number;
}

/** Calls f for every shape × transA × transB × (alpha, beta) ∈ {(1,0), (0.7,0.3), (−2,1), (0,0.5)}. */
export function forEachGemmCase(shapes: number[][], f: (c: GemmCase) => void): void {
  for (const [m, n, k] of shapes)
    for (const tA of [false, true])
      for (const tB of [false, true])
        for (const [alpha, beta] of [
          [1, 0],
          [0.7, 0.3],
          [-2, 1],
          [0, 0.5],
        ])
          f({ m, n, k, tA, tB, alpha, beta });
}

/** Run an async computation on the portable backend, then restore the selected one. */
export async function onPortable<T>(fn: () => Promise<T>): Promise<T> {
  const selected = getBackend();
  useBackend('js');
  try {
    return await fn();
  } finally {
    useBackend(selected.name);
  }
}
