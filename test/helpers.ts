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

/**
 * Every activation kernel with the parameters that exercise its branches (integer and fractional
 * powers, the leaky slope): the list the native-against-portable tests run through.
 */
export const ACTIVATION_SPECS: ActivationSpec[] = [
  { name: 'relu' },
  { name: 'leaky-relu', alpha: 0.1 },
  { name: 'abs' },
  { name: 'relu-pow', p: 1 },
  { name: 'relu-pow', p: 2 },
  { name: 'relu-pow', p: 3 },
  { name: 'relu-pow', p: 2.5 },
  { name: 'abs-pow', p: 1.5 },
  { name: 'abs-pow', p: 2 },
  { name: 'abs-pow', p: 3 },
  { name: 'square' },
  { name: 'tanh' },
  { name: 'softplus' },
];

/** A spec as a test name shows it: relu-pow(p=2.5), leaky-relu(α=0.1). */
export const specLabel = (s: ActivationSpec): string =>
  `${s.name}${s.p !== undefined ? `(p=${s.p})` : ''}${s.alpha !== undefined ? `(α=${s.alpha})` : ''}`;
