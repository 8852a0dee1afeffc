/**
 * Seeded initializations. Scale s: a_j ~ N(0, s²/m), w_j ~ N(0, s² I/d), so that at s = 1 the output
 * is O(1) and the path norm is O(√m · s²); small s is the rich (feature-learning) regime, large s the
 * lazy (kernel) regime.
 */
import { InputError } from '../errors.js';
import { type Activation, requireHomogeneous } from '../model/activations.js';
import { createNetwork, type Network } from '../model/network.js';
import { Rng } from '../rng/xoshiro.js';
import { rescale, rowNorm } from '../symmetry/rescale.js';
import type { InitKind } from './params.js';

/** The initialization's scheme, scale and seed. */
export interface InitOptions {
  init: InitKind;
  initScale: number;
  seed: number;
}

/**
 * A seeded random network of width m on R^d for training (docs/training.md).
 *
 * @example
 * ```ts
 * import { initNetwork, makeActivation } from 'flatlab';
 *
 * const net = initNetwork(makeActivation({ name: 'relu' }), 4, 3, { init: 'symmetric', initScale: 1, seed: 0 });
 * console.log(net.m, net.d, net.a[0] === -net.a[1]); // 4 3 true: symmetric pairs cancel at init
 * ```
 */
export function initNetwork(act: Activation, m: number, d: number, o: InitOptions): Network {
  const rng = new Rng(o.seed);
  const s = o.initScale;
  const a = new Float64Array(m);
  const W = new Float64Array(m * d);
  if (o.init === 'symmetric') {
    if (m % 2 !== 0) throw new InputError(`width must be even for init symmetric (got ${m})`);
    // Adjacent pairs (a, w), (−a, w): their outputs cancel exactly (the running sum returns to 0 after
    // each pair), so f ≡ 0 at init while the tangent features, hence the lazy-regime kernel, are
    // those of a Gaussian initialization.
    const h = m / 2;
    const a0 = rng.fillNormal(new Float64Array(h), s / Math.sqrt(m));
    const W0 = rng.fillNormal(new Float64Array(h * d), s / Math.sqrt(d));
    for (let j = 0; j < h; j++) {
      a[2 * j] = a0[j];
      a[2 * j + 1] = -a0[j];
      W.set(W0.subarray(j * d, (j + 1) * d), 2 * j * d);
      W.set(W0.subarray(j * d, (j + 1) * d), (2 * j + 1) * d);
    }
    return createNetwork(act, a, W, d);
  }
  rng.fillNormal(a, s / Math.sqrt(m));
  rng.fillNormal(W, s / Math.sqrt(d));
  const net = createNetwork(act, a, W, d);
  if (o.init === 'gaussian') return net;
  // Balanced: rescale each neuron (keeping its mass a_j‖w_j‖^k, hence f) to ‖w_j‖² = k a_j², the
  // quantity gradient flow conserves (d/dt(‖w_j‖² − k a_j²) = 0 for k-homogeneous σ), so training
  // stays balanced. (F*-balance k A_j = B_j is data dependent; `balance` applies it after training.)
  const k = requireHomogeneous(act, 'balanced initialization');
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const wn = rowNorm(net, j);
    const aj = Math.abs(a[j]);
    c[j] = wn > 0 && aj > 0 ? ((k * aj * aj) / (wn * wn)) ** (1 / (2 * k + 2)) : 1;
  }
  return rescale(net, c);
}
